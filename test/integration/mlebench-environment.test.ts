/**
 * The MLE-bench environment, where it is built (`npm run setup -- --mlebench`; skipped elsewhere, CI
 * included): sandbox/mlebench_smoke.py, a solution importing torch, LightGBM, XGBoost, CatBoost, timm,
 * transformers, librosa and OpenCV and training a torch model for 2 epochs, runs through each sandbox
 * with environment `mlebench` and leaves a valid submission.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/paths.js';
import { DockerExecutor, dockerAvailable } from '../../src/sandbox/docker.js';
import { ENVIRONMENT_IMAGES, environmentPythons } from '../../src/sandbox/environments.js';
import type { Executor } from '../../src/sandbox/executor.js';
import { ProcessExecutor } from '../../src/sandbox/process.js';

const code = readFileSync(path.join(projectRoot, 'sandbox', 'mlebench_smoke.py'), 'utf8');
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-mlebench-env-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GiB = 1024 ** 3;
const venvBuilt = existsSync(environmentPythons().mlebench);
const docker = new DockerExecutor().docker;
const imageBuilt = (await dockerAvailable(docker)) && (await docker.getImage(ENVIRONMENT_IMAGES.mlebench).inspect().then(() => true, () => false));

async function smoke(executor: Executor, name: string): Promise<void> {
  const workDir = path.join(root, name);
  const result = await executor.execute({
    code, dataDir: path.join(root, 'data'), workDir, timeoutMs: 600_000, maxOutputBytes: 1 << 20, environment: 'mlebench',
  });
  console.log(`${name} (${result.environment}, ${result.durationMs} ms):\n${result.stdout.text}${result.stderr.text.slice(-2000)}`);
  expect(result.stderr.text).not.toContain('is not built here');
  expect(result.exitCode).toBe(0);
  expect(result.environment).toMatch(/^mlebench: /);
  expect(result.stdout.text).toMatch(/epoch 2: loss \d/);
  expect(JSON.parse(readFileSync(path.join(workDir, 'metrics.json'), 'utf8'))).toMatchObject({ metric: 'accuracy' });
  expect(readFileSync(path.join(workDir, 'submission.csv'), 'utf8').split('\n')[0]).toBe('id,target');
}

describe('MLE-bench environment', () => {
  it.skipIf(!venvBuilt)('process sandbox: .crucible/mlebench-venv trains the smoke solution', async () => {
    await smoke(new ProcessExecutor({ cpus: 2, memoryBytes: 4 * GiB }), 'process');
  }, 900_000);

  it.skipIf(!imageBuilt)('docker: crucible-sandbox-mlebench trains the smoke solution', async () => {
    await smoke(new DockerExecutor({ cpus: 2, memoryBytes: 4 * GiB }), 'docker');
  }, 900_000);
});

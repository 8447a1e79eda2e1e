/**
 * The MLE-bench environment, run for real: sandbox/mlebench_smoke.py (imports torch, LightGBM,
 * XGBoost, CatBoost, timm, transformers, librosa and OpenCV, trains a torch model for 2 epochs)
 * through the process sandbox (.crucible/mlebench-venv) and Docker (crucible-sandbox-mlebench),
 * each with environment `mlebench`, and prints what each took. It needs the environment built
 * (`npm run setup -- --mlebench`, and `scripts/sandbox-image.sh --profile mlebench` for Docker): CI
 * does not build its ~10 GB, so this is a check to run where it is built, not a test.
 *
 *   npx tsx bench/mlebench-environment.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/config/paths.js';
import { DockerExecutor, dockerAvailable } from '../src/sandbox/docker.js';
import { ENVIRONMENT_IMAGES, environmentPythons } from '../src/sandbox/environments.js';
import type { Executor } from '../src/sandbox/executor.js';
import { ProcessExecutor } from '../src/sandbox/process.js';

const GiB = 1024 ** 3;
const code = readFileSync(path.join(projectRoot, 'sandbox', 'mlebench_smoke.py'), 'utf8');
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-mlebench-env-'));

/** Runs the smoke solution; the problems found (none: it trained and wrote its files). */
async function smoke(executor: Executor, name: string): Promise<string[]> {
  const workDir = path.join(root, name);
  const r = await executor.execute({ code, dataDir: path.join(root, 'data'), workDir, timeoutMs: 600_000, maxOutputBytes: 1 << 20, environment: 'mlebench' });
  console.log(`${name}: ${r.environment}, exit ${r.exitCode}, ${(r.durationMs / 1000).toFixed(1)} s\n${r.stdout.text.trim()}`);
  const problems = [
    ...(r.exitCode === 0 ? [] : [`exit code ${r.exitCode}: ${r.stderr.text.slice(-1500)}`]),
    ...(/^mlebench: /.test(r.environment ?? '') ? [] : [`ran in ${r.environment}, not the MLE-bench environment`]),
    ...(/epoch 2: loss \d/.test(r.stdout.text) ? [] : ['no second epoch in the output']),
    ...(existsSync(path.join(workDir, 'submission.csv')) ? [] : ['no submission.csv']),
  ];
  return problems.map((p) => `${name}: ${p}`);
}

const problems: string[] = [];
try {
  if (!existsSync(environmentPythons().mlebench)) problems.push('process: .crucible/mlebench-venv is not built: run `npm run setup -- --mlebench`');
  else problems.push(...(await smoke(new ProcessExecutor({ cpus: 2, memoryBytes: 4 * GiB }), 'process')));
  const docker = new DockerExecutor().docker;
  const image = (await dockerAvailable(docker)) && (await docker.getImage(ENVIRONMENT_IMAGES.mlebench).inspect().then(() => true, () => false));
  if (!image) problems.push(`docker: ${ENVIRONMENT_IMAGES.mlebench} is not built: run \`scripts/sandbox-image.sh --profile mlebench\``);
  else problems.push(...(await smoke(new DockerExecutor({ cpus: 2, memoryBytes: 4 * GiB }), 'docker')));
} finally {
  rmSync(root, { recursive: true, force: true });
}
for (const p of problems) console.error(p);
process.exitCode = problems.length === 0 ? 0 : 1;

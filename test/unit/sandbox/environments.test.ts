/**
 * Which Python environment an execution runs in (src/sandbox/environments.ts): MLE-bench tasks ask for
 * `mlebench`; an executor that has it runs them there and says which in the result, and one that does
 * not runs them in `base` with a note at the end of stderr and one warning per process.
 */
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, dockerAvailable } from '../../../src/sandbox/docker.js';
import type Docker from 'dockerode';
import { describeEnvironment, environmentFor, fallbackNote } from '../../../src/sandbox/environments.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import type { ExecSpec } from '../../../src/sandbox/types.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-environments-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Two distinct interpreters stand for the two environments: the project venv's and the one it was made from.
const base = existsSync(pythonPath()) ? pythonPath() : 'python3';
const other = realpathSync(execFileSync(base, ['-c', 'import sys, os; print(os.path.realpath(sys._base_executable))'], { encoding: 'utf8' }).trim());
const missing = path.join(root, 'no-mlebench-venv', 'bin', 'python');

let n = 0;
function spec(extra: Partial<ExecSpec>): ExecSpec {
  const dir = path.join(root, `case-${n++}`);
  return {
    code: 'import os, sys\nprint(os.path.realpath(sys.executable))\nprint(os.environ["PATH"])\n',
    dataDir: path.join(dir, 'data'), workDir: path.join(dir, 'work'), timeoutMs: 30_000, maxOutputBytes: 64 * 1024, ...extra,
  };
}

describe('environmentFor', () => {
  it('gives MLE-bench competitions the mlebench environment, every other task base', () => {
    expect(environmentFor({ mlebench: { competitionId: 'x' } })).toBe('mlebench');
    expect(environmentFor({})).toBe('base');
  });
});

describe('describeEnvironment', () => {
  /** A Docker engine test double that has exactly the given images. */
  const engineWith = (images: string[]): Docker => ({
    getImage: (name: string) => ({ inspect: () => (images.includes(name) ? Promise.resolve({}) : Promise.reject(new Error('404'))) }),
  }) as unknown as Docker;

  it('says, in one line, what is missing and how to build it', async () => {
    const saved = process.env.CRUCIBLE_HOME;
    process.env.CRUCIBLE_HOME = path.join(root, 'empty-home');
    try {
      const line = await describeEnvironment('mlebench', engineWith([]));
      expect(line).not.toContain('\n');
      expect(line).toContain(`${path.join(root, 'empty-home', 'mlebench-venv', 'bin', 'python')} missing`);
      expect(line).toContain('crucible-sandbox-mlebench:latest missing');
      expect(line).toContain('else base');
      expect(line).toContain('`npm run setup -- --mlebench`');
      const half = await describeEnvironment('mlebench', engineWith(['crucible-sandbox-mlebench:latest']));
      expect(half).toContain('Docker crucible-sandbox-mlebench:latest)');
      expect(half).toContain('else base');
    } finally {
      if (saved === undefined) delete process.env.CRUCIBLE_HOME;
      else process.env.CRUCIBLE_HOME = saved;
    }
  });
});

describe.each(['none', 'bwrap'] as const)('ProcessExecutor (isolation %s)', (isolation) => {
  const bwrapMissing = isolation === 'bwrap' && !existsSync('/usr/bin/bwrap');

  it.skipIf(bwrapMissing)('runs an mlebench execution with the mlebench interpreter and names it in the result', async () => {
    const executor = new ProcessExecutor({ python: base, pythons: { mlebench: other }, isolation, logger: { warn: () => {}, info: () => {} } });
    const result = await executor.execute(spec({ environment: 'mlebench' }));
    expect(result.exitCode).toBe(0);
    expect(result.stdout.text.split('\n')[0]).toBe(other);
    expect(result.environment).toBe(`mlebench: ${other}`);
    const plain = await executor.execute(spec({}));
    expect(plain.environment).toBe(`base: ${base}`);
  });

  it.skipIf(bwrapMissing)('falls back to base when the mlebench interpreter is missing, saying so in stderr and once in the log', async () => {
    const warnings: string[] = [];
    const executor = new ProcessExecutor({ python: base, pythons: { mlebench: missing }, isolation, logger: { warn: (m) => warnings.push(m), info: () => {} } });
    const first = await executor.execute(spec({ environment: 'mlebench' }));
    const second = await executor.execute(spec({ environment: 'mlebench' }));
    const note = fallbackNote('mlebench', missing);
    for (const result of [first, second]) {
      expect(result.exitCode).toBe(0);
      expect(result.environment).toBe(`base: ${base}`);
      expect(result.stderr.text.trimEnd().endsWith(note)).toBe(true);
    }
    expect(note).toContain('npm run setup -- --mlebench');
    // Once per process, not per execution: the first executor here logged it, the second finds it said.
    expect(warnings.filter((w) => w === note)).toHaveLength(isolation === 'none' ? 1 : 0);
  });
});

describe('DockerExecutor', async () => {
  const docker = new DockerExecutor().docker;
  const ready = (await dockerAvailable(docker)) && (await docker.getImage(DEFAULT_SANDBOX_IMAGE).inspect().then(() => true, () => false));

  it.skipIf(!ready)('runs an mlebench execution in the mlebench image, with its venv first on PATH', async () => {
    // The base image stands in for the MLE-bench image: what is checked is the choice, not the packages.
    const executor = new DockerExecutor({ images: { mlebench: DEFAULT_SANDBOX_IMAGE } });
    const result = await executor.execute(spec({ environment: 'mlebench' }));
    expect(result.exitCode).toBe(0);
    expect(result.stdout.text.split('\n')[1]).toMatch(/^\/opt\/mlebench-venv\/bin:/);
    expect(result.environment).toBe(`mlebench: ${DEFAULT_SANDBOX_IMAGE}`);
  });

  it.skipIf(!ready)('falls back to the base image when the mlebench image is missing, saying so in stderr', async () => {
    const image = 'crucible-sandbox-mlebench:no-such-tag';
    const executor = new DockerExecutor({ images: { mlebench: image } });
    const result = await executor.execute(spec({ environment: 'mlebench' }));
    expect(result.exitCode).toBe(0);
    expect(result.environment).toBe(`base: ${DEFAULT_SANDBOX_IMAGE}`);
    expect(result.stdout.text.split('\n')[1]).toBe('/usr/local/bin:/usr/bin:/bin');
    expect(result.stderr.text.trimEnd().endsWith(fallbackNote('mlebench', `the image ${image}`))).toBe(true);
  });
});

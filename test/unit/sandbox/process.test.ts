import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import type { ExecSpec } from '../../../src/sandbox/types.js';
import { alive } from '../../helpers/processes.js';

// These tests need only the standard library; the venv's Python is preferred, any python3 works.
const python = existsSync(pythonPath()) ? pythonPath() : 'python3';
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-process-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Every executor in this file shares one logger, so the once-per-process warning is observable.
const warnings: string[] = [];
const logger = { warn: (message: string) => warnings.push(message) };
const executor = new ProcessExecutor({ python, logger, isolation: 'none' });

let n = 0;
function spec(code: string, extra: Partial<ExecSpec> = {}): ExecSpec {
  const dir = path.join(root, `case-${n++}`);
  return { code, dataDir: path.join(dir, 'data'), workDir: path.join(dir, 'work'), timeoutMs: 20_000, maxOutputBytes: 64 * 1024, ...extra };
}

async function gone(pid: number, withinMs = 2000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

function childPid(stdout: string): number {
  const pid = Number(/child (\d+)/.exec(stdout)?.[1]);
  expect(pid, stdout).toBeGreaterThan(0);
  return pid;
}

const SPAWN_SLEEPER = `
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(f"child {child.pid}", flush=True)
`;

describe("ProcessExecutor, isolation 'none'", () => {
  it('runs solution.py in the work dir and reports exit code, output and duration', async () => {
    const s = spec('import os, sys\nprint("hello from", os.getcwd())\nprint("oops", file=sys.stderr)\nopen("out.txt", "w").write("x")\nraise SystemExit(3)\n');
    const r = await executor.execute(s);
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false, oomKilled: false });
    expect(r.stdout).toEqual({ text: `hello from ${s.workDir}\n`, droppedBytes: 0 });
    expect(r.stderr.text).toBe('oops\n');
    expect(r.durationMs).toBeGreaterThan(0);
    expect(readFileSync(path.join(s.workDir, 'solution.py'), 'utf8')).toBe(s.code);
    expect(existsSync(path.join(s.workDir, 'out.txt'))).toBe(true);
  });

  it('reports exit code 0, and a signal that killed the solution', async () => {
    expect(await executor.execute(spec('pass\n'))).toMatchObject({ exitCode: 0, signal: null });
    const r = await executor.execute(spec('import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n'));
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false });
  });

  it('kills the whole process tree at the timeout', async () => {
    const r = await executor.execute(spec(`${SPAWN_SLEEPER}time.sleep(120)\n`, { timeoutMs: 1500 }));
    expect(r).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGKILL' });
    expect(r.durationMs).toBeGreaterThanOrEqual(1400);
    expect(r.durationMs).toBeLessThan(5000);
    expect(await gone(childPid(r.stdout.text))).toBe(true);
  });

  it('kills what a solution leaves running when it exits', async () => {
    const r = await executor.execute(spec(SPAWN_SLEEPER));
    expect(r.exitCode).toBe(0);
    expect(await gone(childPid(r.stdout.text))).toBe(true);
  });

  it('cancels on abort, killing the tree, and does not start when already aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const r = await executor.execute(spec(`${SPAWN_SLEEPER}time.sleep(120)\n`), controller.signal);
    expect(r).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGKILL' });
    expect(r.durationMs).toBeLessThan(5000);
    expect(await gone(childPid(r.stdout.text))).toBe(true);

    const s = spec('open("ran", "w")\n');
    const pre = await executor.execute(s, AbortSignal.abort());
    expect(pre).toMatchObject({ cancelled: true, exitCode: null, durationMs: 0 });
    expect(existsSync(path.join(s.workDir, 'ran'))).toBe(false);
  });

  it('caps a 5 MB flood to its head and tail while streaming, counting what it dropped', async () => {
    const code = `import sys
sys.stdout.write("HEAD-MARK\\n")
for _ in range(80):
    sys.stdout.write("x" * 65535 + "\\n")
sys.stdout.write("TAIL-MARK\\n")
sys.stderr.write("small\\n")
`;
    const r = await executor.execute(spec(code, { maxOutputBytes: 64 * 1024 }));
    const total = 'HEAD-MARK\n'.length + 80 * 65536 + 'TAIL-MARK\n'.length;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.droppedBytes).toBe(total - 64 * 1024);
    expect(r.stdout.text.startsWith('HEAD-MARK\nxxx')).toBe(true);
    expect(r.stdout.text.endsWith('xxx\nTAIL-MARK\n')).toBe(true);
    expect(r.stdout.text).toContain(`\n… [${total - 64 * 1024} bytes dropped] …\n`);
    expect(r.stderr).toEqual({ text: 'small\n', droppedBytes: 0 });
  });

  it("gives the solution a minimal environment: none of the worker's variables leak", async () => {
    process.env.CRUCIBLE_TEST_SECRET = 'do-not-leak';
    // The payload encryption keys and the Temporal API key live in the worker's environment only.
    process.env.CRUCIBLE_PAYLOAD_KEYS = 'k1:cGF5bG9hZC1rZXktZG8tbm90LWxlYWstMzJieXRlcyE=';
    process.env.TEMPORAL_API_KEY = 'temporal-api-key-do-not-leak';
    try {
      const s = spec('import json, os\nprint(json.dumps(dict(os.environ)))\n', { env: { EXTRA_SETTING: 'yes' } });
      const r = await executor.execute(s);
      const env = JSON.parse(r.stdout.text) as Record<string, string>;
      expect(env.CRUCIBLE_TEST_SECRET).toBeUndefined();
      expect(env.CRUCIBLE_PAYLOAD_KEYS).toBeUndefined();
      expect(env.TEMPORAL_API_KEY).toBeUndefined();
      expect(JSON.stringify(env)).not.toContain('do-not-leak');
      expect(JSON.stringify(env)).not.toContain('cGF5bG9hZC1rZXkt');
      expect(env).toMatchObject({
        CRUCIBLE_DATA_DIR: s.dataDir,
        HOME: s.workDir,
        EXTRA_SETTING: 'yes',
        OMP_NUM_THREADS: '1',
        PYTHONUNBUFFERED: '1',
      });
      // Python itself may add a few (LC_CTYPE); nothing else of the parent's comes through.
      const allowed = ['PATH', 'HOME', 'LANG', 'LC_CTYPE', 'CRUCIBLE_DATA_DIR', 'EXTRA_SETTING'];
      for (const key of Object.keys(env)) expect(allowed.includes(key) || /^(PYTHON|OMP_|OPENBLAS_|MKL_|NUMEXPR_)/.test(key), key).toBe(true);
    } finally {
      delete process.env.CRUCIBLE_TEST_SECRET;
      delete process.env.CRUCIBLE_PAYLOAD_KEYS;
      delete process.env.TEMPORAL_API_KEY;
    }
  });

  it('turns an allocation past the optional memory cap into MemoryError, reported as oomKilled', async () => {
    const capped = new ProcessExecutor({ python, logger, isolation: 'none', memoryLimitBytes: 512 * 1024 * 1024 });
    const r = await capped.execute(spec('big = bytearray(2 * 1024 ** 3)\n'));
    expect(r).toMatchObject({ exitCode: 1, oomKilled: true });
    expect(r.stderr.text).toContain('MemoryError');
    expect(await capped.execute(spec('small = bytearray(10 * 1024 ** 2)\n'))).toMatchObject({ exitCode: 0, oomKilled: false });
  });

  it('rejects when the interpreter cannot start: an infrastructure fault, not a buggy solution', async () => {
    const broken = new ProcessExecutor({ python: path.join(root, 'no-such-python'), logger, isolation: 'none' });
    await expect(broken.execute(spec('pass\n'))).rejects.toThrow(/ENOENT/);
  });

  it('warns once per process that isolation is weak', async () => {
    await executor.execute(spec('pass\n'));
    await new ProcessExecutor({ python, logger, isolation: 'none' }).execute(spec('pass\n'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/isolation/);
  });
});

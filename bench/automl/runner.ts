/** Runs one AutoML runner script (flaml_run.py, autogluon_run.py) as its own process group, killed past its limit. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Library } from './plan.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const RUNNER_SCRIPT: Record<Library, string> = {
  flaml: path.join(HERE, 'flaml_run.py'),
  autogluon: path.join(HERE, 'autogluon_run.py'),
};

const THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'];

export interface RunnerOutcome {
  /** submission.csv's text; null when the runner wrote none. */
  submission: string | null;
  /** The runner's last stdout line, parsed (frame.py report()). */
  info: Record<string, unknown> | null;
  wallMs: number;
  /** Null on success; else the exit, the kill or the last lines of stderr. */
  error: string | null;
}

/**
 * Runs `python script args`, with BLAS/OpenMP pools as wide as the CPUs given (as the sandbox sets
 * them for a solution), and kills its whole process group after `killAfterMs`: a library that
 * overruns its budget is cut off, and what it wrote by then is all it gets.
 */
export function runRunner(python: string, library: Library, args: string[], cpus: number, workdir: string, killAfterMs: number): Promise<RunnerOutcome> {
  const started = Date.now();
  const child = spawn(python, [RUNNER_SCRIPT[library], ...args], {
    cwd: HERE, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...Object.fromEntries(THREAD_VARS.map((k) => [k, String(cpus)])), PYTHONHASHSEED: '0', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { stdout = (stdout + b.toString()).slice(-100_000); });
  child.stderr.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-20_000); });
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, killAfterMs);
  return new Promise((resolve) => {
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      const wallMs = Date.now() - started;
      const last = stdout.trim().split('\n').pop() ?? '';
      let info: Record<string, unknown> | null = null;
      try {
        info = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : null;
      } catch {
        info = null;
      }
      const submission = await readFile(path.join(workdir, 'submission.csv'), 'utf8').catch(() => null);
      const tail = stderr.trim().split('\n').filter((l) => !/warn/i.test(l)).slice(-3).join(' ').slice(-400);
      const error = killed
        ? `killed after ${(killAfterMs / 1000).toFixed(0)} s (over its budget)`
        : code !== 0
          ? `exit ${code ?? signal}: ${tail || 'no output'}`
          : submission === null ? 'wrote no submission.csv' : null;
      resolve({ submission: error === null ? submission : null, info, wallMs, error });
    });
  });
}

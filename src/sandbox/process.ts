import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pythonPath } from '../config/paths.js';
import { CappedBuffer } from './capped-output.js';
import type { ExecResult, ExecSpec, Executor } from './types.js';

export interface Logger {
  warn(message: string): void;
}

export interface ProcessExecutorOptions {
  /** Interpreter that runs solution.py; defaults to pythonPath() (the project venv, or CRUCIBLE_PYTHON). */
  python?: string;
  /**
   * Optional address-space cap per solution, applied with `prlimit --as` (util-linux). It is an
   * rlimit, not a cgroup: allocations past it fail inside Python with MemoryError (exit 1), and
   * the result reports oomKilled when that error is in stderr. It caps virtual memory, so leave
   * headroom: numpy and scikit-learn map far more than they touch.
   */
  memoryLimitBytes?: number;
  /** Receives the one-time weak-isolation warning; defaults to console. */
  logger?: Logger;
  /** How long to wait for the output pipes once the process exited (an escaped grandchild may hold them). */
  drainMs?: number;
}

const ISOLATION_WARNING =
  'WARNING: the process sandbox runs solution code as a plain child process of this worker: same user, ' +
  'same network, same filesystem (only the environment is scrubbed and time is limited). There is no ' +
  'bubblewrap, cgroup or Docker isolation yet. Run only code you trust, or use the Docker executor.';

let isolationWarned = false;

/** Process groups still running; killed when this Node process exits (normally), so solutions do not outlive their worker. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function trackGroup(pgid: number): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => liveGroups.forEach(killGroup));
  }
  liveGroups.add(pgid);
}

/** The solution's whole environment: nothing of the worker's own leaks in (API keys, tokens). */
function solutionEnv(python: string, spec: ExecSpec): Record<string, string> {
  const binDir = path.isAbsolute(python) ? `${path.dirname(python)}:` : '';
  return {
    PATH: `${binDir}/usr/local/bin:/usr/bin:/bin`,
    HOME: spec.workDir,
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONHASHSEED: '0',
    // One thread per BLAS/OpenMP pool: parallel sandboxes on a small machine must not oversubscribe it.
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    NUMEXPR_NUM_THREADS: '1',
    ...spec.env,
    CRUCIBLE_DATA_DIR: spec.dataDir,
  };
}

/**
 * Runs solution.py as a local child process in its own process group. Timeout and cancellation
 * SIGKILL the whole group, grandchildren included; so does a normal exit, to reap stragglers.
 * Isolation is weak (see ISOLATION_WARNING): a fallback for machines without Docker.
 */
export class ProcessExecutor implements Executor {
  readonly name = 'process';
  private readonly python: string;
  private readonly logger: Logger;

  constructor(private readonly options: ProcessExecutorOptions = {}) {
    this.python = options.python ?? pythonPath();
    this.logger = options.logger ?? console;
  }

  async execute(spec: ExecSpec, signal?: AbortSignal): Promise<ExecResult> {
    if (!isolationWarned) {
      isolationWarned = true;
      this.logger.warn(ISOLATION_WARNING);
    }
    const stdout = new CappedBuffer(spec.maxOutputBytes);
    const stderr = new CappedBuffer(spec.maxOutputBytes);
    const result = (r: Pick<ExecResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled' | 'durationMs'>): ExecResult => {
      const err = stderr.result();
      const oomKilled = this.options.memoryLimitBytes !== undefined && r.exitCode !== 0 && err.text.includes('MemoryError');
      return { ...r, oomKilled, stdout: stdout.result(), stderr: err };
    };
    if (signal?.aborted) return result({ exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: 0 });

    await mkdir(spec.workDir, { recursive: true });
    await writeFile(path.join(spec.workDir, 'solution.py'), spec.code);
    const python = [this.python, '-u', 'solution.py'];
    const [command, ...args] =
      this.options.memoryLimitBytes === undefined ? python : ['prlimit', `--as=${this.options.memoryLimitBytes}`, '--', ...python];

    return new Promise<ExecResult>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(command as string, args, {
        cwd: spec.workDir,
        env: solutionEnv(this.python, spec),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let timedOut = false;
      let cancelled = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null; durationMs: number } | null = null;
      let drainTimer: NodeJS.Timeout | undefined;
      const pgid = child.pid;
      if (pgid !== undefined) trackGroup(pgid);

      const kill = (): void => {
        if (pgid !== undefined) killGroup(pgid);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, spec.timeoutMs);
      const onAbort = (): void => {
        cancelled = true;
        kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const cleanup = (): void => {
        clearTimeout(timer);
        clearTimeout(drainTimer);
        signal?.removeEventListener('abort', onAbort);
        if (pgid !== undefined) liveGroups.delete(pgid);
      };
      const finish = (): void => {
        if (!exit) return;
        cleanup();
        resolve(result({ exitCode: exit.code, signal: exit.signal, timedOut, cancelled, durationMs: Math.round(exit.durationMs) }));
      };

      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.once('error', (error) => {
        // Spawn failures (interpreter missing) are infrastructure faults, not a buggy solution.
        if (exit) return;
        kill();
        cleanup();
        reject(error);
      });
      child.once('exit', (code, sig) => {
        exit = { code, signal: sig, durationMs: performance.now() - started };
        // From here on neither a late timeout nor an abort may relabel a finished run.
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        // Whatever the solution left running in its group dies with it.
        kill();
        drainTimer = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, this.options.drainMs ?? 2000);
      });
      child.once('close', finish);
    });
  }
}

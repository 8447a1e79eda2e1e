import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, chown, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pythonPath } from '../config/paths.js';
import type { ExecIsolation } from '../core/node.js';
import { SANDBOX_GID, SANDBOX_UID, SETUP_ERROR, bwrapArgs, findExecutable, isRoot, probeBwrap, pythonLayout, type PythonLayout } from './bwrap.js';
import { CappedBuffer } from './capped-output.js';
import { hostCgroups, type Cgroups, type ExecCgroup } from './cgroup.js';
import { environmentPythons, fallbackNote, warnOnce, type SandboxEnvironment } from './environments.js';
import { setLongTimeout } from './timer.js';
import { Executor } from './executor.js';
import type { SolutionResult, ExecSpec } from './types.js';
import { withNotes } from './workspace.js';

export interface Logger {
  warn(message: string): void;
  /** Receives the one-line notice when real isolation is in use; warn() does when this is absent. */
  info?(message: string): void;
}

/**
 * - `bwrap`: bubblewrap namespaces (no network, read-only host /usr, only /workdir and /tmp writable),
 *   plus per-execution cgroup limits where a cgroup is writable, else rlimits. Fails if bwrap is unusable.
 * - `none`: a plain child process (scrubbed environment, time limit, optional address-space rlimit).
 * - `auto` (default): `bwrap` when bwrap is on PATH and works here, else `none` with a loud warning.
 */
export type Isolation = 'auto' | 'bwrap' | 'none';

export interface ProcessExecutorOptions {
  /** Interpreter of the base environment; defaults to pythonPath() (the project venv, or CRUCIBLE_PYTHON). */
  python?: string;
  /** Interpreters of the other environments (environments.ts); default environmentPythons(). */
  pythons?: Partial<Record<SandboxEnvironment, string>>;
  /** Chosen once, at construction; see Isolation. */
  isolation?: Isolation;
  /** bwrap executable; defaults to `bwrap` on PATH. */
  bwrap?: string;
  /**
   * bwrap mode: memory limit of the execution's cgroup (swap included), 2 GiB by default. Without a
   * writable cgroup it becomes an address-space rlimit (MemoryError instead of an OOM kill).
   */
  memoryBytes?: number;
  /** bwrap mode: most tasks (processes + threads) in the cgroup, or processes of the uid under rlimits; 256. */
  pidsLimit?: number;
  /** bwrap mode: CPU quota in cores (cgroup only; rlimits cannot cap it); 1. */
  cpus?: number;
  /** bwrap mode: size of the private /tmp (counted against the memory cgroup); 256 MiB. */
  tmpBytes?: number;
  /** bwrap mode: size of the private /dev/shm; 64 MiB. */
  shmBytes?: number;
  /** bwrap mode: use a per-execution cgroup when one is writable (default true); false forces rlimits. */
  cgroups?: boolean;
  /**
   * isolation `none` only: optional address-space cap per solution, applied with `prlimit --as` (util-linux).
   * It is an rlimit, not a cgroup: allocations past it fail inside Python with MemoryError (exit 1), and
   * the result reports oomKilled when that error is in stderr. It caps virtual memory, so leave
   * headroom: numpy and scikit-learn map far more than they touch. (bwrap mode without a cgroup uses
   * it, when set, instead of memoryBytes.)
   */
  memoryLimitBytes?: number;
  /** Receives the one-time isolation warning or notice; defaults to console. */
  logger?: Logger;
  /** How long to wait for the output pipes once the process exited (an escaped grandchild may hold them). */
  drainMs?: number;
}

/** What the executor actually does, once `auto` is resolved. */
export interface IsolationInfo {
  mode: Exclude<ExecIsolation, 'docker'>;
  /** How memory, processes and CPU are limited. */
  limits: 'cgroup' | 'rlimit' | 'none';
  cgroupVersion?: 1 | 2;
  /** Host uid the solution runs as; null: the worker's own. */
  uid: number | null;
  /** The one-time warning (mode none, or rlimits) or notice, as logged. */
  message: string;
  /** Whether the message is a warning (weak isolation) rather than a notice. */
  weak: boolean;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function size(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

function noneWarning(reason: string): string {
  return (
    'WARNING: the process sandbox runs solution code as a plain child process of this worker: same user, ' +
    'same network, same filesystem (only the environment is scrubbed and time is limited; memory only with ' +
    `memoryLimitBytes, as an rlimit). ` +
    `No bubblewrap, cgroup or Docker isolation: ${reason}. Run only code you trust, install bubblewrap ` +
    '(scripts/setup.sh does, as root), or use the Docker executor.'
  );
}

/** Messages already logged by this process: each is logged once. */
const announced = new Set<string>();

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

const THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'];

/** The solution's whole environment: nothing of the worker's own leaks in (API keys, tokens). */
function solutionEnv(base: { PATH: string; HOME: string; threads: number; dataDir: string }, spec: ExecSpec): Record<string, string> {
  return {
    PATH: base.PATH,
    HOME: base.HOME,
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONHASHSEED: '0',
    // BLAS/OpenMP pools no wider than the CPU share: parallel sandboxes on a small machine must not oversubscribe it.
    ...Object.fromEntries(THREAD_VARS.map((k) => [k, String(base.threads)])),
    ...spec.env,
    CRUCIBLE_DATA_DIR: base.dataDir,
  };
}

/** A shell that joins the given cgroups, then execs the rest: `sh -c JOIN sh procs... -- cmd args...`. */
const JOIN_CGROUPS =
  'for f do [ "$f" = -- ] && break; { echo $$ > "$f"; } 2>/dev/null || { echo "crucible-sandbox: cannot join cgroup $f" >&2; exit 125; }; shift; done; shift; exec "$@"';

/** `128 + n` from bwrap (it reports a killed child that way) back to the signal's name. */
function signalFromStatus(code: number): string | null {
  if (code <= 128 || code > 128 + 64) return null;
  const found = Object.entries(os.constants.signals).find(([, n]) => n === code - 128);
  return found ? found[0] : null;
}

interface Setup {
  info: IsolationInfo;
  bwrap?: { path: string; asRoot: boolean; cgroups: Cgroups | null };
}

type RawExit = Pick<SolutionResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled' | 'durationMs'>;

/**
 * Runs solution.py in its own process group, by default inside a bubblewrap sandbox with cgroup
 * limits (see Isolation). Timeout and cancellation SIGKILL the whole tree: the process group, the
 * sandbox's pid namespace (bwrap --die-with-parent) and everything left in the cgroup; so does a
 * normal exit, to reap stragglers.
 */
export class ProcessExecutor extends Executor {
  readonly name = 'process';
  private readonly pythons: Record<SandboxEnvironment, string>;
  /** Each interpreter's layout, probed once (bwrap mode). */
  private readonly layouts = new Map<string, Promise<PythonLayout>>();
  private readonly logger: Logger;
  private readonly isolationMode: Isolation;
  private readonly memoryBytes: number;
  private readonly pidsLimit: number;
  private readonly cpus: number;
  private setupPromise: Promise<Setup> | null = null;

  constructor(private readonly options: ProcessExecutorOptions = {}) {
    super();
    this.pythons = { ...environmentPythons(), ...options.pythons, base: options.python ?? pythonPath() };
    this.logger = options.logger ?? console;
    this.isolationMode = options.isolation ?? 'auto';
    this.memoryBytes = options.memoryBytes ?? 2 * GiB;
    this.pidsLimit = options.pidsLimit ?? 256;
    this.cpus = options.cpus ?? 1;
    if (this.isolationMode === 'bwrap' && !findExecutable(options.bwrap ?? 'bwrap')) {
      throw new Error(`isolation 'bwrap': ${options.bwrap ?? 'bwrap'} not found; install bubblewrap (scripts/setup.sh does, as root)`);
    }
  }

  /** The isolation in use (resolves `auto`; probes bwrap and cgroups on first use). */
  async isolation(): Promise<IsolationInfo> {
    return (await this.setup()).info;
  }

  private setup(): Promise<Setup> {
    if (!this.setupPromise) {
      this.setupPromise = this.resolveSetup();
      // A failure (interpreter missing, say) is retried by the next execution.
      this.setupPromise.catch(() => {
        this.setupPromise = null;
      });
    }
    return this.setupPromise;
  }

  private noneSetup(reason: string): Setup {
    const limited = this.options.memoryLimitBytes !== undefined;
    const message = noneWarning(reason);
    return { info: { mode: 'none', limits: limited ? 'rlimit' : 'none', uid: null, message, weak: true } };
  }

  private async resolveSetup(): Promise<Setup> {
    if (this.isolationMode === 'none') return this.noneSetup("isolation 'none' was chosen");
    const bwrap = findExecutable(this.options.bwrap ?? 'bwrap');
    const unusable = bwrap ? await probeBwrap(bwrap) : `${this.options.bwrap ?? 'bwrap'} is not installed`;
    if (unusable || !bwrap) {
      const reason = unusable ?? 'bwrap not found';
      if (this.isolationMode === 'bwrap') throw new Error(`isolation 'bwrap': ${reason}`);
      return this.noneSetup(reason);
    }
    // The base interpreter is probed here, so that a missing one fails the setup (and is retried).
    await this.layout(this.pythons.base);
    const asRoot = isRoot();
    const detection = this.options.cgroups === false ? { cgroups: null, reason: 'cgroups disabled by the cgroups option' } : await hostCgroups();
    const who = asRoot ? `uid ${SANDBOX_UID}` : "the worker's uid in a user namespace";
    const sandbox =
      `bubblewrap sandbox (own mount, pid, network, ipc and uts namespaces; ${who}, no capabilities; ` +
      `read-only host /usr and interpreter, /data read-only, /workdir and a ${size(this.options.tmpBytes ?? 256 * MiB)} /tmp writable)`;
    const uid = asRoot ? SANDBOX_UID : null;
    if (detection.cgroups) {
      const cg = detection.cgroups;
      const message = `Process sandbox: ${sandbox}, limited by ${cg.description}: ${size(this.memoryBytes)} memory, ${this.pidsLimit} tasks, ${this.cpus} CPU.`;
      return {
        info: { mode: 'bwrap', limits: 'cgroup', cgroupVersion: cg.version, uid, message, weak: false },
        bwrap: { path: bwrap, asRoot, cgroups: cg },
      };
    }
    const memory = this.options.memoryLimitBytes ?? this.memoryBytes;
    const message =
      `WARNING: process sandbox: ${sandbox}, but no usable cgroup (${detection.reason}). Limits fall back to rlimits: ` +
      `${size(memory)} of address space (an allocation past it raises MemoryError; no OOM kill), ` +
      `${this.pidsLimit} processes ${asRoot ? `of uid ${SANDBOX_UID} (shared by concurrent sandboxes)` : "of the worker's uid inside the sandbox's user namespace"}, no CPU cap.`;
    return {
      info: { mode: 'bwrap', limits: 'rlimit', uid, message, weak: true },
      bwrap: { path: bwrap, asRoot, cgroups: null },
    };
  }

  private layout(python: string): Promise<PythonLayout> {
    let layout = this.layouts.get(python);
    if (!layout) {
      layout = pythonLayout(python);
      this.layouts.set(python, layout);
      layout.catch(() => this.layouts.delete(python));
    }
    return layout;
  }

  /** The interpreter of the environment asked for when it exists here, else base's with the note that says so. */
  private interpreter(wanted: SandboxEnvironment): { environment: SandboxEnvironment; python: string; note: string | null } {
    const python = this.pythons[wanted];
    if (wanted === 'base' || existsSync(python)) return { environment: wanted, python, note: null };
    const note = fallbackNote(wanted, python);
    warnOnce(note, (m) => this.logger.warn(m));
    return { environment: 'base', python: this.pythons.base, note };
  }

  private announce(info: IsolationInfo): void {
    if (announced.has(info.message)) return;
    announced.add(info.message);
    if (info.weak || !this.logger.info) this.logger.warn(info.message);
    else this.logger.info(info.message);
  }

  /** Returns once the solution's whole process tree is dead. */
  protected async runSolution(spec: ExecSpec, signal?: AbortSignal): Promise<SolutionResult> {
    const setup = await this.setup();
    this.announce(setup.info);
    const { environment, python, note } = this.interpreter(spec.environment ?? 'base');
    const stdout = new CappedBuffer(spec.maxOutputBytes);
    const stderr = new CappedBuffer(spec.maxOutputBytes);
    const result = (r: RawExit, oomKilled: boolean): SolutionResult => withNotes(
      { ...r, oomKilled, stdout: stdout.result(), stderr: stderr.result(), environment: `${environment}: ${python}` },
      note === null ? [] : [note],
    );
    if (signal?.aborted) return result({ exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: 0 }, false);

    const workDir = path.resolve(spec.workDir);
    await mkdir(workDir, { recursive: true });
    await writeFile(path.join(workDir, 'solution.py'), spec.code, { mode: 0o644 });
    const sandbox = setup.bwrap;
    if (!sandbox) {
      const limit = this.options.memoryLimitBytes;
      const command = [python, '-u', 'solution.py'];
      const argv = limit === undefined ? command : ['prlimit', `--as=${limit}`, '--', ...command];
      const binDir = path.isAbsolute(python) ? `${path.dirname(python)}:` : '';
      const env = solutionEnv({ PATH: `${binDir}/usr/local/bin:/usr/bin:/bin`, HOME: workDir, threads: 1, dataDir: spec.dataDir }, spec);
      const r = await this.run(argv, env, workDir, spec, signal, stdout, stderr, null);
      return result(r, limit !== undefined && r.exitCode !== 0 && stderr.result().text.includes('MemoryError'));
    }

    // bwrap: the sandbox user must be able to write the work folder (a fresh one per execution).
    const layout = await this.layout(python);
    if (sandbox.asRoot) await chown(workDir, SANDBOX_UID, SANDBOX_GID);
    const dataDir = path.resolve(spec.dataDir);
    const dataDirExists = await access(dataDir).then(() => true, () => false);
    const cgroup = sandbox.cgroups
      ? await sandbox.cgroups.create({ memoryBytes: this.memoryBytes, pidsLimit: this.pidsLimit, cpus: this.cpus })
      : null;
    try {
      const args = bwrapArgs({
        python: layout, dataDir, dataDirExists, workDir, asRoot: sandbox.asRoot,
        tmpBytes: this.options.tmpBytes ?? 256 * MiB,
        shmBytes: this.options.shmBytes ?? 64 * MiB,
        rlimits: cgroup ? undefined : { addressSpaceBytes: this.options.memoryLimitBytes ?? this.memoryBytes, processes: this.pidsLimit },
      });
      const argv = cgroup ? ['/bin/sh', '-c', JOIN_CGROUPS, 'sh', ...cgroup.procsFiles, '--', sandbox.path, ...args] : [sandbox.path, ...args];
      const env = solutionEnv({
        PATH: `${path.dirname(layout.executable)}:/usr/bin:/bin`, HOME: '/tmp',
        threads: Math.max(1, Math.floor(this.cpus)), dataDir: '/data',
      }, spec);
      const raw = await this.run(argv, env, workDir, spec, signal, stdout, stderr, cgroup);
      const err = stderr.result().text;
      if (!raw.timedOut && !raw.cancelled && raw.exitCode !== 0 && SETUP_ERROR.test(err)) {
        // bwrap, setpriv or the cgroup join failed: an infrastructure fault, not a buggy solution.
        throw new Error(`the process sandbox could not start the solution: ${err.split('\n')[0]}`);
      }
      // bwrap reports a child killed by signal N as exit status 128+N.
      const sig = raw.exitCode === null ? null : signalFromStatus(raw.exitCode);
      const exit = sig ? { ...raw, exitCode: null, signal: sig } : raw;
      const oomKilled = cgroup
        ? (await cgroup.oomKills().catch(() => 0)) > 0
        : exit.exitCode !== 0 && err.includes('MemoryError');
      return result(exit, oomKilled);
    } finally {
      await cgroup?.destroy().catch((e: Error) => this.logger.warn(`process sandbox: could not remove a cgroup: ${e.message}`));
    }
  }

  /** Spawns argv in its own process group and waits for it (and its output) under the spec's limits. */
  private run(
    argv: string[], env: Record<string, string>, cwd: string, spec: ExecSpec, signal: AbortSignal | undefined,
    stdout: CappedBuffer, stderr: CappedBuffer, cgroup: ExecCgroup | null,
  ): Promise<RawExit> {
    const [command, ...args] = argv as [string, ...string[]];
    return new Promise<RawExit>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let timedOut = false;
      let cancelled = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null; durationMs: number } | null = null;
      let drainTimer: NodeJS.Timeout | undefined;
      const pgid = child.pid;
      if (pgid !== undefined) trackGroup(pgid);

      const kill = (): void => {
        if (pgid !== undefined) killGroup(pgid);
        // Inside bwrap the solution has its own session; the cgroup holds the whole tree.
        void cgroup?.killAll();
      };
      const timer = setLongTimeout(() => {
        timedOut = true;
        kill();
      }, spec.timeoutMs);
      const onAbort = (): void => {
        cancelled = true;
        kill();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const cleanup = (): void => {
        timer.clear();
        clearTimeout(drainTimer);
        signal?.removeEventListener('abort', onAbort);
        if (pgid !== undefined) liveGroups.delete(pgid);
      };
      const finish = (): void => {
        if (!exit) return;
        cleanup();
        resolve({ exitCode: exit.code, signal: exit.signal, timedOut, cancelled, durationMs: Math.round(exit.durationMs) });
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
        timer.clear();
        signal?.removeEventListener('abort', onAbort);
        // Whatever the solution left running dies with it.
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

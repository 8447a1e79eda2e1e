import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { CappedBuffer } from './capped-output.js';
import { setLongTimeout, type LongTimer } from './timer.js';
import { ENVIRONMENT_IMAGES, IMAGE_PATHS, fallbackNote, warnOnce, type SandboxEnvironment } from './environments.js';
import { Executor } from './executor.js';
import type { SolutionResult, ExecSpec } from './types.js';
import { withNotes } from './workspace.js';

/** Image of the base environment, built by scripts/sandbox-image.sh; `latest` follows the newest recipe. */
export const DEFAULT_SANDBOX_IMAGE = ENVIRONMENT_IMAGES.base;

/** Label every sandbox container carries; sweepContainers and the tests find containers by it. */
export { NODE_LABEL, RUN_LABEL, WORKER_LABEL } from './labels.js';
import { PROCESS_OWNER, RUN_LABEL, WORKER_LABEL } from './labels.js';

/** The unprivileged user solutions run as (Debian's `nobody`). */
const SANDBOX_UID = 65534;
const SANDBOX_GID = 65534;

export interface DockerExecutorOptions {
  /** Engine client; defaults to `new Docker()` (DOCKER_HOST, else /var/run/docker.sock). */
  docker?: Docker;
  /** Image of the base environment; default crucible-sandbox:latest. */
  image?: string;
  /** Images of the other environments (environments.ts); default ENVIRONMENT_IMAGES. */
  images?: Partial<Record<SandboxEnvironment, string>>;
  /** Memory limit, swap included (MemorySwap = Memory, so no swap); default 2 GiB. */
  memoryBytes?: number;
  /** CPU quota in cores (NanoCpus = 1e9 · cpus); default 1. BLAS/OpenMP thread counts follow it. */
  cpus?: number;
  /** Most processes and threads inside the container; default 256. */
  pidsLimit?: number;
  /** Size of the tmpfs /tmp (charged to the memory limit); default 256 MiB. */
  tmpBytes?: number;
  /** Size of /dev/shm; default 64 MiB (Docker's own default). */
  shmBytes?: number;
  /** Run a minimal init (docker-init) as PID 1 that reaps zombies; default true. */
  init?: boolean;
  /** Labels on every container of this executor; spec.labels override them. By default crucible.worker names this process, so another process's sweep leaves its containers alone. */
  labels?: Record<string, string>;
  /** How long to wait for the last output once the container exited; default 2000 ms. */
  drainMs?: number;
  /**
   * GPU device ids (as nvidia-smi numbers them) this executor's containers get; none by default. The
   * MLE-bench image's torch is PyPI's CUDA build, so the GPU variant is that image with these devices.
   */
  gpus?: string[];
}

/** Exactly the given GPUs, through the NVIDIA container runtime's device request. */
export function gpuDeviceRequests(gpus: readonly string[]): Docker.DeviceRequest[] {
  return gpus.length === 0 ? [] : [{ Driver: 'nvidia', DeviceIDs: [...gpus], Capabilities: [['gpu']] }];
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Docker's error objects carry the HTTP status of the failed API call. */
function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : undefined;
}

/**
 * Splits Docker's multiplexed attach stream (Tty off) into stdout and stderr. Each frame is an
 * 8-byte header (stream id, 3 zero bytes, big-endian payload length) and the payload. Payloads are
 * passed on as they arrive, never assembled, so a huge frame costs no memory here.
 */
export class DockerStreamDemuxer {
  private readonly header = Buffer.alloc(8);
  private headerBytes = 0;
  private stream = 0;
  private remaining = 0;

  constructor(private readonly emit: (stream: 'stdout' | 'stderr', chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerBytes, chunk.length - offset);
        chunk.copy(this.header, this.headerBytes, offset, offset + take);
        this.headerBytes += take;
        offset += take;
        if (this.headerBytes < 8) return;
        this.headerBytes = 0;
        this.stream = this.header[0] as number;
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      const payload = chunk.subarray(offset, offset + take);
      offset += take;
      this.remaining -= take;
      // 0 would be stdin (never attached); anything else is not a stream we know.
      if (this.stream === 1) this.emit('stdout', payload);
      else if (this.stream === 2) this.emit('stderr', payload);
    }
  }
}

/** Exit statuses above 128 are how the engine reports a signal death (128 + signal number). */
function signalName(status: number): string | null {
  if (status <= 128 || status > 128 + 64) return null;
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === status - 128);
  return entry ? entry[0] : null;
}

/**
 * Runs each solution in a fresh container of the sandbox image: no network, read-only root, memory
 * (swap included), CPU and process limits, non-root user with no capabilities and no privilege
 * gain, /data read-only and /workdir the only writable host folder. The container is removed
 * whatever happens, and the worker's own environment never reaches it.
 */
export class DockerExecutor extends Executor {
  readonly name = 'docker';
  readonly docker: Docker;
  readonly image: string;
  private readonly images: Record<SandboxEnvironment, string>;
  private readonly memoryBytes: number;
  private readonly cpus: number;
  private readonly pidsLimit: number;
  private readonly tmpBytes: number;
  private readonly shmBytes: number;
  private readonly init: boolean;
  private readonly labels: Record<string, string>;
  private readonly drainMs: number;
  private readonly gpus: string[];

  constructor(options: DockerExecutorOptions = {}) {
    super();
    this.docker = options.docker ?? new Docker();
    this.image = options.image ?? DEFAULT_SANDBOX_IMAGE;
    this.images = { ...ENVIRONMENT_IMAGES, ...options.images, base: this.image };
    this.memoryBytes = options.memoryBytes ?? 2 * GiB;
    this.cpus = options.cpus ?? 1;
    this.pidsLimit = options.pidsLimit ?? 256;
    this.tmpBytes = options.tmpBytes ?? 256 * MiB;
    this.shmBytes = options.shmBytes ?? 64 * MiB;
    this.init = options.init ?? true;
    this.labels = options.labels ?? { [WORKER_LABEL]: PROCESS_OWNER };
    this.drainMs = options.drainMs ?? 2000;
    this.gpus = options.gpus ?? [];
  }

  /** The solution's whole environment; nothing is inherited from the worker (API keys, tokens). */
  private env(spec: ExecSpec, environment: SandboxEnvironment): string[] {
    const threads = String(Math.max(1, Math.floor(this.cpus)));
    const env: Record<string, string> = {
      PATH: IMAGE_PATHS[environment],
      HOME: '/tmp',
      LANG: 'C.UTF-8',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONHASHSEED: '0',
      // As many threads per BLAS/OpenMP pool as the quota has cores: more only thrash.
      OMP_NUM_THREADS: threads,
      OPENBLAS_NUM_THREADS: threads,
      MKL_NUM_THREADS: threads,
      NUMEXPR_NUM_THREADS: threads,
      ...spec.env,
      CRUCIBLE_DATA_DIR: '/data',
    };
    return Object.entries(env).map(([k, v]) => `${k}=${v}`);
  }

  /** solution.py in a workDir the sandbox user can write to. */
  private async prepareWorkDir(spec: ExecSpec): Promise<{ dataDir: string; workDir: string }> {
    const workDir = path.resolve(spec.workDir);
    const dataDir = path.resolve(spec.dataDir);
    // A missing bind source would be created by the engine, root-owned; make it ours instead.
    await mkdir(dataDir, { recursive: true });
    await mkdir(workDir, { recursive: true });
    await writeFile(path.join(workDir, 'solution.py'), spec.code, { mode: 0o644 });
    if (process.getuid?.() === 0) {
      await chown(workDir, SANDBOX_UID, SANDBOX_GID);
    } else {
      // Not root, cannot chown: open the folder to everyone (it is a fresh per-execution folder).
      await chmod(workDir, 0o777);
    }
    return { dataDir, workDir };
  }

  /** A stopped container with every limit, labelled with the executor's and the spec's labels. */
  private async create(spec: ExecSpec, dataDir: string, workDir: string, environment: SandboxEnvironment): Promise<Docker.Container> {
    const image = this.images[environment];
    try {
      return await this.docker.createContainer({
        Image: image,
        Cmd: ['python3', '-u', '/workdir/solution.py'],
        WorkingDir: '/workdir',
        User: `${SANDBOX_UID}:${SANDBOX_GID}`,
        Env: this.env(spec, environment),
        Labels: { [RUN_LABEL]: '', ...this.labels, ...spec.labels },
        Hostname: 'sandbox',
        // NetworkDisabled skips libnetwork entirely (only `lo` in a fresh netns) and saves ~0.3 s per start.
        NetworkDisabled: true,
        Tty: false,
        OpenStdin: false,
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        HostConfig: {
          NetworkMode: 'none',
          Memory: this.memoryBytes,
          MemorySwap: this.memoryBytes,
          NanoCpus: Math.round(this.cpus * 1e9),
          PidsLimit: this.pidsLimit,
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.tmpBytes}` },
          ShmSize: this.shmBytes,
          Binds: [`${dataDir}:/data:ro`, `${workDir}:/workdir:rw`],
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          Init: this.init,
          DeviceRequests: gpuDeviceRequests(this.gpus),
          // Output is read through attach and capped here; the engine need not keep a copy on disk.
          LogConfig: { Type: 'none', Config: {} },
          // Removal is ours: AutoRemove would race with the inspect that reads OOMKilled.
          AutoRemove: false,
        },
      });
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new Error(`sandbox image ${image} not found: build it with scripts/sandbox-image.sh`, { cause: error });
      }
      throw error;
    }
  }

  /** The environment asked for when its image exists here, else base with the note that says so. */
  private async environment(wanted: SandboxEnvironment): Promise<{ environment: SandboxEnvironment; note: string | null }> {
    if (wanted === 'base') return { environment: wanted, note: null };
    const image = this.images[wanted];
    const exists = await this.docker.getImage(image).inspect().then(() => true, (error: unknown) => {
      if (statusOf(error) === 404) return false;
      throw error;
    });
    if (exists) return { environment: wanted, note: null };
    const note = fallbackNote(wanted, `the image ${image}`);
    warnOnce(note);
    return { environment: 'base', note };
  }

  /** Returns once the container is removed. */
  /** Always a container. */
  async isolation(): Promise<{ mode: 'docker' }> {
    return { mode: 'docker' };
  }

  protected async runSolution(spec: ExecSpec, signal?: AbortSignal): Promise<SolutionResult> {
    if (signal?.aborted) return cancelledBeforeStart();
    const { environment, note } = await this.environment(spec.environment ?? 'base');
    const { dataDir, workDir } = await this.prepareWorkDir(spec);
    if (signal?.aborted) return cancelledBeforeStart();
    const container = await this.create(spec, dataDir, workDir, environment);
    let result: SolutionResult;
    try {
      result = await this.run(container, spec, signal);
    } catch (error) {
      // The run's own error is the one to report; a leftover is swept at the next worker start.
      await removeContainer(container).catch(() => undefined);
      throw error;
    }
    // Not swallowed: a container that cannot be removed is a leak someone must hear about.
    await removeContainer(container);
    return withNotes({ ...result, environment: `${environment}: ${this.images[environment]}` }, note === null ? [] : [note]);
  }

  /** Attaches, starts and waits for the container, enforcing the timeout and the abort signal. */
  private async run(container: Docker.Container, spec: ExecSpec, signal?: AbortSignal): Promise<SolutionResult> {
    const stdout = new CappedBuffer(spec.maxOutputBytes);
    const stderr = new CappedBuffer(spec.maxOutputBytes);
    let timedOut = false;
    let cancelled = false;
    let started = false;
    const kill = (): void => {
      // Before start there is nothing to kill; the flags are checked again once start() returns.
      if (!started) return;
      container.kill({ signal: 'SIGKILL' }).catch(() => {
        // 404/409: the container already exited or is gone; nothing left to stop.
      });
    };
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // An abort between the caller's check and here fired no event.
    if (signal?.aborted) cancelled = true;
    let timer: LongTimer | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let stream: Duplex | undefined;
    const result = (r: Pick<SolutionResult, 'exitCode' | 'signal' | 'oomKilled' | 'durationMs'>): SolutionResult => ({
      ...r,
      timedOut,
      cancelled,
      stdout: stdout.result(),
      stderr: stderr.result(),
    });

    try {
      // Attach before start, or the first output would be lost.
      const attached = (await container.attach({ stream: true, stdout: true, stderr: true })) as Duplex;
      stream = attached;
      const demux = new DockerStreamDemuxer((which, chunk) => (which === 'stdout' ? stdout : stderr).push(chunk));
      const ended = new Promise<void>((resolve) => {
        attached.once('end', resolve);
        attached.once('close', resolve);
        attached.once('error', () => resolve());
      });
      attached.on('data', (chunk: Buffer) => demux.push(chunk));

      if (cancelled) return result({ exitCode: null, signal: null, oomKilled: false, durationMs: 0 });
      const t0 = performance.now();
      await container.start();
      started = true;
      // The timeout measures the solution's own running time, not the engine's start-up.
      timer = setLongTimeout(() => {
        timedOut = true;
        kill();
      }, spec.timeoutMs);
      if (cancelled) kill();
      const waited = (await container.wait()) as { StatusCode?: number };
      const durationMs = Math.round(performance.now() - t0);
      // From here on neither a late timeout nor an abort may relabel a finished run.
      timer.clear();
      signal?.removeEventListener('abort', onAbort);

      // The stream ends once the engine has forwarded the last output; a wedged engine must not hang us.
      await Promise.race([ended, new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, this.drainMs)))]);

      const info = await container.inspect();
      const status = info.State.ExitCode ?? waited.StatusCode ?? null;
      const sig = status === null ? null : signalName(status);
      return result({ exitCode: sig === null ? status : null, signal: sig, oomKilled: info.State.OOMKilled === true, durationMs });
    } finally {
      timer?.clear();
      clearTimeout(drainTimer);
      signal?.removeEventListener('abort', onAbort);
      stream?.destroy();
    }
  }
}

function cancelledBeforeStart(): SolutionResult {
  const empty = { text: '', droppedBytes: 0 };
  return { exitCode: null, signal: null, timedOut: false, oomKilled: false, cancelled: true, durationMs: 0, stdout: empty, stderr: { ...empty } };
}

/** Force-removes a container; "already gone" is success, "removal in progress" is waited out once. */
async function removeContainer(container: Docker.Container): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await container.remove({ force: true, v: true });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return false;
      if (status === 409 && attempt === 0) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      throw error;
    }
  }
  return false;
}

/**
 * Removes every container labelled as Crucible's (crucible.run) whose owner is no longer live, as
 * judged by isLive from its labels (run, node, worker ids). A worker calls it at start to clean up
 * after a crash. Returns how many containers it removed.
 */
export async function sweepContainers(
  docker: Docker,
  isLive: (labels: Record<string, string>) => Promise<boolean>,
): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
  let removed = 0;
  for (const info of containers) {
    if (await isLive(info.Labels ?? {})) continue;
    if (await removeContainer(docker.getContainer(info.Id))) removed++;
  }
  return removed;
}

/** Whether a Docker engine answers its ping within timeoutMs (default 2 s). */
export async function dockerAvailable(docker: Docker = new Docker(), timeoutMs = 2000): Promise<boolean> {
  // dockerode's ping accepts an abortSignal, which its type declarations omit.
  const pinger = docker as unknown as { ping(options: { abortSignal: AbortSignal }): Promise<unknown> };
  try {
    await pinger.ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

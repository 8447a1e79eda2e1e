/**
 * Per-execution cgroups for the process sandbox: memory (+swap), pids and CPU limits, OOM-kill
 * counting and kill-everything, on cgroup v1 (the build machines: /sys/fs/cgroup/{memory,pids,cpu})
 * or v2 (one unified hierarchy). Each execution gets its own cgroup, nested under the worker's own
 * cgroup so the host's accounting of the worker still covers its solutions, and removed afterwards.
 */
import { readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { access, mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CgroupLimits {
  /** Memory limit; swap is capped to the same total where the kernel accounts it. */
  memoryBytes: number;
  /** Most tasks (processes and threads) at once. */
  pidsLimit: number;
  /** CPU quota in cores (CFS bandwidth). */
  cpus: number;
}

export interface ExecCgroup {
  /** cgroup.procs files a process writes its pid to, to join (one per v1 controller; one for v2). */
  readonly procsFiles: string[];
  /** OOM kills inside this cgroup since it was created. */
  oomKills(): Promise<number>;
  /** SIGKILLs every process in the cgroup until none is left (or ~2 s passed). */
  killAll(): Promise<void>;
  /** killAll, then removes the cgroup. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface Cgroups {
  readonly version: 1 | 2;
  /** e.g. "cgroup v1 (memory+memsw, pids, cpu)". */
  readonly description: string;
  create(limits: CgroupLimits): Promise<ExecCgroup>;
}

export type CgroupDetection = { cgroups: Cgroups; reason?: undefined } | { cgroups: null; reason: string };

const V1_CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
type V1Controller = (typeof V1_CONTROLLERS)[number];
const PREFIX = 'crucible-';
const CFS_PERIOD_US = 100_000;

let seq = 0;
/** Cgroups of this process not destroyed yet; killed synchronously if the worker exits. */
const live = new Set<string[]>();
let exitHookInstalled = false;

function track(procsFiles: string[]): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => live.forEach((files) => killAllSync(files)));
  }
  live.add(procsFiles);
}

function pidsIn(text: string): number[] {
  return text.split('\n').filter(Boolean).map(Number).filter((pid) => pid > 0);
}

function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
}

function killAllSync(procsFiles: string[]): void {
  for (const file of procsFiles) {
    try {
      killPids(pidsIn(readFileSync(file, 'utf8')));
    } catch {
      // The cgroup is gone.
    }
  }
}

async function readPids(file: string): Promise<number[]> {
  return readFile(file, 'utf8').then(pidsIn, () => []);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killUntilEmpty(procsFiles: string[]): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const pids = (await Promise.all(procsFiles.map(readPids))).flat();
    if (pids.length === 0 || Date.now() > deadline) return;
    killPids(pids);
    await sleep(10);
  }
}

/** rmdir, retrying while the last tasks are still being torn down (EBUSY). */
async function removeDir(dir: string): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw err;
      await sleep(10);
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes per-execution cgroups that a dead worker left under `parent` (best effort). */
function sweepStale(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^crucible-(\d+)-\d+$/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = path.join(parent, name);
    killAllSync([path.join(dir, 'cgroup.procs')]);
    try {
      rmdirSync(dir);
    } catch {
      // Still busy or not ours to remove: the next sweep tries again.
    }
  }
}

/** The worker's own cgroup path per hierarchy, from /proc/self/cgroup ("id:controllers:path"). */
function ownCgroups(text: string): { v1: Map<string, string>; v2: string | null } {
  const v1 = new Map<string, string>();
  let v2: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, controllers = '', cgPath = '/'] = m;
    if (controllers === '') v2 = cgPath;
    else for (const c of controllers.split(',')) v1.set(c, cgPath);
  }
  return { v1, v2 };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

/** Parent under the worker's own cgroup when the mount shows it, else the hierarchy's root (a container's view). */
async function parentDir(mount: string, own: string | undefined): Promise<string> {
  const nested = path.join(mount, own ?? '/');
  return (await exists(path.join(nested, 'cgroup.procs'))) ? nested : mount;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class CgroupV1 implements Cgroups {
  readonly version = 1 as const;
  readonly description: string;

  constructor(
    private readonly parents: Record<V1Controller, string>,
    private readonly memsw: boolean,
  ) {
    this.description = `cgroup v1 (memory${memsw ? '+swap' : ''}, pids, cpu)`;
  }

  async create(limits: CgroupLimits): Promise<ExecCgroup> {
    const name = `${PREFIX}${process.pid}-${seq++}`;
    const dirs = V1_CONTROLLERS.map((c) => path.join(this.parents[c], name));
    const [memory, pids, cpu] = dirs as [string, string, string];
    const procsFiles = dirs.map((d) => path.join(d, 'cgroup.procs'));
    const remove = async (): Promise<void> => {
      await killUntilEmpty(procsFiles);
      for (const dir of dirs) await removeDir(dir);
    };
    try {
      for (const dir of dirs) await mkdir(dir);
      // memory.limit_in_bytes first: the kernel keeps memsw >= memory.
      await writeFile(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      if (this.memsw) await writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
      await writeFile(path.join(pids, 'pids.max'), String(limits.pidsLimit));
      await writeFile(path.join(cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
      await writeFile(path.join(cpu, 'cpu.cfs_quota_us'), String(Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))));
    } catch (err) {
      await remove().catch(() => undefined);
      throw err;
    }
    return execCgroup(procsFiles, path.join(memory, 'memory.oom_control'), () => killUntilEmpty(procsFiles), remove);
  }
}

class CgroupV2 implements Cgroups {
  readonly version = 2 as const;
  readonly description: string;

  constructor(
    private readonly parent: string,
    private readonly swap: boolean,
  ) {
    this.description = `cgroup v2 (memory${swap ? '+swap' : ''}, pids, cpu)`;
  }

  async create(limits: CgroupLimits): Promise<ExecCgroup> {
    const dir = path.join(this.parent, `${PREFIX}${process.pid}-${seq++}`);
    const procsFiles = [path.join(dir, 'cgroup.procs')];
    const killAll = async (): Promise<void> => {
      // cgroup.kill (5.14+) kills the whole subtree at once; otherwise kill pid by pid.
      await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
      await killUntilEmpty(procsFiles);
    };
    const remove = async (): Promise<void> => {
      await killAll();
      await removeDir(dir);
    };
    try {
      await mkdir(dir);
      await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      if (this.swap) await writeFile(path.join(dir, 'memory.swap.max'), '0');
      await writeFile(path.join(dir, 'pids.max'), String(limits.pidsLimit));
      await writeFile(path.join(dir, 'cpu.max'), `${Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))} ${CFS_PERIOD_US}`);
    } catch (err) {
      await remove().catch(() => undefined);
      throw err;
    }
    return execCgroup(procsFiles, path.join(dir, 'memory.events'), killAll, remove);
  }
}

/**
 * The handle both cgroup versions return: tracked until destroyed (once), OOM kills read from the
 * version's counter file (`oom_kill N` in both memory.oom_control and memory.events).
 */
function execCgroup(procsFiles: string[], oomFile: string, killAll: () => Promise<void>, remove: () => Promise<void>): ExecCgroup {
  track(procsFiles);
  let destroyed: Promise<void> | null = null;
  return {
    procsFiles,
    oomKills: async () => Number(/^oom_kill (\d+)$/m.exec(await readFile(oomFile, 'utf8'))?.[1] ?? 0),
    killAll,
    destroy: () => {
      destroyed ??= remove().finally(() => live.delete(procsFiles));
      return destroyed;
    },
  };
}

/** Creates and removes a throw-away child to prove the parent is writable and has the limit files. */
async function probeChild(parent: string, files: string[]): Promise<Set<string>> {
  const dir = path.join(parent, `${PREFIX}${process.pid}-probe`);
  await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  try {
    const present = new Set(await readdir(dir));
    const missing = files.filter((f) => !present.has(f));
    if (missing.length) throw new Error(`${dir} lacks ${missing.join(', ')}`);
    return present;
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}

async function detectV1(root: string, own: Map<string, string>): Promise<Cgroups> {
  const parents = {} as Record<V1Controller, string>;
  for (const c of V1_CONTROLLERS) {
    const mount = path.join(root, c);
    if (!(await exists(path.join(mount, 'cgroup.procs')))) throw new Error(`no cgroup v1 ${c} hierarchy at ${mount}`);
    parents[c] = await parentDir(mount, own.get(c));
  }
  const memoryFiles = await probeChild(parents.memory, ['memory.limit_in_bytes', 'memory.oom_control']);
  await probeChild(parents.pids, ['pids.max']);
  await probeChild(parents.cpu, ['cpu.cfs_quota_us', 'cpu.cfs_period_us']);
  for (const c of V1_CONTROLLERS) sweepStale(parents[c]);
  return new CgroupV1(parents, memoryFiles.has('memory.memsw.limit_in_bytes'));
}

async function detectV2(root: string, own: string | null): Promise<Cgroups> {
  const parent = await parentDir(root, own ?? '/');
  // cgroup v2 forbids processes in a cgroup that hands controllers to children ("no internal
  // processes"), except at the root: only a worker at the root of its cgroup namespace (a container)
  // can create limited children next to itself without moving itself.
  if (parent !== root) throw new Error(`cgroup v2: the worker sits in ${own}, not at the root of its cgroup namespace`);
  const wanted = ['memory', 'pids', 'cpu'];
  const available = (await readFile(path.join(root, 'cgroup.controllers'), 'utf8')).split(/\s+/);
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length) throw new Error(`cgroup v2: controllers ${missing.join(', ')} unavailable`);
  const enabled = (await readFile(path.join(root, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
  const toEnable = wanted.filter((c) => !enabled.includes(c));
  if (toEnable.length) await writeFile(path.join(root, 'cgroup.subtree_control'), toEnable.map((c) => `+${c}`).join(' '));
  const files = await probeChild(root, ['memory.max', 'memory.events', 'pids.max', 'cpu.max']);
  sweepStale(root);
  return new CgroupV2(root, files.has('memory.swap.max'));
}

/**
 * Finds a cgroup hierarchy this worker may create limited child cgroups in, or says why not.
 * `root` is the cgroup mount (tests point it elsewhere); `selfCgroup` the text of /proc/self/cgroup.
 */
export async function detectCgroups(root = '/sys/fs/cgroup', selfCgroup?: string): Promise<CgroupDetection> {
  let text: string;
  try {
    text = selfCgroup ?? (await readFile('/proc/self/cgroup', 'utf8'));
  } catch (err) {
    return { cgroups: null, reason: `cannot read /proc/self/cgroup: ${errText(err)}` };
  }
  const own = ownCgroups(text);
  const reasons: string[] = [];
  // A pure v2 mount has cgroup.controllers at its root; a hybrid (v1 controllers plus an empty
  // v2 at /sys/fs/cgroup/unified, as on the build machines) is used through v1.
  if (await exists(path.join(root, 'cgroup.controllers'))) {
    try {
      return { cgroups: await detectV2(root, own.v2) };
    } catch (err) {
      reasons.push(errText(err));
    }
  } else {
    try {
      return { cgroups: await detectV1(root, own.v1) };
    } catch (err) {
      reasons.push(errText(err));
    }
  }
  return { cgroups: null, reason: reasons.join('; ') };
}

let detected: Promise<CgroupDetection> | null = null;

/** detectCgroups() on the real mount, once per process. */
export function hostCgroups(): Promise<CgroupDetection> {
  detected ??= detectCgroups();
  return detected;
}

/**
 * A hard disk quota for a solution's writable workspace, where the host has no project quotas and
 * Docker's `--storage-opt size=` is refused: the workspace folder becomes the mount point of its own
 * small ext4 filesystem, kept in a sparse image file under `<workspaces>/.images/`. A solution that
 * fills it gets ENOSPC at the quota instead of filling the host's disk. The image costs host disk only
 * for what the solution actually writes, and is deleted with the workspace.
 *
 * Needs root, mkfs.ext4 and mount with loop devices. Support is probed once per process; without it
 * the workspace has no quota and one warning says so (an execution never fails for that).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, realpath, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, isRoot } from './bwrap.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Default size of a workspace filesystem. */
export const DEFAULT_WORKDIR_BYTES = 2 * GiB;

/** Where the images of a workspaces root live (one file per mounted workspace). */
export const IMAGES_FOLDER = '.images';

/** Checks that quotas work here; throws with the reason when they do not. Given the images folder. */
export type QuotaProbe = (imagesDir: string) => Promise<void>;

export interface DiskQuotaOptions {
  /** Support check, run once per process and probe function; default: a real mount of a 4 MiB image. */
  probe?: QuotaProbe;
  /** Receives the one-time "no disk quota" warning and per-execution mount failures; default console.warn. */
  log?: (message: string) => void;
}

/** A workspace quota as a setting: bytes, or bytes with a probe and logger (tests), or none. */
export type WorkdirQuota = number | ({ bytes: number } & DiskQuotaOptions) | null;

/** A mounted, size-capped workspace. */
export interface QuotaMount {
  dir: string;
  image: string;
  bytes: number;
  /** Whether the workspace filesystem is (about) full: less than 5% of it (at most 4 MiB) or no inode is free. */
  isFull(): Promise<boolean>;
  /** Unmounts (retrying, then lazily) and deletes the image; false when the folder is still mounted. */
  release(): Promise<boolean>;
}

/** How big quota sizes are written: `2GiB`, `512MiB`, `64M`, `1g`, plain bytes; `0`, `none` or `off` for no quota. */
export function parseQuotaBytes(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === '0' || t === 'none' || t === 'off') return null;
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/.exec(t);
  if (!m) throw new Error(`a disk quota must be a size like 2GiB, 512MiB or a number of bytes, or 0/none; got ${JSON.stringify(text)}`);
  const unit = (m[2] ?? 'b')[0] as 'b' | 'k' | 'm' | 'g' | 't';
  const bytes = Math.floor(Number(m[1]) * { b: 1, k: 1024, m: MiB, g: GiB, t: 1024 * GiB }[unit]);
  if (bytes < 4 * MiB) throw new Error(`a disk quota must be at least 4 MiB (or 0/none for no quota); got ${JSON.stringify(text)}`);
  return bytes;
}

/** The exec worker's workspace quota: CRUCIBLE_WORKDIR_QUOTA (e.g. `2GiB`, `0` for none), default 2 GiB. */
export function workdirQuotaFromEnv(env: NodeJS.ProcessEnv = process.env): number | null {
  const setting = env.CRUCIBLE_WORKDIR_QUOTA?.trim();
  if (!setting) return DEFAULT_WORKDIR_BYTES;
  try {
    return parseQuotaBytes(setting);
  } catch (err) {
    throw new Error(`CRUCIBLE_WORKDIR_QUOTA: ${(err as Error).message}`);
  }
}

export function formatMiB(bytes: number): string {
  return `${Math.round(bytes / MiB)} MiB`;
}

// ---------------------------------------------------------------- commands

const SBIN_PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin`;

function tool(name: string): string {
  const found = findExecutable(name, SBIN_PATH);
  if (!found) throw new Error(`${name} not found`);
  return found;
}

/** Runs a command with an argument array (no shell); rejects with its stderr. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(tool(cmd), args, { timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || error.message}`));
      else resolve();
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Unmounts dir: a few tries (something may still hold it for a moment), then lazily. False if even that failed. */
async function unmount(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await run('umount', [dir]);
      return true;
    } catch (err) {
      if (/not mounted|no mount point/i.test((err as Error).message)) return true;
      await sleep(50 * 2 ** attempt);
    }
  }
  try {
    await run('umount', ['-l', dir]);
    return true;
  } catch (err) {
    return /not mounted|no mount point/i.test((err as Error).message);
  }
}

// ---------------------------------------------------------------- owners

/** Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), or null when it is gone. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** This process as written in its image names: `host:pid:start` (the start time guards against pid reuse). */
const OWNER = `${os.hostname()}:${process.pid}:${processStart(process.pid) ?? '0'}`;

/** An owner is live while its process runs on this host; another host's images are left to that host. */
function ownerLive(owner: string): boolean {
  const [host, pid, start] = owner.split(':');
  if (host !== os.hostname()) return true;
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 && processStart(n) === start;
}

/** `<owner>~<hash>.img` (an image) or `<owner>~probe` (the support probe's mount point) → owner, or null for names not made here. */
function ownerOf(file: string): string | null {
  const m = /^([^~/]+:\d+:\d+)~(?:[0-9a-f]+\.img|probe)$/.exec(path.basename(file));
  return m ? (m[1] as string) : null;
}

// ---------------------------------------------------------------- mounting

/** Makes dir (an existing, empty folder) the mount point of a fresh ext4 filesystem of `bytes` in `image`. */
async function mountImage(dir: string, image: string, bytes: number): Promise<void> {
  await mkdir(path.dirname(image), { recursive: true });
  // Sparse: blocks are allocated only as the solution writes.
  const handle = await open(image, 'wx', 0o600);
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
  // No reserved blocks, no journal (nothing survives the workspace anyway), no discard pass over the
  // sparse file, the root directory owned by the sandbox user (uid 65534).
  await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-O', '^has_journal', '-E', 'nodiscard,root_owner=65534:65534', image]);
  await run('mount', ['-o', 'loop,nosuid,nodev,noatime', image, dir]);
  await rm(path.join(dir, 'lost+found'), { recursive: true, force: true });
}

const pathHash = (dir: string) => createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);

function imageFor(imagesDir: string, dir: string): string {
  return path.join(imagesDir, `${OWNER}~${pathHash(dir)}.img`);
}

/** The workspace-path hash an image's name carries (`<owner>~<hash>.img`). */
const hashOfImage = (name: string) => name.slice(name.lastIndexOf('~') + 1).replace(/\.img$/, '');

/** Every workspace folder (`<run>/<attempt>`) by the hash its image would carry, under both spellings of the root. */
async function workspacesByImageHash(workspaces: string, root: string): Promise<Map<string, string>> {
  const byHash = new Map<string, string>();
  for (const run of await readdir(root).catch(() => [] as string[])) {
    if (run === IMAGES_FOLDER) continue;
    for (const attempt of await readdir(path.join(root, run)).catch(() => [] as string[])) {
      const dir = path.join(root, run, attempt);
      byHash.set(pathHash(dir), dir);
      byHash.set(pathHash(path.join(workspaces, run, attempt)), dir);
    }
  }
  return byHash;
}

/** The default support check: root, the tools, and a real mount of a 4 MiB image in the images folder. */
export const probeLoopMount: QuotaProbe = async (imagesDir) => {
  if (!isRoot()) throw new Error('the worker does not run as root (loop mounts need it)');
  for (const name of ['mkfs.ext4', 'mount', 'umount']) tool(name);
  const dir = path.join(imagesDir, `${OWNER}~probe`);
  const image = imageFor(imagesDir, dir);
  await mkdir(dir, { recursive: true });
  try {
    await mountImage(dir, image, 4 * MiB);
    if (!(await unmount(dir))) throw new Error(`could not unmount the probe at ${dir}`);
  } finally {
    await rm(image, { force: true });
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
};

/** Support, by probe function: the reason it is missing, or null. Probed once per process. */
const support = new Map<QuotaProbe, Promise<string | null>>();
const warned = new Set<QuotaProbe>();

function supported(probe: QuotaProbe, imagesDir: string): Promise<string | null> {
  let known = support.get(probe);
  if (!known) {
    known = mkdir(imagesDir, { recursive: true }).then(() => probe(imagesDir)).then(() => null, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    support.set(probe, known);
  }
  return known;
}

/**
 * Caps the workspace `dir` (an existing, empty folder under `workspaces`) at `bytes`: mounts a fresh
 * filesystem of that size on it. Returns null, and the workspace has no quota, where loop mounts are
 * not supported (one warning per process) or this mount failed (a warning each time).
 */
export async function mountQuota(workspaces: string, dir: string, bytes: number, options: DiskQuotaOptions = {}): Promise<QuotaMount | null> {
  const probe = options.probe ?? probeLoopMount;
  const log = options.log ?? console.warn;
  const imagesDir = path.join(path.resolve(workspaces), IMAGES_FOLDER);
  const missing = await supported(probe, imagesDir);
  if (missing !== null) {
    if (!warned.has(probe)) {
      warned.add(probe);
      log(`WARNING: solution workspaces have NO disk quota (wanted ${formatMiB(bytes)} each): loop-mounted workspace filesystems are not supported here (${missing}). A solution can fill this host's disk; run the exec worker as root with mkfs.ext4 and loop devices to enforce it.`);
    }
    return null;
  }
  const image = imageFor(imagesDir, dir);
  try {
    await mountImage(dir, image, bytes);
  } catch (err) {
    await unmount(dir);
    await rm(image, { force: true });
    log(`WARNING: workspace ${dir} runs without its disk quota: ${(err as Error).message}`);
    return null;
  }
  return {
    dir, image, bytes,
    async isFull() {
      const s = await statfs(dir).catch(() => null);
      if (!s) return false;
      // A write that does not fit fails whole, so a full filesystem keeps up to one write's worth free.
      return s.bavail * s.bsize < Math.min(4 * MiB, bytes / 20) || s.ffree === 0;
    },
    async release() {
      const done = await unmount(dir);
      // A lazily unmounted filesystem lives on until its last user goes; its image can go now.
      await rm(image, { force: true });
      if (!done) log(`WARNING: could not unmount the workspace ${dir}; the next exec worker start sweeps it`);
      return done;
    },
  };
}

// ---------------------------------------------------------------- sweeping

interface MountEntry { source: string; target: string }

/** /proc/self/mounts, with its octal escapes (\040 for space) decoded. */
async function mounts(): Promise<MountEntry[]> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const decode = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text.split('\n').filter(Boolean).map((line) => {
    const [source = '', target = ''] = line.split(' ');
    return { source: decode(source), target: decode(target) };
  });
}

/** The file behind a loop device (`/dev/loop3`), or null. */
async function backingFile(device: string): Promise<string | null> {
  const m = /^\/dev\/(loop\d+)$/.exec(device);
  if (!m) return null;
  const text = await readFile(`/sys/block/${m[1]}/loop/backing_file`, 'utf8').catch(() => null);
  return text === null ? null : text.trim().replace(/ \(deleted\)$/, '');
}

/** Every file a loop device is attached to now. */
async function attachedImages(): Promise<Set<string>> {
  const devices = await readdir('/sys/block').catch(() => [] as string[]);
  const files = await Promise.all(devices.filter((d) => d.startsWith('loop')).map((d) => backingFile(`/dev/${d}`)));
  return new Set(files.filter((f): f is string => f !== null));
}

/**
 * Removes what exec workers that died mid-execution (SIGKILL, power loss) left under a workspaces
 * root: loop mounts of workspace filesystems whose owner process is gone (unmounted, their folders
 * removed) and their images. Mounts and images of live workers, this one's included, are kept. An
 * exec worker calls it at start, like sweepContainers.
 */
export async function sweepWorkspaceMounts(workspaces: string, log: (message: string) => void = console.warn): Promise<{ mounts: number; images: number }> {
  // The kernel names mounts and loop files by their real paths.
  const root = await realpath(workspaces).catch(() => path.resolve(workspaces));
  const imagesDir = path.join(root, IMAGES_FOLDER);
  let swept = 0;
  let images = 0;
  const stale = [];
  const mounted = await mounts();
  for (const m of mounted) {
    if (!m.target.startsWith(`${root}/`)) continue;
    const image = await backingFile(m.source);
    if (image === null || path.dirname(image) !== imagesDir) continue;
    const owner = ownerOf(image);
    if (owner === null || ownerLive(owner)) continue;
    stale.push({ target: m.target, image });
  }
  // Deepest first, should one ever sit inside another.
  stale.sort((a, b) => b.target.length - a.target.length);
  for (const { target, image } of stale) {
    if (!(await unmount(target))) {
      log(`could not unmount the stale workspace ${target}`);
      continue;
    }
    swept++;
    await rm(image, { force: true });
    images++;
    await rm(target, { recursive: true, force: true }).catch(() => undefined);
  }
  const inUse = await attachedImages();
  const stillMounted = new Set((await mounts()).map((m) => m.target));
  // An image outlives its mount when the worker died with its mount namespace (a host killed whole):
  // the workspace folder it was mounted on is left too, found by the path hash in the image's name.
  const workspaceOf = await workspacesByImageHash(workspaces, root);
  for (const name of await readdir(imagesDir).catch(() => [] as string[])) {
    const file = path.join(imagesDir, name);
    const owner = ownerOf(name);
    if (owner === null || ownerLive(owner) || inUse.has(file) || stillMounted.has(file)) continue;
    if (await rm(file, { recursive: true, force: true }).then(() => true, () => false)) images++;
    const dir = workspaceOf.get(hashOfImage(name));
    if (dir !== undefined && !stillMounted.has(dir)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  if (swept > 0 || images > 0) log(`Removed ${swept} workspace mount(s) and ${images} image(s) left by an exec worker that is gone.`);
  return { mounts: swept, images };
}

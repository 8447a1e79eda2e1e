import { activityInfo } from '@temporalio/activity';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { mountQuota, type WorkdirQuota } from '../sandbox/diskQuota.js';

/** The folder a sandbox gets as its workspace, and what its disk quota is. */
export interface Workspace {
  dir: string;
  /** Size of the workspace's own filesystem; null when it has no quota (none asked, or unsupported here). */
  quotaBytes: number | null;
  /** Whether the quota is (about) used up; always false without a quota. */
  isFull(): Promise<boolean>;
}

/**
 * Runs `work` in a fresh, empty folder of its own, removed afterwards. One folder per attempt: a
 * sandbox orphaned by a dead worker must not write into its retry's folder. With a quota the folder
 * is a filesystem of that size (src/sandbox/diskQuota.ts), so a solution that fills it gets ENOSPC
 * instead of filling the host's disk.
 */
export async function inFreshWorkspace<T>(
  workspaces: string, runId: string, name: string, quota: WorkdirQuota,
  work: (dir: string, workspace: Workspace) => Promise<T>,
): Promise<T> {
  const dir = path.join(workspaces, runId, `${name}-attempt-${activityInfo().attempt}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const mount = quota === null ? null
    : typeof quota === 'number' ? await mountQuota(workspaces, dir, quota)
      : await mountQuota(workspaces, dir, quota.bytes, quota);
  let unmounted = true;
  try {
    return await work(dir, { dir, quotaBytes: mount?.bytes ?? null, isFull: async () => (mount ? mount.isFull() : false) });
  } finally {
    if (mount) unmounted = await mount.release();
    // A folder still mounted (its unmount failed) is left to the sweep at the next worker start.
    if (unmounted) await rm(dir, { recursive: true, force: true });
  }
}

/** Most bytes of an output file (submission.csv, metrics.json) the worker reads; a bigger one is the solution's bug. */
export const MAX_OUTPUT_FILE_BYTES = 256 * 1024 * 1024;

/**
 * An output file the solution wrote: its text, null when it is not there, or `{ tooLarge }` (its size)
 * when reading it would make the worker parse more than `maxBytes`.
 */
export async function readOutputFile(file: string, maxBytes = MAX_OUTPUT_FILE_BYTES): Promise<string | null | { tooLarge: number }> {
  const size = await stat(file).then((s) => (s.isFile() ? s.size : null), () => null);
  if (size === null) return null;
  if (size > maxBytes) return { tooLarge: size };
  return readFile(file, 'utf8').catch(() => null);
}

/** The bug reason of an output file that was too large to read. */
export function tooLargeReason(name: string, bytes: number, maxBytes = MAX_OUTPUT_FILE_BYTES): string {
  const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;
  return `${name} is ${mib(bytes)}; outputs larger than ${mib(maxBytes)} are not read`;
}

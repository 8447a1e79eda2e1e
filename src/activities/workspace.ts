import { activityInfo } from '@temporalio/activity';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs `work` in a fresh, empty folder of its own, removed afterwards. One folder per attempt: a
 * sandbox orphaned by a dead worker must not write into its retry's folder.
 */
export async function inFreshWorkspace<T>(workspaces: string, runId: string, name: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(workspaces, runId, `${name}-attempt-${activityInfo().attempt}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

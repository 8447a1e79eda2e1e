/**
 * What a solution leaves in its workspace is read afterwards by the worker, on the host, with the
 * worker's rights (execute reads metrics.json and submission.csv, crossValidate submission.csv). A
 * solution can leave a symbolic link there, and a link is resolved by whoever follows it: a link
 * made inside the sandbox to `/etc/shadow`, or to a host path it guessed, would have the worker read
 * the host's file into the artifact store, the run's history and the next prompts. A FIFO would
 * block the reader forever. So once the sandbox has exited, Executor.execute (executor.ts) seals
 * the workspace: every top-level entry that is not a regular file or folder, or a link that stays
 * inside the workspace and ends at one, is removed, and the solution's stderr says so.
 */
import { lstat, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SolutionResult } from './types.js';

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

function kind(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Removes the workspace's top-level entries that the host must not follow or open; returns one line
 * per entry removed (empty when there was nothing to remove). Never follows anything itself.
 */
export async function sealWorkspace(workDir: string): Promise<string[]> {
  const root = await realpath(workDir).catch(() => null);
  if (root === null) return [];
  const notes: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    const entry = path.join(root, name);
    const st = await lstat(entry).catch(() => null);
    if (st === null || st.isFile() || st.isDirectory()) continue;
    let why: string;
    if (st.isSymbolicLink()) {
      const target = await readlink(entry).catch(() => '?');
      const resolved = await realpath(entry).catch(() => null);
      if (resolved !== null && within(resolved, root)) {
        const end = await stat(resolved).catch(() => null);
        if (end !== null && (end.isFile() || end.isDirectory())) continue;
        why = `a symbolic link to ${target}, which is ${end === null ? 'missing' : kind(end)}`;
      } else {
        why = `a symbolic link to ${target}, outside the workspace`;
      }
    } else {
      why = kind(st);
    }
    await rm(entry, { force: true, recursive: false });
    notes.push(`crucible sandbox: removed ${name} from the workspace: ${why}; write outputs as regular files in the working directory`);
  }
  return notes;
}

/** The result with the workspace seal's notes at the end of stderr, where the bug reason is read from. */
export function withNotes<R extends SolutionResult>(result: R, notes: readonly string[]): R {
  if (notes.length === 0) return result;
  const text = result.stderr.text;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return { ...result, stderr: { ...result.stderr, text: `${text}${sep}${notes.join('\n')}\n` } };
}

/**
 * Isolation `none` (process.ts) runs a solution as a plain child process of the exec worker: same user,
 * same filesystem, so it can read a task's private answers when they are on the worker's host and win
 * by looking them up. Such an execution is refused unless the worker's switch allows it
 * (config/unisolated.ts); Docker and bubblewrap mount only the public data, and an answers file on
 * another host is out of reach.
 */
import { existsSync } from 'node:fs';
import { ALLOW_UNISOLATED_ENV } from '../config/unisolated.js';
import type { ExecIsolation } from '../core/node.js';

/** Why the execution must not run here, or null when it may. `privateFiles`: the task's answers (and selection holdout). */
export function unisolatedRefusal(isolation: ExecIsolation, privateFiles: readonly string[], allowed: boolean): string | null {
  if (isolation !== 'none' || allowed) return null;
  const readable = privateFiles.filter((f) => existsSync(f));
  if (readable.length === 0) return null;
  return (
    `refused: this exec worker runs solutions with isolation 'none' (a plain child process, as when neither Docker nor bubblewrap is usable), ` +
    `where a solution can read the task's private answers on this host (${readable.join(', ')}). ` +
    'Start a Docker engine (scripts/docker-engine.sh, then scripts/sandbox-image.sh) or install bubblewrap (scripts/setup.sh, as root); ' +
    `to run it unisolated anyway, set ${ALLOW_UNISOLATED_ENV}=on in the exec worker's environment (for \`crucible run\`'s own workers, its environment).`
  );
}

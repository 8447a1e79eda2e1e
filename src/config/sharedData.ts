/**
 * Which folders every exec worker sees at the same path (one host, or a shared file system): a task
 * whose public folder lies in one is referenced in place, mounted read-only into each sandbox and never
 * copied, instead of being published through the artifact store (src/tasks/dataRef.ts).
 */
import path from 'node:path';

export const SHARED_DATA_ENV = 'CRUCIBLE_SHARED_DATA';

/**
 * The shared folders from CRUCIBLE_SHARED_DATA: absolute folders separated by ':' as in PATH ('/' shares
 * every path), or 'none'. Unset or empty: `fallback`, the worker's default (every path for `crucible run`'s
 * embedded workers, which run on one host; none for standalone workers, which may be anywhere).
 */
export function sharedDataRoots(env: NodeJS.ProcessEnv, fallback: readonly string[]): string[] {
  const setting = env[SHARED_DATA_ENV]?.trim();
  if (!setting) return [...fallback];
  if (setting === 'none') return [];
  const roots = setting.split(':').filter(Boolean);
  const relative = roots.find((r) => !path.isAbsolute(r));
  if (relative !== undefined) {
    throw new Error(`${SHARED_DATA_ENV} must list absolute folders separated by ':' (or be 'none'); ${JSON.stringify(relative)} is not absolute`);
  }
  return roots.map((r) => path.resolve(r));
}

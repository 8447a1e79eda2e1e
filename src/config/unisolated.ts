/**
 * The exec worker's switch for isolation `none` (src/sandbox/unisolated.ts): a solution run as a plain
 * child process can read every file the worker can, so a task whose private answers are on the
 * worker's host runs that way only when CRUCIBLE_ALLOW_UNISOLATED says `on`.
 */

export const ALLOW_UNISOLATED_ENV = 'CRUCIBLE_ALLOW_UNISOLATED';

/** CRUCIBLE_ALLOW_UNISOLATED: `on` allows it; unset, empty or `off` refuses it. */
export function unisolatedAllowed(env: NodeJS.ProcessEnv): boolean {
  const setting = env[ALLOW_UNISOLATED_ENV]?.trim() ?? '';
  if (setting === '' || setting === 'off') return false;
  if (setting === 'on') return true;
  throw new Error(`${ALLOW_UNISOLATED_ENV} must be 'on' or 'off', not ${JSON.stringify(setting)}`);
}

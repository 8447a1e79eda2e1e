/** Reading the failures the workflow sees. */
import * as wf from '@temporalio/workflow';
import { LLM_CONFIG_ERROR, OFFLINE_UNFIT_TASK, UNISOLATED_ANSWERS } from '../../activities/types.js';

/** The message worth showing of a workflow-side failure: its cause's (the activity's or child's own), cut to `limit` characters. */
export function errorText(err: unknown, limit = 300): string {
  const cause = (err as { cause?: { message?: string } }).cause?.message;
  return (cause ?? (err instanceof Error ? err.message : String(err))).slice(0, limit);
}

/** The failure type of a run that stopped for a run-fatal operator error (isRunFatalError). */
export const RUN_STOPPED = 'RunStopped';

/**
 * Failures no later action would do better on: the LLM endpoint refused the run's key or model, the
 * offline operators cannot work on its task, or the exec worker refuses to run its solutions unisolated.
 */
const RUN_FATAL: readonly string[] = [LLM_CONFIG_ERROR, OFFLINE_UNFIT_TASK, UNISOLATED_ANSWERS];

/** An operator or execution failure that stops the run. */
export function isRunFatalError(err: unknown): boolean {
  return err instanceof wf.ActivityFailure && err.cause instanceof wf.ApplicationFailure && RUN_FATAL.includes(err.cause.type ?? '');
}

/** Reading the failures the workflow sees. */
import * as wf from '@temporalio/workflow';
import { LLM_CONFIG_ERROR } from '../../activities/types.js';

/** The message worth showing of a workflow-side failure: its cause's (the activity's or child's own), cut to 300 characters. */
export function errorText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause?.message;
  return (cause ?? (err instanceof Error ? err.message : String(err))).slice(0, 300);
}

/** The LLM endpoint refused the run's key or model: no later call would do better. */
export function isLlmConfigError(err: unknown): boolean {
  return err instanceof wf.ActivityFailure && err.cause instanceof wf.ApplicationFailure && err.cause.type === LLM_CONFIG_ERROR;
}

import { ApplicationFailure } from '@temporalio/common';
import { LlmFatalError, LlmRetryableError } from '../operators/llm/errors.js';
import { LLM_CONFIG_ERROR, LLM_REQUEST_REJECTED, LLM_RETRYABLE } from './types.js';

/** Statuses that say the run's endpoint, key or model is wrong: every later call would fail the same way. */
const RUN_WIDE = new Set([401, 403, 404]);

/**
 * Turns the LLM backend's errors into Temporal failures:
 *   retryable (429, 5xx, timeouts)  retried by the activity's retry policy, no sooner than Retry-After;
 *   401/403/404, replay gaps, an     non-retryable LlmConfigError: the workflow stops the run with it;
 *   endpoint unreachable past its
 *   grace (status null)
 *   400/422                          non-retryable LlmRequestRejected: only this node fails.
 * Messages are already redacted (errors.ts). Anything else passes through unchanged.
 */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof LlmRetryableError) {
    return ApplicationFailure.create({
      type: LLM_RETRYABLE, message: err.message,
      ...(err.retryAfterMs !== null ? { nextRetryDelay: Math.max(1, err.retryAfterMs) } : {}),
    });
  }
  if (err instanceof LlmFatalError) {
    const runWide = err.status === null || RUN_WIDE.has(err.status);
    return ApplicationFailure.create({ type: runWide ? LLM_CONFIG_ERROR : LLM_REQUEST_REJECTED, message: err.message, nonRetryable: true });
  }
  return err;
}

/** Runs `work`, rethrowing LLM errors as the Temporal failures above. */
export async function mappingLlmErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/**
 * An endpoint that does not answer at all (connections refused or reset, unknown host, timeouts) is
 * waited for here, in the call, rather than failing the call: a restart of the model server costs
 * no node. The wait is bounded: once the endpoint has been unreachable for the grace time, counted
 * from the first failure since its last answer and shared by every call to it in this process, the
 * call fails for good (LlmFatalError, which stops the run with the cause) instead of every later node
 * failing the same way. One line says when an outage starts and one when it ends, however many calls
 * wait. 429s and 5xx are answers: they pass through to Temporal's retry policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LlmFatalError, LlmUnreachableError } from './errors.js';

export interface ReachabilityOptions {
  /** How long the endpoint may stay unreachable before calls fail for good. */
  graceMs: number;
  /** Cancels the waits (the activity's cancellation); the call then rejects with its reason. */
  signal?: AbortSignal;
  /** Receives the outage's two lines; default console.warn. */
  log?: (message: string) => void;
}

/** First wait between tries of an unreachable endpoint; doubled per try up to MAX_WAIT_MS. */
const FIRST_WAIT_MS = 1000;
const MAX_WAIT_MS = 15_000;

/** Since when each endpoint (by base URL) has not answered, in this process; absent while it answers. */
const unreachableSince = new Map<string, number>();

const keyOf = (endpoint: string) => endpoint.replace(/\/+$/, '');
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Runs `call`, trying again while the endpoint is unreachable, within the grace time. */
export async function whileReachable<T>(endpoint: string, call: () => Promise<T>, o: ReachabilityOptions): Promise<T> {
  const key = keyOf(endpoint);
  const log = o.log ?? console.warn;
  for (let tries = 0; ; tries++) {
    try {
      const result = await call();
      const since = unreachableSince.get(key);
      if (since !== undefined) {
        unreachableSince.delete(key);
        log(`LLM endpoint ${endpoint} answers again (unreachable for ${seconds(Date.now() - since)})`);
      }
      return result;
    } catch (err) {
      if (!(err instanceof LlmUnreachableError)) throw err;
      const now = Date.now();
      let since = unreachableSince.get(key);
      if (since === undefined) {
        since = now;
        unreachableSince.set(key, since);
        log(`LLM endpoint ${endpoint} unreachable (${err.reason}); calls wait and retry until ${new Date(since + o.graceMs).toISOString()}, then the run stops`);
      }
      const left = since + o.graceMs - now;
      if (left <= 0) throw new LlmFatalError(`LLM endpoint ${endpoint} unreachable for ${seconds(now - since)}: ${err.reason}`);
      await sleep(Math.min(FIRST_WAIT_MS * 2 ** Math.min(tries, 10), MAX_WAIT_MS, left), undefined, { signal: o.signal })
        .catch((abort: unknown) => { throw o.signal?.reason ?? abort; });
    }
  }
}

/**
 * The two ways a model call fails, for the activity layer to turn into Temporal failures:
 *   LlmRetryableError  rate limits (429), server errors (5xx, 408, 409), timeouts, lost connections;
 *                      retry with backoff, no sooner than retryAfterMs when the server said so.
 *                      LlmUnreachableError, its kind for timeouts and lost connections (the endpoint
 *                      not answering at all), is retried only within the endpoint's grace (reachability.ts).
 *   LlmFatalError      authentication (401), permission (403), bad request (400, 404, 422), and
 *                      replaying past the end of a recording; retrying cannot help.
 * Messages never contain the API key: servers may echo it (masked or not), so it is redacted.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export class LlmRetryableError extends Error {
  override name = 'LlmRetryableError';
  constructor(
    message: string,
    /** The server's Retry-After (or retry-after-ms), in milliseconds; null when it sent none. */
    readonly retryAfterMs: number | null = null,
    /** HTTP status; null for timeouts and connection failures. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** No answer at all: the connection was refused or reset, the host is unknown, or the request timed out. */
export class LlmUnreachableError extends LlmRetryableError {
  override name = 'LlmUnreachableError';
  constructor(endpoint: string, readonly reason: string) {
    super(`cannot reach ${endpoint}: ${reason}`);
  }
}

export class LlmFatalError extends Error {
  override name = 'LlmFatalError';
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

/** Milliseconds from `retry-after-ms`, or `retry-after` as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Removes the key and anything shaped like an API key ("sk-…", including masked forms) from a message. */
export function redact(text: string, apiKey: string | null): string {
  let out = apiKey ? text.split(apiKey).join('[redacted]') : text;
  out = out.replace(/\bsk-[A-Za-z0-9*_.-]{4,}/g, 'sk-[redacted]').replace(/\bBearer\s+\S+/g, 'Bearer [redacted]');
  return out;
}

/** The server's own message, redacted and cut, as ": <message>"; empty when it sent none. */
export function serverMessage(err: APIError, apiKey: string | null): string {
  const body = err.error as { message?: unknown } | undefined;
  const raw = typeof body?.message === 'string' ? body.message : '';
  return raw ? `: ${redact(raw, apiKey).slice(0, 300)}` : '';
}

/**
 * The innermost cause of a failed connection, e.g. "connect ECONNREFUSED 127.0.0.1:9" or "getaddrinfo
 * ENOTFOUND host" (the client's own "Connection error." and fetch's "fetch failed" say nothing).
 */
export function connectionCause(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  // Both addresses of a name refused at once: an AggregateError with an empty message.
  if (e instanceof AggregateError && e.errors[0] instanceof Error) e = e.errors[0];
  if (!(e instanceof Error)) return String(e);
  // fetch's whole word for a port on the Fetch standard's blocklist (9, 6000 and others).
  if (e.message === 'bad port') return 'bad port: the HTTP client never connects to this port (a port the Fetch standard blocks); use another';
  return e.message || (e as { code?: string }).code || e.name;
}

/** Maps what the openai client threw to one of the two classes (other errors pass through unchanged). */
export function classifyError(err: unknown, endpoint: string, apiKey: string | null): unknown {
  if (err instanceof LlmRetryableError || err instanceof LlmFatalError) return err;
  if (err instanceof APIConnectionTimeoutError) return new LlmUnreachableError(endpoint, 'the request timed out');
  if (err instanceof APIUserAbortError) return new LlmRetryableError(`request to ${endpoint} was aborted`);
  if (err instanceof APIConnectionError) return new LlmUnreachableError(endpoint, connectionCause(err));
  if (!(err instanceof APIError) || err.status === undefined) return err;
  const status = err.status;
  const detail = serverMessage(err, apiKey);
  if (status === 429) return new LlmRetryableError(`rate limited by ${endpoint} (429)${detail}`, retryAfterMs(err.headers), status);
  if (status >= 500 || status === 408 || status === 409) {
    return new LlmRetryableError(`server error from ${endpoint} (${status})${detail}`, retryAfterMs(err.headers), status);
  }
  if (status === 401) {
    return new LlmFatalError(`authentication failed at ${endpoint} (401): check the API key in CRUCIBLE_LLM_API_KEY or OPENAI_API_KEY${detail}`, status);
  }
  if (status === 403) return new LlmFatalError(`permission denied at ${endpoint} (403): the key may not use this model${detail}`, status);
  if (status === 404) return new LlmFatalError(`not found at ${endpoint} (404): check the base URL and the model name${detail}`, status);
  return new LlmFatalError(`request rejected by ${endpoint} (${status})${detail}`, status);
}

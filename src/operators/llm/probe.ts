/**
 * The check of an endpoint before a run starts, so that a wrong URL, key or model stops the command
 * with the cause instead of making a run of buggy nodes: the endpoint's model list (GET /models, with
 * the run's key) must answer and name every model the agent uses. An endpoint that lists nothing (no
 * /models route, an error, or an empty list) is asked for a 1-token completion with each model instead.
 * Nothing is retried: each request gets one short timeout.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { API_KEY_VARIABLES, type ApiKeySource } from '../../config/llm.js';
import { connectionCause, serverMessage } from './errors.js';

export interface ProbeOptions {
  baseURL: string;
  /** The run's key and the variable it came from; null when none is set. */
  key: ApiKeySource | null;
  /** Every model the agent names (duplicates are checked once). */
  models: readonly string[];
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** Why the endpoint cannot serve the run; the message is the whole explanation. */
export class EndpointCheckError extends Error {
  override name = 'EndpointCheckError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Models named in a "not served" message; a large catalogue is cut after these. */
const LISTED_MODELS = 20;

/** Throws EndpointCheckError when the endpoint is unreachable, refuses the key, or serves a model not. */
export async function probeEndpoint(o: ProbeOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Some local servers (Ollama, llama.cpp) take any key; the client insists on one.
  const openai = new OpenAI({ baseURL: o.baseURL, apiKey: o.key?.key ?? 'no-key', timeout: timeoutMs, maxRetries: 0 });
  const fail = (err: unknown, what: (status: number, detail: string) => string): never => {
    throw explain(err, o, timeoutMs, what);
  };
  const served = await openai.models.list().then(
    (page) => page.data.map((m) => m.id),
    (err: unknown) => (err instanceof APIError && err.status !== undefined && !refusedKey(err.status) ? null : fail(err, () => '')),
  );
  const models = [...new Set(o.models)];
  if (served !== null && served.length > 0) {
    const missing = models.find((m) => !served.includes(m));
    if (missing === undefined) return;
    const shown = served.slice(0, LISTED_MODELS).join(', ') + (served.length > LISTED_MODELS ? `, … (${served.length} in all)` : '');
    throw new EndpointCheckError(`model "${missing}" is not served by ${o.baseURL}; it serves: ${shown}`);
  }
  for (const model of models) {
    await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }).catch((err: unknown) => fail(err,
      (status, detail) => (status === 404
        ? `model "${model}" is not served by ${o.baseURL} (404)${detail}`
        : `the LLM endpoint ${o.baseURL} failed a 1-token test completion with model "${model}" (${status})${detail}`)));
  }
}

const refusedKey = (status: number) => status === 401 || status === 403;

/** The cause of a failed probe request: unreachable, the key refused, else `what` the status means for this request. */
function explain(err: unknown, o: ProbeOptions, timeoutMs: number, what: (status: number, detail: string) => string): unknown {
  if (err instanceof APIConnectionTimeoutError) return new EndpointCheckError(`cannot reach the LLM endpoint ${o.baseURL}: no answer within ${timeoutMs / 1000} s`);
  if (err instanceof APIConnectionError) return new EndpointCheckError(`cannot reach the LLM endpoint ${o.baseURL}: ${connectionCause(err)}`);
  if (!(err instanceof APIError) || err.status === undefined) return err;
  const detail = serverMessage(err, o.key?.key ?? null);
  if (!refusedKey(err.status)) return new EndpointCheckError(what(err.status, detail));
  return new EndpointCheckError(o.key === null
    ? `the LLM endpoint ${o.baseURL} refused a request without an API key (${err.status}): set ${API_KEY_VARIABLES.join(' or ')}${detail}`
    : `the LLM endpoint ${o.baseURL} rejected the API key in ${o.key.variable} (${err.status})${detail}`);
}

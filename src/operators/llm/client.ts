/**
 * The one thing the backend needs of a model: a non-streaming chat completion. OpenAiChatClient does
 * it over HTTP with the `openai` package against any OpenAI-compatible base URL, under the endpoint's
 * concurrency limit, with the client's own retries off (Temporal's retry policy retries, honouring
 * LlmRetryableError.retryAfterMs), except while the endpoint does not answer at all: those calls wait
 * for it, within its grace time (reachability.ts). ReplayClient (recording.ts) does it from a recording.
 */
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { classifyError } from './errors.js';
import { whileReachable, type ReachabilityOptions } from './reachability.js';
import { endpointSemaphore, type Semaphore } from './semaphore.js';

export type ChatRequest = ChatCompletionCreateParamsNonStreaming;
export type { ChatCompletion };

export interface ChatClient {
  /** Where the completions come from, for messages and records (a URL, or "replay"). */
  readonly endpoint: string;
  complete(request: ChatRequest): Promise<ChatCompletion>;
}

export interface OpenAiChatClientOptions {
  baseURL: string;
  /** From the worker's environment; null for servers that need none (sent as a placeholder). */
  apiKey: string | null;
  timeoutMs: number;
  maxConcurrent: number;
  /** Instead of the process-wide semaphore of this base URL. */
  semaphore?: Semaphore;
  /** How long calls wait for an endpoint that does not answer, and what cancels the wait. */
  reachability: ReachabilityOptions;
}

/** Some local servers (Ollama, llama.cpp) take any key; the client insists on one. */
const NO_KEY = 'no-key';

export class OpenAiChatClient implements ChatClient {
  readonly endpoint: string;
  // ECMAScript private fields: not enumerable, so neither JSON.stringify nor util.inspect (a log line) shows the key.
  readonly #openai: OpenAI;
  readonly #semaphore: Semaphore;
  readonly #apiKey: string | null;
  readonly #reachability: ReachabilityOptions;

  constructor(options: OpenAiChatClientOptions) {
    this.endpoint = options.baseURL;
    this.#apiKey = options.apiKey;
    this.#openai = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? NO_KEY,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
    this.#semaphore = options.semaphore ?? endpointSemaphore(options.baseURL, options.maxConcurrent);
    this.#reachability = options.reachability;
  }

  complete(request: ChatRequest): Promise<ChatCompletion> {
    // The slot is given up between tries, so that waiting calls do not hold the endpoint's others back.
    return whileReachable(this.endpoint, () => this.#semaphore.use(async () => {
      try {
        return await this.#openai.chat.completions.create({ ...request, stream: false }, { signal: this.#reachability.signal });
      } catch (err) {
        throw classifyError(err, this.endpoint, this.#apiKey);
      }
    }), this.#reachability);
  }
}

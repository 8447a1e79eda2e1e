/**
 * Configuration of the LLM operator backend: one OpenAI-compatible endpoint (OpenAI, Azure's
 * OpenAI-compatible route, vLLM, Ollama, llama.cpp server), a model per operator, and limits. The API
 * key is not configuration: the worker reads it from its own environment (apiKeyFromEnv) and hands
 * it to the backend's constructor, so it never travels in workflow inputs or history.
 */
import { z } from 'zod';
import { OPERATOR_NAMES, type OperatorName } from '../core/node.js';

const model = z.string().min(1);

export const llmConfigSchema = z.strictObject({
  /** Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseURL: z.url(),
  /** Prompt family: AIDE's compact set or AIRA's richer one. */
  style: z.enum(['aide', 'aira']).default('aira'),
  /** Model per operator; `default` for any operator not named. */
  models: z.strictObject({
    default: model,
    draft: model.optional(),
    improve: model.optional(),
    debug: model.optional(),
    crossover: model.optional(),
    analyze: model.optional(),
  }),
  /** Sampling temperature; null leaves it out of the request (some reasoning models accept none). */
  temperature: z.number().min(0).max(2).nullable().default(1),
  /** Analyze's temperature (the paper's greedy agent reviews at 0.5). */
  analyzeTemperature: z.number().min(0).max(2).nullable().default(0.5),
  /** Upper bound on completion tokens per call; null leaves it to the server. */
  maxCompletionTokens: z.number().int().positive().nullable().default(null),
  /**
   * A request that has not answered in this time fails with a retryable error. At most a day: the
   * client's timer cannot hold more than 24.8 days (it would fire at once), and no completion takes a day.
   */
  requestTimeoutMs: z.number().int().positive().max(86_400_000).default(600_000),
  /** Requests in flight at once to this endpoint, across all backends of this process. */
  maxConcurrent: z.number().int().min(1).max(256).default(4),
  /** Re-asks after a reply without usable code (the paper: 3). */
  maxReasks: z.number().int().min(0).max(10).default(3),
  /** What the solution may use, as the prompts state it; null derives it from the task (GPU or not). */
  hardware: z.string().min(1).nullable().default(null),
  /**
   * Attempts of one operator call when the endpoint rate-limits, errs or hangs (Temporal retries with
   * backoff, no sooner than the server's Retry-After); authentication and bad requests are not retried.
   */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  /**
   * How long the endpoint may stay unreachable (connections refused or reset, unknown host, timeouts)
   * while calls wait and retry; then the call fails for good and the run stops with the cause, instead
   * of spending its budget on nodes no model wrote. 429s and 5xx are answers, and do not count.
   */
  unreachableGraceMs: z.number().int().min(0).max(86_400_000).default(120_000),
  /** USD per million tokens, merged over the built-in table (prices.ts); e.g. { "my-model": { input: 0, output: 0 } }. */
  prices: z.record(z.string().min(1), z.strictObject({ input: z.number().min(0), output: z.number().min(0) })).default(() => ({})),
});

export type LlmConfig = z.infer<typeof llmConfigSchema>;
export type LlmConfigInput = z.input<typeof llmConfigSchema>;
/** The operators an LLM serves: those that make nodes, and Analyze. */
export type LlmOperator = OperatorName | 'analyze';
export const LLM_OPERATORS: readonly LlmOperator[] = [...OPERATOR_NAMES, 'analyze'];

export function parseLlmConfig(input: LlmConfigInput): LlmConfig {
  return llmConfigSchema.parse(input);
}

export function modelFor(config: Pick<LlmConfig, 'models'>, op: LlmOperator): string {
  return config.models[op] ?? config.models.default;
}

/** Where the API key is read from, first found first. */
export const API_KEY_VARIABLES = ['CRUCIBLE_LLM_API_KEY', 'OPENAI_API_KEY'] as const;

/** The key and the variable it came from, for messages that name it without showing it. */
export interface ApiKeySource {
  key: string;
  variable: (typeof API_KEY_VARIABLES)[number];
}

/** The key of this process's environment and where it came from; null when neither variable is set. */
export function apiKeySource(env: NodeJS.ProcessEnv = process.env): ApiKeySource | null {
  const variable = API_KEY_VARIABLES.find((v) => env[v]);
  return variable === undefined ? null : { key: env[variable]!, variable };
}

/** The key the worker passes to the backend: CRUCIBLE_LLM_API_KEY, else OPENAI_API_KEY, else null. */
export function apiKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  return apiKeySource(env)?.key ?? null;
}

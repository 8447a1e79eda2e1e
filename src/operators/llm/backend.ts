/**
 * The LLM operator backend: Draft, Improve, Debug and Crossover (and Analyze) as chat completions
 * against one OpenAI-compatible endpoint. Each operator renders its template (prompts/<style>/), asks
 * for a plan and one Python block, re-asks up to config.maxReasks times when the code is missing or
 * does not compile, and returns plan, code and usage (tokens, latency, cost per call).
 *
 * The conversation is one user turn holding the whole prompt (every OpenAI-compatible server's chat
 * template accepts that), then, per re-ask, the unusable reply and a user turn naming the error.
 *
 * The API key is a constructor argument that the worker reads from its own environment
 * (apiKeyFromEnv); it goes only into the HTTP client (the Authorization header). It is not kept on the
 * backend, and is in no request body, result, record or error message.
 */
import type { OperatorBackend, OperatorRequest, OperatorResult } from '../types.js';
import { analyzeVars, defaultHardware, loadPrompts, promptVars, renderPrompt, type PromptSet } from './prompts.js';
import { parseReview, submitReviewChoice, submitReviewTool, type AnalyzeInput, type AnalyzeResult } from './analyze.js';
import { callModel, type CallDeps } from './call.js';
import { OpenAiChatClient, type ChatClient, type ChatRequest } from './client.js';
import { llmConfigSchema, modelFor, type LlmConfig, type LlmConfigInput, type LlmOperator } from '../../config/llm.js';
import { DEFAULT_PRICES } from './prices.js';
import type { RecordingSink } from './recording.js';
import { askForCode, pythonSyntaxChecker, type SyntaxChecker, type Turn } from './response.js';
import { cachedTaskContext, defaultTaskContext, type TaskContextProvider } from './taskContext.js';
import type { LlmCallUsage } from '../types.js';
import { totalUsage } from './usage.js';

export interface LlmBackendOptions {
  /** From the worker's environment (CRUCIBLE_LLM_API_KEY / OPENAI_API_KEY); null for servers that need none. */
  apiKey: string | null;
  /** Default: pythonSyntaxChecker() with the sandbox's Python. */
  checkSyntax?: SyntaxChecker;
  /** Receives every call's request and completion (the activity stores them as artifacts). */
  sink?: RecordingSink;
  /** Instead of HTTP: e.g. a ReplayClient to re-drive a recorded run offline. */
  client?: ChatClient;
  /** Default: description.md and a CSV overview, cached per task. */
  taskContext?: TaskContextProvider;
  /** Default: <repo>/prompts. */
  promptsDir?: string;
  /** Cancels the calls, and their waits for an unreachable endpoint (the activity's cancellation). */
  signal?: AbortSignal;
  /** Where an unreachable endpoint's outage is reported (one line as it starts, one as it ends); default console.warn. */
  log?: (message: string) => void;
}

export class LlmBackend implements OperatorBackend {
  readonly name = 'llm';
  readonly config: LlmConfig;
  private readonly deps: CallDeps;
  private readonly checkSyntax: SyntaxChecker;
  private readonly taskContext: TaskContextProvider;
  private readonly promptsDir: string | undefined;

  constructor(config: LlmConfigInput | LlmConfig, options: LlmBackendOptions) {
    this.config = llmConfigSchema.parse(config);
    const client = options.client ?? new OpenAiChatClient({
      baseURL: this.config.baseURL,
      apiKey: options.apiKey,
      timeoutMs: this.config.requestTimeoutMs,
      maxConcurrent: this.config.maxConcurrent,
      reachability: { graceMs: this.config.unreachableGraceMs, signal: options.signal, log: options.log },
    });
    this.deps = { client, prices: { ...DEFAULT_PRICES, ...this.config.prices }, sink: options.sink };
    this.checkSyntax = options.checkSyntax ?? pythonSyntaxChecker();
    this.taskContext = cachedTaskContext(options.taskContext ?? defaultTaskContext);
    this.promptsDir = options.promptsDir;
  }

  private prompts(): Promise<PromptSet> {
    return loadPrompts(this.config.style, this.promptsDir);
  }

  /** The prompt an operator request renders to (exported for tests and for `crucible` previews). */
  async renderPrompt(request: OperatorRequest): Promise<string> {
    const base = await this.taskContext(request.task);
    const context = request.dataOverview ? { ...base, dataOverview: request.dataOverview } : base;
    const hardware = this.config.hardware ?? defaultHardware(request.task);
    return renderPrompt(await this.prompts(), request.op, promptVars({ request, context, hardware }));
  }

  private chatRequest(op: LlmOperator, messages: Turn[], temperature: number | null, seed?: number): ChatRequest {
    const request: ChatRequest = { model: modelFor(this.config, op), messages };
    if (temperature !== null) request.temperature = temperature;
    if (this.config.maxCompletionTokens !== null) request.max_completion_tokens = this.config.maxCompletionTokens;
    if (seed !== undefined) request.seed = seed;
    return request;
  }

  async run(request: OperatorRequest): Promise<OperatorResult> {
    const prompt = await this.renderPrompt(request);
    const calls: LlmCallUsage[] = [];
    const outcome = await askForCode(async (messages, attempt) => {
      const chat = this.chatRequest(request.op, messages, this.config.temperature, request.seed);
      const { completion, usage } = await callModel(this.deps, request.op, attempt, chat);
      calls.push(usage);
      return completion.choices[0]?.message.content ?? null;
    }, [{ role: 'user', content: prompt }], this.checkSyntax, this.config.maxReasks);
    const usage = totalUsage(calls);
    if (!outcome.ok) usage.replyError = outcome.error;
    return { plan: outcome.plan, code: outcome.code, usage };
  }

  async analyze(input: AnalyzeInput): Promise<AnalyzeResult> {
    const context = await this.taskContext(input.task);
    const prompt = renderPrompt(await this.prompts(), 'analyze', analyzeVars({ context, ...input }));
    const chat: ChatRequest = {
      ...this.chatRequest('analyze', [{ role: 'user', content: prompt }], this.config.analyzeTemperature),
      tools: [submitReviewTool],
      tool_choice: submitReviewChoice,
    };
    const { completion, usage } = await callModel(this.deps, 'analyze', 0, chat);
    return { ...parseReview(completion), usage: totalUsage([usage]) };
  }
}

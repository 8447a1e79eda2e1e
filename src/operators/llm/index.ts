export { LlmBackend, type LlmBackendOptions } from './backend.js';
export { parseReview, submitReviewTool, SUBMIT_REVIEW, type AnalyzeInput, type AnalyzeResult, type Review } from './analyze.js';
export { OpenAiChatClient, type ChatClient, type ChatCompletion, type ChatRequest, type OpenAiChatClientOptions } from './client.js';
export { apiKeyFromEnv, llmConfigSchema, modelFor, parseLlmConfig, type LlmConfig, type LlmConfigInput, type LlmOperator } from '../../config/llm.js';
export { classifyError, connectionCause, LlmFatalError, LlmRetryableError, LlmUnreachableError, redact, retryAfterMs } from './errors.js';
export { EndpointCheckError, probeEndpoint, type ProbeOptions } from './probe.js';
export { whileReachable, type ReachabilityOptions } from './reachability.js';
export { costUsd, DEFAULT_PRICES, priceOf, type ModelPrice, type PriceTable } from './prices.js';
export { DEFAULT_PROMPTS_DIR, loadPrompts, promptVars, renderMemory, renderPrompt, type PromptSet, type PromptStyle } from './prompts.js';
export { memorySink, ReplayClient, type CallRecord, type RecordingSink } from './recording.js';
export {
  askForCode, extractPlanAndCode, pythonSyntaxChecker, splitReply, stripReasoning, unusableResult,
  type CodeOutcome, type Extraction, type SyntaxChecker,
} from './response.js';
export { endpointSemaphore, Semaphore } from './semaphore.js';
export { cachedTaskContext, defaultTaskContext, type TaskContext, type TaskContextProvider } from './taskContext.js';
export { renderTemplate, TemplateError, type TemplateVars } from './template.js';
export { callUsage, totalUsage } from './usage.js';

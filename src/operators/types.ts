import type { OperatorName } from '../core/node.js';
import type { TaskSpec } from '../tasks/types.js';
import type { MemoryEntry } from './memory.js';

/** A parent as an operator sees it: code and outcome, never the hidden test score. */
export interface ParentContext {
  nodeId: number;
  plan: string;
  code: string;
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  /** Trimmed head and tail of the execution's output. */
  output: string;
}

export interface OperatorRequest {
  op: OperatorName;
  task: TaskSpec;
  parents: ParentContext[];
  /** Deterministic per-node seed, derived from the run's seed and the node id. */
  seed: number;
  /** Seconds left in the run's budget; the solution should finish well within it. */
  remainingSeconds: number;
  /** Scoped memory of other nodes (operators/memory.ts); never hidden test scores. */
  memory: MemoryEntry[];
  /** Operator steps left in the run's budget, when it has one (LLM prompts show it). */
  remainingSteps?: number;
  /** The task's data overview made in the sandbox; LLM prompts show it (else a summary of the CSVs). */
  dataOverview?: string;
  /** The researcher's notes sent to the running run (update `hint`), oldest first; LLM prompts show them. */
  hints?: string[];
}

/** One model call's accounting. */
export interface LlmCallUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** True when the server sent no `usage` and the counts are estimated (4 characters a token). */
  estimated: boolean;
  latencyMs: number;
  /** US dollars from the price table; null when the model has no price there. */
  costUsd: number | null;
}

/** What an operator spent: every call (re-asks included) and the totals. */
export interface OperatorUsage {
  calls: LlmCallUsage[];
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  /** Null when any call's model is unpriced. */
  costUsd: number | null;
  /**
   * Set when no usable code came back after the re-asks (empty, no code block, invalid Python): the
   * result's code then only raises SystemExit with this reason, so executing it gives a buggy node.
   */
  replyError?: string;
}

export interface OperatorResult {
  plan: string;
  code: string;
  /** LLM backends: tokens, latency and cost of the calls that made this result. */
  usage?: OperatorUsage;
}

/** A backend (offline generator, or an LLM later) implements this one function. */
export interface OperatorBackend {
  readonly name: string;
  run(request: OperatorRequest): Promise<OperatorResult>;
}

/** What LLM calls cost (per node, per run) and its arithmetic, shared by the operate activity and the workflow. Pure. */
import type { ArtifactRef } from './artifact.js';

/** Token and cost totals (of a node, or of a run). */
export interface Spend {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** US dollars; unpriced calls count as zero (`unpricedCalls` says how many there were). */
  costUsd: number;
  unpricedCalls: number;
  latencyMs: number;
}

export interface NodeLlm extends Spend {
  /** One artifact per model call (prompt messages, completion, usage), in call order: the audit trail and re-drive input. */
  recordings: ArtifactRef[];
  /** Set when no usable code came back after the re-asks. */
  replyError?: string;
  /** Analyze's review of an execution that wrote no metrics.json. */
  review?: { isBug: boolean; summary: string; metric: number | null };
}

export const emptySpend = (): Spend => ({ calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpricedCalls: 0, latencyMs: 0 });

export function addSpend(a: Spend, b: Spend): Spend {
  return {
    calls: a.calls + b.calls,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costUsd: a.costUsd + b.costUsd,
    unpricedCalls: a.unpricedCalls + b.unpricedCalls,
    latencyMs: a.latencyMs + b.latencyMs,
  };
}

export const totalTokens = (s: Spend): number => s.promptTokens + s.completionTokens;

export interface SpendLimits {
  /** Prompt plus completion tokens of the whole run; null for no limit. */
  maxTokens: number | null;
  /** US dollars of the whole run (priced calls only); null for no limit. */
  maxCostUsd: number | null;
}

/** Which limit the run's spend has reached, if any. */
export function spendLimitReached(spend: Spend, limits: SpendLimits): 'token budget' | 'cost budget' | null {
  if (limits.maxTokens !== null && totalTokens(spend) >= limits.maxTokens) return 'token budget';
  if (limits.maxCostUsd !== null && spend.costUsd >= limits.maxCostUsd) return 'cost budget';
  return null;
}

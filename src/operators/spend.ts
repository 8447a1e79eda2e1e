/** Token and cost arithmetic shared by the operate activity (per node) and the workflow (per run). Pure. */
import type { Spend } from '../search/types.js';
import type { OperatorUsage } from './types.js';

export const emptySpend = (): Spend => ({ calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, unpricedCalls: 0, latencyMs: 0 });

export function spendOf(usage: OperatorUsage): Spend {
  return {
    calls: usage.calls.length,
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    costUsd: usage.calls.reduce((n, c) => n + (c.costUsd ?? 0), 0),
    unpricedCalls: usage.calls.filter((c) => c.costUsd === null).length,
    latencyMs: usage.latencyMs,
  };
}

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

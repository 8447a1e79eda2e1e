/** Per-call accounting from a completion's `usage`, and an operator's totals. */
import type { LlmCallUsage, OperatorUsage } from '../types.js';
import type { ChatCompletion, ChatRequest } from './client.js';
import type { Spend } from '../../core/spend.js';
import { costUsd, type PriceTable } from './prices.js';

const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

function promptChars(request: ChatRequest): number {
  return request.messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length), 0);
}

function completionChars(completion: ChatCompletion): number {
  const message = completion.choices[0]?.message;
  const calls = message?.tool_calls?.map((c) => ('function' in c ? c.function.arguments : '')).join('') ?? '';
  return (message?.content ?? '').length + calls.length;
}

/** The server's token counts when it sent them (estimated from characters when not), latency and cost. */
export function callUsage(request: ChatRequest, completion: ChatCompletion, latencyMs: number, prices: PriceTable): LlmCallUsage {
  const u = completion.usage;
  const known = typeof u?.prompt_tokens === 'number' && typeof u.completion_tokens === 'number';
  const promptTokens = known ? u.prompt_tokens : estimateTokens(promptChars(request));
  const completionTokens = known ? u.completion_tokens : estimateTokens(completionChars(completion));
  // The model the server says answered (it may resolve an alias), else the one asked for.
  const model = completion.model || request.model;
  return {
    model,
    promptTokens,
    completionTokens,
    estimated: !known,
    latencyMs: Math.round(latencyMs),
    costUsd: costUsd(model, promptTokens, completionTokens, prices) ?? costUsd(request.model, promptTokens, completionTokens, prices),
  };
}

export function totalUsage(calls: LlmCallUsage[]): OperatorUsage {
  const sum = (f: (c: LlmCallUsage) => number): number => calls.reduce((n, c) => n + f(c), 0);
  const priced = calls.every((c) => c.costUsd !== null);
  return {
    calls,
    promptTokens: sum((c) => c.promptTokens),
    completionTokens: sum((c) => c.completionTokens),
    latencyMs: sum((c) => c.latencyMs),
    costUsd: priced ? sum((c) => c.costUsd ?? 0) : null,
  };
}

/** An operator's usage as the run's spend counts it. */
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

/** One model call: timed, accounted, and handed to the recording sink. */
import type { LlmCallUsage } from '../types.js';
import type { ChatClient, ChatCompletion, ChatRequest } from './client.js';
import type { LlmOperator } from '../../config/llm.js';
import type { PriceTable } from './prices.js';
import type { RecordingSink } from './recording.js';
import { callUsage } from './usage.js';

export interface CallDeps {
  client: ChatClient;
  prices: PriceTable;
  sink?: RecordingSink;
}

export async function callModel(
  deps: CallDeps, op: LlmOperator, attempt: number, request: ChatRequest,
): Promise<{ completion: ChatCompletion; usage: LlmCallUsage }> {
  const started = performance.now();
  const completion = await deps.client.complete(request);
  const usage = callUsage(request, completion, performance.now() - started, deps.prices);
  await deps.sink?.({ op, attempt, request: structuredClone(request), completion: structuredClone(completion), usage });
  return { completion, usage };
}

/**
 * What is checked before a run starts, so that a run that cannot succeed never starts: an MLE-bench
 * competition needs a grader (mlebench's, else Crucible's native one), the offline operators need
 * one table of rows to predict, and the LLM operators an endpoint that answers, takes the key and
 * serves the models. Each failure is bad input: a UsageError (exit 2) that says why and what to do.
 */
import { apiKeySource, LLM_OPERATORS, modelFor } from '../config/llm.js';
import { EndpointCheckError, probeEndpoint } from '../operators/llm/probe.js';
import { UnfitTaskError, offlineTask } from '../operators/offline/task.js';
import { mlebenchGradingAuthority } from '../tasks/mlebenchGrade.js';
import type { AgentRunInput } from '../workflows/types.js';
import { UsageError } from './usageError.js';

/** The hidden grade of an MLE-bench competition has an authority; for `crucible run` and `crucible bench` alike. */
export async function checkGrader(input: AgentRunInput): Promise<void> {
  if (input.task.mlebench === undefined) return;
  const authority = await mlebenchGradingAuthority(input.task);
  if (authority.gradedBy === null) throw new UsageError(`--task: ${authority.why}`);
}

/**
 * The offline operators can work on the task. Only `crucible run` asks: a benchmark runs such a
 * competition and records its run as stopped with the same message, as mle-bench counts a run
 * with no submission.
 */
export function checkOfflineFit(input: AgentRunInput): void {
  if (input.agent.operators.backend !== 'offline') return;
  try {
    offlineTask(input.task);
  } catch (err) {
    if (err instanceof UnfitTaskError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The LLM endpoint of every run that calls one answers GET /models with this process's key and serves
 * every model the agent names (probe.ts); each endpoint is asked once. Re-drives (`replay`) call none.
 * The key is this process's, as the embedded workers', and workers elsewhere should have the same.
 */
export async function checkLlmEndpoints(inputs: readonly AgentRunInput[]): Promise<void> {
  const models = new Map<string, Set<string>>();
  for (const { agent: { operators } } of inputs) {
    if (operators.backend !== 'llm' || !operators.llm) continue;
    const llm = operators.llm;
    const set = models.get(llm.baseURL) ?? new Set<string>();
    for (const op of LLM_OPERATORS) set.add(modelFor(llm, op));
    models.set(llm.baseURL, set);
  }
  for (const [baseURL, names] of models) {
    try {
      await probeEndpoint({ baseURL, key: apiKeySource(), models: [...names] });
    } catch (err) {
      if (err instanceof EndpointCheckError) throw new UsageError(err.message);
      throw err;
    }
  }
}

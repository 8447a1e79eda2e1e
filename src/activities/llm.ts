/**
 * The one step every LLM activity shares: a fresh LlmBackend for the run's operator settings whose calls
 * are recorded (or, for a re-drive, answered from the recorded run's calls), the recordings stored, and
 * the backend's errors turned into Temporal failures. The API key comes from the control worker's
 * environment (LlmDeps), never from the workflow.
 */
import { cancellationSignal } from '@temporalio/activity';
import type { ArtifactStore } from '../artifacts/store.js';
import type { OperatorSetConfig } from '../config/agent.js';
import { LlmBackend } from '../operators/llm/backend.js';
import { LlmFatalError } from '../operators/llm/errors.js';
import { memorySink, ReplayClient } from '../operators/llm/recording.js';
import type { SyntaxChecker } from '../operators/llm/response.js';
import type { OperatorUsage } from '../operators/types.js';
import { emptySpend, type NodeLlm } from '../core/spend.js';
import { spendOf } from '../operators/llm/usage.js';
import { whileHeartbeating } from './heartbeat.js';
import { mappingLlmErrors } from './llmFailure.js';
import { loadRecordings, storeRecordings, type RecordedActivity } from './recordings.js';

export interface LlmDeps {
  /** From the control worker's environment (apiKeyFromEnv); null for servers that need none. */
  apiKey: string | null;
  /** Default: the sandbox Python's compile(). */
  checkSyntax?: SyntaxChecker;
}

export interface LlmActivityDeps {
  store: ArtifactStore;
  runsRoot: string;
  llm: LlmDeps;
}

export async function withLlmBackend<T extends { usage?: OperatorUsage }>(
  deps: LlmActivityDeps,
  at: { runId: string; nodeId: number; activity: RecordedActivity },
  operators: OperatorSetConfig,
  work: (backend: LlmBackend) => Promise<T>,
): Promise<{ result: T; llm: NodeLlm }> {
  return mappingLlmErrors(async () => {
    if (!operators.llm) throw new LlmFatalError('the agent has no `operators.llm` settings (baseURL, models)');
    const client = operators.backend === 'replay'
      ? new ReplayClient(await loadRecordings(deps.store, deps.runsRoot, { ...at, runId: operators.replayFrom ?? '' }))
      : undefined;
    const { sink, records } = memorySink();
    const backend = new LlmBackend(
      { ...operators.llm, style: operators.style },
      { apiKey: client ? null : deps.llm.apiKey, client, sink, checkSyntax: deps.llm.checkSyntax, signal: cancellationSignal() },
    );
    const result = await whileHeartbeating(() => work(backend));
    const recordings = await storeRecordings(deps.store, deps.runsRoot, at, records);
    const spend = result.usage ? spendOf(result.usage) : emptySpend();
    return { result, llm: { ...spend, recordings, ...(result.usage?.replyError ? { replyError: result.usage.replyError } : {}) } };
  });
}

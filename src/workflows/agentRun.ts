import * as wf from '@temporalio/workflow';
import {
  begin, commitReady, isFinished, newSearch, openLoop, snapshotOf, stopProposing,
  type NodeFields, type SearchLoop, type Ticketed,
} from '../search/driver.js';
import { LLM_CONFIG_ERROR } from '../activities/types.js';
import { addSpend, emptySpend, spendLimitReached, totalTokens } from '../operators/spend.js';
import { bestNode } from '../search/graph.js';
import { policyFor } from '../search/policies.js';
import type { NodeRecord, Spend } from '../search/types.js';
import { control, execActivities, failedFields, llmActivities, runAction } from './action.js';
import { ARCHIVE_CHUNK, compactNode } from './carry.js';
import { selectFinal } from './selection.js';
import { CrucibleBestScore, CrucibleCostUsd, CrucibleNodes, CrucibleStatus, CrucibleTokens, initialSearchAttributes } from './searchAttributes.js';
import type { AgentRunInput, RunPhase, RunStatus, RunSummary, StopReason } from './types.js';

export const statusQuery = wf.defineQuery<RunStatus>('status');
/** Node metadata from index `since` on (the live view polls it). */
export const nodesQuery = wf.defineQuery<NodeRecord[], [number]>('nodes');

const cancelled = (reason: StopReason | null): string => `cancelled: the run stopped (${reason ?? 'cancelled'}) while this node was running`;

/**
 * One agent run: the search loop of DESIGN.md "One step, as data", for any policy, with up to
 * `parallelism` actions in flight. The workflow holds only the search state; every effect is an
 * activity. Results commit in proposal order (search/policy.ts), so a seed fixes the graph whatever
 * the timing. The wall-clock budget is a workflow timer: when it fires, running actions are
 * cancelled and recorded as such. A token or cost budget stops proposing and lets running actions
 * finish. An LLM endpoint that refuses the run's key or model stops it at once, and the run fails
 * with that error after its report is written. Long runs continue as new with the whole search state.
 */
export async function agentRun(runInput: AgentRunInput): Promise<RunSummary> {
  const input = await withTaskData(runInput);
  const { policy, config } = policyFor(input.agent.policy);
  const startedAt = input.carried?.startedAt ?? Date.now();
  const continuedAsNew = input.carried?.continuedAsNew ?? 0;
  const archivedUpTo = input.carried?.archivedUpTo ?? 0;
  const snapshot = input.carried?.search
    ?? newSearch(policy, config, { seed: input.seed, direction: input.task.direction, createdAt: startedAt });
  const loop = openLoop(policy, snapshot, { parallelism: input.agent.parallelism, maxNodes: input.budget.maxSteps });
  const deadline = startedAt + input.budget.wallMs;
  const exec = execActivities(input);
  const llm = llmActivities(input);
  const actions = new wf.CancellationScope();
  const launched = new Set<number>();
  const limits = { maxTokens: input.budget.maxTokens ?? null, maxCostUsd: input.budget.maxCostUsd ?? null };
  let spend: Spend = input.carried?.spend ?? emptySpend();
  let phase: RunPhase = 'searching';
  let stopReason: StopReason | null = null;
  let fatalError: string | null = null;
  let pastDeadline = false;
  let draining = false; // continue-as-new suggested: let running actions finish, start no more
  let changed = false;

  wf.setHandler(statusQuery, () => {
    const best = bestNode(loop.graph);
    return {
      phase, nodes: loop.graph.nodes.length - 1, inFlight: launched.size, bestNodeId: best?.id ?? null,
      bestScore: best?.score ?? null, startedAt, deadline, budget: input.budget, continuedAsNew, spend, stopReason,
    };
  });
  wf.setHandler(nodesQuery, (since) => loop.graph.nodes.slice(Math.max(1, since)));
  if (!input.carried) wf.upsertSearchAttributes(initialSearchAttributes(input));

  /** Stops proposing; `cancelRunning` also cancels running actions (else they finish and commit). */
  const stop = (reason: StopReason, cancelRunning: boolean) => {
    if (stopReason !== null) return;
    stopReason = reason;
    stopProposing(loop);
    if (cancelRunning) actions.cancel();
    // Tickets started but never launched (held back while draining) end as cancelled.
    for (const t of [...loop.scheduler.running()]) if (!launched.has(t.ticket)) finish(t.ticket, failedFields(cancelled(reason)));
  };
  const finish = (ticket: number, fields: NodeFields) => {
    launched.delete(ticket);
    loop.scheduler.complete(ticket, fields);
    if (fields.llm) {
      spend = addSpend(spend, fields.llm);
      publishSpend(spend);
      const limit = spendLimitReached(spend, limits);
      if (limit) stop(limit, false);
    }
    const { committed, started } = commitReady(loop);
    if (committed.length > 0) publishProgress(loop);
    launchAll(started);
    changed = true;
  };
  const launch = ({ ticket, action }: Ticketed) => {
    launched.add(ticket);
    const graph = loop.graph;
    actions.run(() => runAction(input, exec, llm, graph, ticket, action, deadline, archivedUpTo)).then(
      (fields) => finish(ticket, fields),
      (err: unknown) => {
        if (isLlmConfigError(err) && fatalError === null) {
          fatalError = errorText(err);
          stop('operator error', true);
        }
        finish(ticket, wf.isCancellation(err) ? failedFields(cancelled(stopReason)) : failedFields(`activity failed: ${errorText(err)}`));
      },
    );
  };
  // While draining, new tickets stay in the scheduler as started-but-not-launched; the next run launches them.
  const launchAll = (started: readonly Ticketed[]) => {
    if (!draining && stopReason === null) started.forEach(launch);
  };

  const carriedLimit = spendLimitReached(spend, limits);
  if (carriedLimit) stop(carriedLimit, false);
  launchAll([...loop.scheduler.running(), ...begin(loop)]);
  while (!isFinished(loop)) {
    if (!pastDeadline && Date.now() >= deadline) {
      // Also after a token or cost stop: running actions may not outlive the wall-clock budget.
      pastDeadline = true;
      if (stopReason === null) stop('wall-clock budget', true);
      else actions.cancel();
      continue;
    }
    if (stopReason === null && !draining && wf.workflowInfo().continueAsNewSuggested) draining = true;
    if (draining && stopReason === null && launched.size === 0) {
      await wf.condition(wf.allHandlersFinished);
      const archived = await archiveCommitted(loop, archivedUpTo);
      return wf.continueAsNew<typeof agentRun>({
        ...input,
        carried: { search: snapshotOf(loop), startedAt, archivedUpTo: archived, continuedAsNew: continuedAsNew + 1, spend },
      });
    }
    changed = false;
    await wf.condition(() => changed, pastDeadline ? undefined : Math.max(1, deadline - Date.now()));
  }

  phase = 'selecting';
  const { best, ...selection } = await selectFinal(input, exec, loop.graph.nodes, archivedUpTo);
  const summary: Omit<RunSummary, 'runDir'> = {
    runId: wf.workflowInfo().workflowId,
    task: input.task.id,
    metric: input.task.metric,
    agent: input.agent.name,
    policy: input.agent.policy.kind,
    seed: input.seed,
    stopReason: stopReason ?? 'step budget',
    nodes: loop.graph.nodes.length - 1,
    buggyNodes: loop.graph.nodes.filter((n) => n.id > 0 && n.buggy).length,
    elapsedMs: Date.now() - startedAt,
    continuedAsNew,
    spend,
    ...(fatalError === null ? {} : { error: fatalError }),
    best,
    selection,
  };
  const { runDir } = await control.report({
    runId: summary.runId, nodes: loop.graph.nodes, archivedUpTo, summary, bestNodeId: best?.id ?? null,
  });
  phase = 'finished';
  wf.upsertSearchAttributes([{ key: CrucibleStatus, value: fatalError === null ? 'completed' : 'failed' }]);
  if (fatalError !== null) {
    throw wf.ApplicationFailure.nonRetryable(`the run stopped: ${fatalError} (report in ${runDir})`, LLM_CONFIG_ERROR);
  }
  return { ...summary, runDir };
}

/**
 * The run's input with the task's public data published to the store and, for LLM backends, the data
 * overview made in the sandbox; both once per run (carried across continue-as-new in the input).
 */
async function withTaskData(runInput: AgentRunInput): Promise<AgentRunInput> {
  const input = runInput.taskDataRef
    ? runInput
    : { ...runInput, taskDataRef: await control.publishTaskData({ publicDir: runInput.task.publicDir }) };
  if (input.agent.operators.backend === 'offline' || input.dataOverviewRef !== undefined) return input;
  // Without an overview the prompts fall back to a plain CSV summary: not a reason to stop the run.
  const dataOverviewRef = await execActivities(input)
    .describeData({ runId: wf.workflowInfo().workflowId, dataRef: input.taskDataRef! })
    .catch(() => null);
  return { ...input, dataOverviewRef };
}

function isLlmConfigError(err: unknown): boolean {
  return err instanceof wf.ActivityFailure && err.cause instanceof wf.ApplicationFailure && err.cause.type === LLM_CONFIG_ERROR;
}

function publishSpend(spend: Spend): void {
  wf.upsertSearchAttributes([
    { key: CrucibleTokens, value: totalTokens(spend) },
    { key: CrucibleCostUsd, value: spend.costUsd },
  ]);
}

function errorText(err: unknown): string {
  const cause = (err as { cause?: { message?: string } }).cause?.message;
  return (cause ?? (err instanceof Error ? err.message : String(err))).slice(0, 300);
}

function publishProgress(loop: SearchLoop<unknown, unknown>): void {
  const best = bestNode(loop.graph);
  wf.upsertSearchAttributes([
    { key: CrucibleNodes, value: loop.graph.nodes.length - 1 },
    ...(best?.score != null ? [{ key: CrucibleBestScore, value: best.score }] : []),
  ]);
}

/** Archives the full records of committed nodes and compacts them in the graph; returns the new boundary. */
async function archiveCommitted(loop: SearchLoop<unknown, unknown>, from: number): Promise<number> {
  const runId = wf.workflowInfo().workflowId;
  const upTo = loop.graph.nodes.length;
  for (let start = from; start < upTo; start += ARCHIVE_CHUNK) {
    await control.archiveNodes({ runId, nodes: loop.graph.nodes.slice(start, Math.min(upTo, start + ARCHIVE_CHUNK)) });
  }
  for (let id = from; id < upTo; id++) loop.graph.nodes[id] = compactNode(loop.graph.nodes[id]!);
  return upTo;
}

/**
 * The baseline of the orchestration benchmarks: the same search as the agentRun workflow, driven in
 * process without Temporal. It uses the bookkeeping of src/search/driver.ts (openLoop, begin,
 * commitReady: what runSearch and the workflow both use) and calls the same activity functions
 * directly, with the same inputs the workflow builds for them (parents, scoped memory), in the same
 * order (operate → execute → grade when good). What the workflow does on top of this is what Temporal
 * costs: history, tasks, round trips, serialisation, continue-as-new.
 */
import { buildMemory, memoryScope } from '../src/operators/memory.js';
import { parentRef } from '../src/operators/parents.js';
import { begin, commitReady, isFinished, newSearch, openLoop, snapshotOf, type NodeFields, type SearchSnapshot, type Ticketed } from '../src/search/driver.js';
import type { SolutionGraph } from '../src/search/graph.js';
import { policyFor } from '../src/search/policies.js';
import { metricOptimum } from '../src/tasks/metrics.js';
import { deriveSeed } from '../src/search/rng.js';
import type { Action } from '../src/core/node.js';
import type { AgentRunInput } from '../src/workflows/types.js';
import type { InstantActivities } from './instantActivities.js';

/** One action as the workflow's runAction does it (offline backend: no analyze), minus Temporal. */
async function runAction(
  input: AgentRunInput, acts: InstantActivities, runId: string, graph: SolutionGraph, ticket: number, action: Action,
): Promise<NodeFields> {
  const ops = input.agent.operators;
  const proposal = await acts.control.operate({
    runId, nodeId: ticket, op: action.op, task: input.task,
    parents: action.parents.filter((id) => id > 0).map((id) => parentRef(graph.nodes[id]!)),
    seed: deriveSeed(input.seed, ticket), remainingSeconds: 3600, remainingSteps: input.budget.maxSteps - ticket + 1,
    memory: buildMemory(graph, action, memoryScope(ops, action.op), { maxEntries: ops.maxMemoryEntries, maxChars: ops.maxMemoryChars }),
    operators: ops, dataOverviewRef: null, hints: [],
  });
  const result = await acts.exec.execute({
    runId, nodeId: ticket, task: input.task, dataRef: input.taskDataRef!, codeRef: proposal.codeRef, timeoutMs: input.execTimeoutMs,
  });
  const grade = result.submissionRef && !result.buggy ? await acts.control.grade() : null;
  return {
    plan: proposal.plan, codeRef: proposal.codeRef, score: result.score, buggy: result.buggy, bugReason: result.bugReason,
    testScore: grade?.score ?? null,
    exec: {
      exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs,
      stdoutRef: result.stdoutRef, stderrRef: result.stderrRef, submissionRef: result.submissionRef,
    },
    createdAt: Date.now(), llm: null,
  };
}

/**
 * Runs one search to its step budget with up to `agent.parallelism` actions in flight, like the
 * workflow; returns the final search state (graph, RNG, policy state, scheduler). Several calls may run
 * at once (the many-runs baseline).
 */
export async function runInProcess(input: AgentRunInput, acts: InstantActivities, runId: string): Promise<SearchSnapshot<unknown>> {
  const { policy, config } = policyFor(input.agent.policy, metricOptimum(input.task.metric));
  const loop = openLoop(
    policy, newSearch(policy, config, { seed: input.seed, direction: input.task.direction, createdAt: Date.now() }),
    { parallelism: input.agent.parallelism, maxNodes: input.budget.maxSteps },
  );
  let failure: unknown = null;
  let wake: () => void = () => undefined;
  const launch = ({ ticket, action }: Ticketed): void => {
    runAction(input, acts, runId, loop.graph, ticket, action).then(
      (fields) => {
        loop.scheduler.complete(ticket, fields);
        commitReady(loop).started.forEach(launch);
        wake();
      },
      (err: unknown) => {
        failure = err;
        wake();
      },
    );
  };
  begin(loop).forEach(launch);
  while (!isFinished(loop) && failure === null) await new Promise<void>((resolve) => { wake = resolve; });
  if (failure !== null) throw failure;
  return snapshotOf(loop);
}

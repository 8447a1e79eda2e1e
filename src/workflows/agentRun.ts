import * as wf from '@temporalio/workflow';
import type { ControlActivities, ExecActivities } from '../activities/index.js';
import type { ParentRef } from '../activities/types.js';
import { addNode, bestNode, createGraph } from '../search/graph.js';
import { greedyNext } from '../search/greedy.js';
import { Rng, createRng, deriveSeed } from '../search/rng.js';
import type { NodeRecord } from '../search/types.js';
import { CrucibleBestScore, CrucibleNodes, CrucibleStatus, initialSearchAttributes } from './searchAttributes.js';
import type { AgentRunInput, BestNode, CarriedState, RunPhase, RunStatus, RunSummary, StopReason } from './types.js';

export const statusQuery = wf.defineQuery<RunStatus>('status');
/** Node metadata from index `since` on (the live view polls it). */
export const nodesQuery = wf.defineQuery<NodeRecord[], [number]>('nodes');

const control = wf.proxyActivities<ControlActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3 },
});

/** Margin above the sandbox's own timeout for workspace set-up, upload of outputs, validation. */
const EXEC_OVERHEAD_MS = 60_000;

/**
 * One agent run: the search loop of DESIGN.md "One step, as data". The workflow holds only the
 * search state; every effect is an activity. Budgets are checked in workflow time.
 */
export async function agentRun(input: AgentRunInput): Promise<RunSummary> {
  const state: CarriedState = input.carried ?? {
    graph: createGraph(input.task.direction, Date.now()),
    rng: createRng(input.seed),
    startedAt: Date.now(),
    steps: 0,
  };
  const rng = new Rng(state.rng);
  const deadline = state.startedAt + input.budget.wallMs;
  let phase: RunPhase = 'searching';

  const exec = wf.proxyActivities<ExecActivities>({
    taskQueue: input.execTaskQueue,
    startToCloseTimeout: input.execTimeoutMs + EXEC_OVERHEAD_MS,
    // A dead exec worker stops heartbeating; the execution is retried on another one.
    heartbeatTimeout: '10 seconds',
    retry: { maximumAttempts: 3 },
  });

  const status = (): RunStatus => {
    const best = bestNode(state.graph);
    return {
      phase,
      steps: state.steps,
      nodes: state.graph.nodes.length - 1,
      bestNodeId: best?.id ?? null,
      bestScore: best?.score ?? null,
      startedAt: state.startedAt,
      deadline,
      budget: input.budget,
    };
  };
  wf.setHandler(statusQuery, status);
  wf.setHandler(nodesQuery, (since) => state.graph.nodes.slice(Math.max(1, since)));

  wf.upsertSearchAttributes(initialSearchAttributes(input));

  let stopReason: StopReason = 'step budget';
  while (state.steps < input.budget.maxSteps) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      stopReason = 'wall-clock budget';
      break;
    }
    if (wf.workflowInfo().continueAsNewSuggested) {
      state.rng = rng.state;
      await wf.condition(wf.allHandlersFinished);
      return wf.continueAsNew<typeof agentRun>({ ...input, carried: state });
    }
    await step(input, state, rng, remainingMs, exec);
    state.steps += 1;
    const best = bestNode(state.graph);
    wf.upsertSearchAttributes([
      { key: CrucibleNodes, value: state.graph.nodes.length - 1 },
      ...(best?.score != null ? [{ key: CrucibleBestScore, value: best.score }] : []),
    ]);
  }
  if (state.steps >= input.budget.maxSteps) stopReason = 'step budget';

  phase = 'selecting';
  const best = await selectBest(input, state);
  const summary: Omit<RunSummary, 'runDir'> = {
    runId: wf.workflowInfo().workflowId,
    task: input.task.id,
    metric: input.task.metric,
    agent: input.agent.preset,
    seed: input.seed,
    stopReason,
    nodes: state.graph.nodes.length - 1,
    buggyNodes: state.graph.nodes.filter((n) => n.id > 0 && n.buggy).length,
    steps: state.steps,
    elapsedMs: Date.now() - state.startedAt,
    best,
  };
  const { runDir } = await control.report({
    runId: summary.runId, nodes: state.graph.nodes, summary, bestNodeId: best?.id ?? null,
  });
  phase = 'finished';
  wf.upsertSearchAttributes([{ key: CrucibleStatus, value: 'completed' }]);
  return { ...summary, runDir };
}

/** Operate, execute, grade, add the node. */
async function step(
  input: AgentRunInput,
  state: CarriedState,
  rng: Rng,
  remainingMs: number,
  exec: ExecActivities,
): Promise<void> {
  const { graph } = state;
  const action = greedyNext(graph, rng, input.agent.policy);
  const nodeId = graph.nodes.length;
  const runId = wf.workflowInfo().workflowId;
  const parents: ParentRef[] = action.parents
    .filter((id) => id > 0)
    .map((id) => {
      const p = graph.nodes[id]!;
      return {
        nodeId: p.id, plan: p.plan, codeRef: p.codeRef, score: p.score, buggy: p.buggy, bugReason: p.bugReason,
        stdoutRef: p.exec?.stdoutRef ?? null, stderrRef: p.exec?.stderrRef ?? null,
      };
    });

  const proposal = await control.operate({
    runId, nodeId, op: action.op, task: input.task, parents,
    seed: deriveSeed(input.seed, nodeId),
    remainingSeconds: Math.floor(remainingMs / 1000),
  });
  const timeoutMs = Math.max(1000, Math.min(input.execTimeoutMs, deadlineLeft(state, input)));
  const result = await exec.execute({ runId, nodeId, task: input.task, codeRef: proposal.codeRef, timeoutMs });
  // Hidden test score: recorded on the node, never passed to the policy or an operator.
  const grade = result.submissionRef && !result.buggy
    ? await control.grade({ task: input.task, submissionRef: result.submissionRef })
    : null;

  addNode(graph, {
    parents: action.parents,
    operator: action.op,
    plan: proposal.plan,
    codeRef: proposal.codeRef,
    score: result.score,
    buggy: result.buggy,
    bugReason: result.bugReason,
    testScore: grade?.score ?? null,
    exec: {
      exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs,
      stdoutRef: result.stdoutRef, stderrRef: result.stderrRef, submissionRef: result.submissionRef,
    },
    createdAt: Date.now(),
  });
}

function deadlineLeft(state: CarriedState, input: AgentRunInput): number {
  return state.startedAt + input.budget.wallMs - Date.now();
}

/** Final selection: the best node by validation score; its full hidden grade for the summary. */
async function selectBest(input: AgentRunInput, state: CarriedState): Promise<BestNode | null> {
  const best = bestNode(state.graph);
  if (!best || best.score === null) return null;
  const submissionRef = best.exec?.submissionRef ?? null;
  const grade = submissionRef ? await control.grade({ task: input.task, submissionRef }) : null;
  return { id: best.id, operator: best.operator, score: best.score, codeRef: best.codeRef, submissionRef, grade };
}

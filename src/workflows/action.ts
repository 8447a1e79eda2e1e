/** One action of the search, as activities: operate → execute → grade, turned into a node's fields. */
import * as wf from '@temporalio/workflow';
import type { ControlActivities, ExecActivities } from '../activities/index.js';
import { LLM_CONFIG_ERROR, LLM_REQUEST_REJECTED } from '../activities/types.js';
import { type GradeOutput } from '../core/run.js';
import { MAX_STEPS } from '../config/constants.js';
import { applyReview } from '../fitness/verdict.js';
import { buildMemory, memoryScope } from '../operators/memory.js';
import { parentRef } from '../operators/parents.js';
import { addSpend, type NodeLlm } from '../core/spend.js';
import type { NodeFields } from '../search/driver.js';
import type { SolutionGraph } from '../search/graph.js';
import { deriveSeed } from '../search/rng.js';
import type { Action } from '../core/node.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { AgentRunInput } from './types.js';

/** The activities of the control worker (the run's own task queue). */
export const controlWorker = wf.proxyActivities<ControlActivities>({
  startToCloseTimeout: '10 minutes',
  // A dead control worker is noticed within this, not after the start-to-close timeout.
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Margin above the sandbox's own timeout for workspace set-up, upload of outputs, validation. */
const EXEC_OVERHEAD_MS = 60_000;

export function execActivities(input: AgentRunInput): wf.ActivityInterfaceFor<ExecActivities> {
  return wf.proxyActivities<ExecActivities>({
    taskQueue: input.execTaskQueue,
    startToCloseTimeout: input.execTimeoutMs + EXEC_OVERHEAD_MS,
    // A dead exec worker stops heartbeating; the execution is retried on another one.
    heartbeatTimeout: '10 seconds',
    retry: { maximumAttempts: 3 },
    // At the budget, wait until the sandbox has really been stopped before the run moves on.
    cancellationType: wf.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

export type LlmActivities = Pick<wf.ActivityInterfaceFor<ControlActivities>, 'operate' | 'analyze'>;

/**
 * Operate and Analyze under the run's backend. LLM calls get their own retry policy: rate limits, server
 * errors and hung requests are retried with backoff (no sooner than the server's Retry-After, which
 * the activity passes as nextRetryDelay) up to `maxAttempts`; a wrong key, model or request is not.
 */
export function llmActivities(input: AgentRunInput): LlmActivities {
  const { backend, llm } = input.agent.operators;
  if (backend === 'offline' || !llm) return controlWorker;
  return wf.proxyActivities<ControlActivities>({
    // Every re-ask may take the whole request timeout; a dead worker is still noticed by the heartbeat.
    startToCloseTimeout: (llm.maxReasks + 1) * llm.requestTimeoutMs + 60_000,
    heartbeatTimeout: '30 seconds',
    retry: {
      initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes',
      maximumAttempts: llm.maxAttempts, nonRetryableErrorTypes: [LLM_CONFIG_ERROR, LLM_REQUEST_REJECTED],
    },
  });
}

function mergeLlm(a: NodeLlm | null, b: NodeLlm | null): NodeLlm | null {
  if (!a || !b) return a ?? b;
  return { ...a, ...b, ...addSpend(a, b), recordings: [...a.recordings, ...b.recordings] };
}

/**
 * The one-line summary the Temporal UI shows for each activity of an action, e.g. `improve #12 ← #7`,
 * so an operator can read a run's event list without opening payloads.
 */
export function activitySummary(step: 'operate' | 'execute' | 'analyze' | 'grade', ticket: number, action: Action): string {
  const parents = action.parents.filter((id) => id > 0).map((id) => `#${id}`).join('+');
  const what = `${action.op} #${ticket}${parents ? ` ← ${parents}` : ''}`;
  switch (step) {
    case 'operate': return what;
    case 'execute': return `run node #${ticket} (${action.op})`;
    case 'analyze': return `analyze the output of node #${ticket}`;
    case 'grade': return `grade node #${ticket} on the hidden test`;
  }
}

/** A node for an action that produced no execution (cancelled at the budget, or its activities failed). */
export function failedFields(reason: string, plan = '', codeRef: ArtifactRef | null = null): NodeFields {
  return { plan, codeRef, score: null, buggy: true, bugReason: reason, testScore: null, exec: null, createdAt: Date.now(), llm: null };
}

/** An action's node, and the submission it left to grade (null when there is none to grade). */
export interface ActionOutcome {
  fields: NodeFields;
  ungraded: ArtifactRef | null;
}

/** Scores a node's submission on the hidden test; the score is recorded, never shown to the policy or an operator. */
export function gradeNode(input: AgentRunInput, ticket: number, action: Action, submissionRef: ArtifactRef): Promise<GradeOutput> {
  return controlWorker.grade.executeWithOptions({ summary: activitySummary('grade', ticket, action) }, [{ task: input.task, taskFiles: input.taskFilesRef ?? null, submissionRef }]);
}

/** What an action is run with: the run's activities, and the run as it stands when the action starts. */
export interface ActionContext {
  input: AgentRunInput;
  exec: wf.ActivityInterfaceFor<ExecActivities>;
  llm: LlmActivities;
  /** The committed graph. */
  graph: SolutionGraph;
  deadline: number;
  maxSteps: number;
  /** The texts of the hints in effect. */
  hints: readonly string[];
}

/**
 * Runs one action. The context (parents, memory) is read from the committed graph when the action
 * starts, which the determinism rule makes identical in every replay and in the in-process driver.
 * The hidden grade is left to the caller (`ungraded`), so that the node commits and the next action
 * starts while it is graded.
 */
export async function runAction(ctx: ActionContext, ticket: number, action: Action): Promise<ActionOutcome> {
  const { input, exec, llm, graph, deadline } = ctx;
  const ops = input.agent.operators;
  const runId = wf.workflowInfo().workflowId;
  const remainingMs = () => deadline - Date.now();
  const summary = (step: Parameters<typeof activitySummary>[0]) => ({ summary: activitySummary(step, ticket, action) });
  const proposal = await llm.operate.executeWithOptions(summary('operate'), [{
    runId,
    nodeId: ticket,
    op: action.op,
    task: input.task,
    taskFiles: input.taskFilesRef ?? null,
    parents: action.parents.filter((id) => id > 0).map((id) => parentRef(graph.nodes[id]!)),
    seed: deriveSeed(input.seed, ticket),
    remainingSeconds: Math.max(0, Math.floor(remainingMs() / 1000)),
    remainingSteps: ctx.maxSteps >= MAX_STEPS ? null : ctx.maxSteps - ticket + 1,
    memory: buildMemory(graph, action, memoryScope(ops, action.op), { maxEntries: ops.maxMemoryEntries, maxChars: ops.maxMemoryChars }),
    operators: ops,
    dataOverviewRef: input.dataOverviewRef ?? null,
    hints: [...ctx.hints],
  }]);
  const timeoutMs = Math.max(1000, Math.min(input.execTimeoutMs, remainingMs()));
  const result = await exec.execute.executeWithOptions(summary('execute'), [{
    runId, nodeId: ticket, task: input.task, dataRef: input.taskDataRef!, codeRef: proposal.codeRef, timeoutMs,
  }]);
  // No metrics.json: an LLM reads the score from the output (docs/architecture.md "One step of a run, as data", step 4); offline, the node stays buggy.
  const review = result.needsReview && ops.backend !== 'offline'
    ? await llm.analyze.executeWithOptions(summary('analyze'), [{
      runId, nodeId: ticket, operators: ops, task: input.task, taskFiles: input.taskFilesRef ?? null, codeRef: proposal.codeRef, stdoutRef: result.stdoutRef, stderrRef: result.stderrRef,
    }])
    : null;
  const verdict = review ? applyReview(result, review) : result;
  const nodeLlm = mergeLlm(
    proposal.llm,
    review && { ...review.llm, review: { isBug: review.isBug, summary: review.summary, metric: review.metric } },
  );
  const fields: NodeFields = {
    plan: proposal.plan,
    codeRef: proposal.codeRef,
    score: verdict.score,
    buggy: verdict.buggy,
    bugReason: verdict.bugReason,
    testScore: null,
    exec: {
      exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs,
      stdoutRef: result.stdoutRef, stderrRef: result.stderrRef, submissionRef: result.submissionRef, isolation: result.isolation,
    },
    createdAt: Date.now(),
    llm: nodeLlm,
  };
  return { fields, ungraded: result.submissionRef && !verdict.buggy ? result.submissionRef : null };
}

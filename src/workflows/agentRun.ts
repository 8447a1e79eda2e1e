import * as wf from '@temporalio/workflow';
import {
  begin, commitReady, forkSearch, isFinished, newSearch, openLoop, recordTestScore, setMaxNodes, snapshotOf, stopProposing,
  type NodeFields, type SearchLoop, type SearchSnapshot, type Ticketed,
} from '../search/driver.js';
import { LLM_CONFIG_ERROR } from '../activities/types.js';
import { addSpend, emptySpend, spendLimitReached, totalTokens } from '../core/spend.js';
import { bestNode, isBetter, isGood, type SolutionGraph } from '../search/graph.js';
import { policyFor } from '../search/policies.js';
import type { SearchPolicy } from '../search/policy.js';
import type { Action, NodeRecord } from '../core/node.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { Spend } from '../core/spend.js';
import { control, execActivities, failedFields, gradeNode, llmActivities, runAction } from './action.js';
import { ARCHIVE_CHUNK, compactNode, packSearch, unpackSearch } from './carry.js';
import { describeBudget, validateBudgetChange } from './control.js';
import { selectFinal } from './finalSelection.js';
import { CrucibleBestScore, CrucibleCostUsd, CrucibleNodes, CrucibleStatus, CrucibleTokens, initialSearchAttributes } from './searchAttributes.js';
import type { AgentRunInput, BudgetChange, ControlAck, Hint, RunPhase, RunStatus, RunSummary, StopReason } from './types.js';

export const statusQuery = wf.defineQuery<RunStatus>('status');
/** Node metadata from index `since` on (the live view polls it). */
export const nodesQuery = wf.defineQuery<NodeRecord[], [number]>('nodes');
/** The best node by validation score so far, or null. */
export const bestQuery = wf.defineQuery<NodeRecord | null>('best');
/** The whole graph's node metadata, root included (nodes below the archive boundary are compact). */
export const graphQuery = wf.defineQuery<SolutionGraph>('graph');

/** No new actions start; running ones finish and commit. The wall-clock deadline still applies. */
export const pauseUpdate = wf.defineUpdate<ControlAck>('pause');
export const resumeUpdate = wf.defineUpdate<ControlAck>('resume');
/** Finish gracefully: stop proposing, let running actions finish, then the final selection and report. */
export const stopUpdate = wf.defineUpdate<ControlAck, [reason: string | null]>('stop');
export const setBudgetUpdate = wf.defineUpdate<ControlAck, [BudgetChange]>('setBudget');
/** A human note: every following operator call gets it (LLM prompts show it); nodes record its id. */
export const hintUpdate = wf.defineUpdate<ControlAck, [text: string]>('hint');

export const MAX_HINT_CHARS = 2_000;
export const MAX_HINTS = 50;

const cancelled = (reason: StopReason | null): string => `cancelled: the run stopped (${reason ?? 'cancelled'}) while this node was running`;
const notStarted = (reason: StopReason): string => `cancelled: the run stopped (${reason}) before this node started`;

/**
 * One agent run: the search loop of DESIGN.md "One step, as data", for any policy, with up to
 * `parallelism` actions in flight. The workflow holds only the search state; every effect is an
 * activity. Results commit in proposal order (search/policy.ts), so a seed fixes the graph whatever
 * the timing. The wall-clock budget is a workflow timer: when it fires, running actions are
 * cancelled and recorded as such. A token or cost budget stops proposing and lets running actions
 * finish. An LLM endpoint that refuses the run's key or model stops it at once, and the run fails
 * with that error after its report is written. Long runs continue as new with the whole search state.
 *
 * A human steers it with updates (pause, resume, stop, setBudget, hint; README "Steering a run"): their
 * validators reject bad requests without touching history, their handlers only set state and wake the
 * main loop, which reacts (react below). Hints, the pause and the budget travel across continue-as-new.
 */
export async function agentRun(runInput: AgentRunInput): Promise<RunSummary> {
  // The run's own copy: the task data refs are filled in below, and setBudget changes the budget.
  const input: AgentRunInput = { ...runInput, budget: { ...runInput.budget } };
  const { policy, config } = policyFor(input.agent.policy);
  const startedAt = input.carried?.startedAt ?? Date.now();
  const continuedAsNew = input.carried?.continuedAsNew ?? 0;
  const archivedUpTo = input.carried?.archivedUpTo ?? 0;
  const snapshot = input.carried ? unpackSearch(input.carried.search) : startSearch(input, policy, config, startedAt);
  const loop = openLoop(policy, snapshot, { parallelism: input.agent.parallelism, maxNodes: input.budget.maxSteps });
  let deadline = startedAt + input.budget.wallMs;
  const exec = execActivities(input);
  const llm = llmActivities(input);
  const actions = new wf.CancellationScope();
  const launched = new Set<number>();
  // Hidden grades run outside `actions`: the deadline cancels actions, not the grading of finished nodes.
  const grading = new wf.CancellationScope();
  let pendingGrades = 0;
  const limits = { maxTokens: input.budget.maxTokens ?? null, maxCostUsd: input.budget.maxCostUsd ?? null };
  let spend: Spend = input.carried?.spend ?? emptySpend();
  let phase: RunPhase = 'searching';
  let stopReason: StopReason | null = null;
  let fatalError: string | null = null;
  let pastDeadline = false;
  let draining = false; // continue-as-new suggested: let running actions finish, start no more
  let changed = false;
  // Control state. Update handlers only set these (and `changed`); the main loop reacts to them.
  const runId = wf.workflowInfo().workflowId;
  const hints: Hint[] = [...(input.carried?.hints ?? [])];
  let paused = input.carried?.paused ?? false;
  let stopRequested: { note?: string } | null = input.carried?.stopRequested ?? null;
  const forkedFrom = input.carried?.forkedFrom ?? (input.fork ? { runId: input.fork.fromRunId, atNode: input.fork.nodes.length } : undefined);
  let stopNote: string | undefined;
  let budgetChanged = false;
  // Fewer history events per node (issue 9); both patches are decided once per execution, where the loop starts.
  /** One wall-clock timer per deadline instead of a timer started and cancelled by every wait of the loop. */
  let oneDeadlineTimer = false;
  /** Progress and spend search attributes upserted on a new best score, at intervals (ProgressPublisher) and at the end, not per node. */
  let throttledProgress = false;
  /** A node commits, and the next action starts, while its hidden grade runs: one activity round trip less per step. */
  let deferGrade = false;

  const status = (): RunStatus => {
    const best = bestNode(loop.graph);
    const now = Date.now();
    const steps = loop.scheduler.state.nextTicket - 1;
    const tokens = totalTokens(spend);
    const { maxTokens, maxCostUsd } = limits;
    return {
      phase, nodes: loop.graph.nodes.length - 1, inFlight: launched.size, bestNodeId: best?.id ?? null,
      // From the budget itself, not `deadline`/`loop.maxNodes`: a setBudget ack shows its effect at once.
      bestScore: best?.score ?? null, startedAt, deadline: startedAt + input.budget.wallMs, budget: input.budget, continuedAsNew, spend,
      stopReason, paused,
      used: { wallMs: now - startedAt, steps, tokens, costUsd: spend.costUsd },
      left: {
        wallMs: stopReason === null ? Math.max(0, startedAt + input.budget.wallMs - now) : 0,
        steps: stopReason === null ? Math.max(0, input.budget.maxSteps - steps) : 0,
        tokens: maxTokens == null ? null : Math.max(0, maxTokens - tokens),
        costUsd: maxCostUsd == null ? null : Math.max(0, maxCostUsd - spend.costUsd),
      },
      hints: hints.length,
    };
  };
  wf.setHandler(statusQuery, status);
  wf.setHandler(nodesQuery, (since) => loop.graph.nodes.slice(Math.max(1, since)));
  wf.setHandler(bestQuery, () => bestNode(loop.graph));
  wf.setHandler(graphQuery, () => loop.graph);

  // Updates. Validators throw (the update is rejected and leaves no trace in history); handlers only set
  // state and wake the main loop. Nothing here awaits, so every handler has finished by the next await.
  const ack = (message: string): ControlAck => {
    changed = true;
    return { message, status: status() };
  };
  /** Rejects control of a run that is no longer searching or already stopping. */
  const mustBeSearching = (what: string) => {
    const reason = stopReason ?? (stopRequested ? 'stopped by user' : null);
    if (phase !== 'searching' || reason !== null) {
      throw new Error(`run ${runId} is finishing (${reason ?? phase}): it cannot ${what}`);
    }
  };
  wf.setHandler(pauseUpdate, () => {
    paused = true;
    return ack(`paused run ${runId}: no new actions start; ${launched.size} running will finish`);
  }, {
    validator: () => {
      mustBeSearching('be paused');
      if (paused) throw new Error(`run ${runId} is already paused`);
    },
  });
  wf.setHandler(resumeUpdate, () => {
    paused = false;
    return ack(`resumed run ${runId}`);
  }, {
    validator: () => {
      if (!paused) throw new Error(`run ${runId} is not paused`);
      mustBeSearching('be resumed');
    },
  });
  wf.setHandler(stopUpdate, (note?: string | null) => {
    const text = note?.trim();
    stopRequested = text ? { note: text } : {};
    return ack(`stopping run ${runId}: ${launched.size} running action(s) finish, then the final selection and report`);
  }, {
    validator: (note?: string | null) => {
      if (note != null && typeof note !== 'string') throw new Error('stop: the reason must be a string');
      if (stopReason !== null || stopRequested !== null) throw new Error(`run ${runId} is already stopping (${stopReason ?? 'stopped by user'})`);
      if (phase !== 'searching') throw new Error(`run ${runId} is already finishing (${phase})`);
    },
  });
  wf.setHandler(setBudgetUpdate, (change) => {
    Object.assign(input.budget, change);
    budgetChanged = true;
    return ack(`budget of run ${runId} is now ${describeBudget(input.budget)}`);
  }, {
    validator: (change) => {
      validateBudgetChange(change);
      mustBeSearching('change its budget');
    },
  });
  wf.setHandler(hintUpdate, (text) => {
    const hint: Hint = { id: hints.length + 1, text: text.trim(), at: Date.now() };
    hints.push(hint);
    return ack(`hint ${hint.id} added to run ${runId}: the next operator calls will see it`);
  }, {
    validator: (text) => {
      if (typeof text !== 'string') throw new Error(`hint: the text must be a string (got ${text === null ? 'null' : typeof text})`);
      if (text.trim() === '') throw new Error('hint: the text must not be empty');
      if (text.trim().length > MAX_HINT_CHARS) {
        throw new Error(`hint: the text has ${text.trim().length} characters; at most ${MAX_HINT_CHARS} are allowed`);
      }
      mustBeSearching('take hints');
      if (hints.length >= MAX_HINTS) throw new Error(`run ${runId} already has ${MAX_HINTS} hints, the most it takes`);
    },
  });

  // After the handlers, so updates sent while the task data is published are not rejected for want of one.
  const withData = await withTaskData(input);
  input.taskDataRef = withData.taskDataRef;
  if (withData.dataOverviewRef !== undefined) input.dataOverviewRef = withData.dataOverviewRef;
  if (!input.carried) wf.upsertSearchAttributes(initialSearchAttributes(input));

  /** Stops proposing; `cancelRunning` also cancels running actions (else they finish and commit). */
  const stop = (reason: StopReason, cancelRunning: boolean) => {
    if (stopReason !== null) return;
    stopReason = reason;
    paused = false;
    stopProposing(loop);
    if (cancelRunning) actions.cancel();
    // Tickets started but never launched (held back while draining or paused) end as cancelled.
    for (const t of [...loop.scheduler.running()]) if (!launched.has(t.ticket)) finish(t.ticket, failedFields(notStarted(reason)));
  };
  const finish = (ticket: number, fields: NodeFields) => {
    launched.delete(ticket);
    loop.scheduler.complete(ticket, fields);
    if (fields.llm) {
      spend = addSpend(spend, fields.llm);
      if (!throttledProgress) publishSpend(spend);
      const limit = spendLimitReached(spend, limits);
      if (limit) stop(limit, false);
    }
    const { committed, started } = commitReady(loop);
    if (throttledProgress) progress.commit(committed, spend);
    else if (committed.length > 0) publishProgress(loop);
    launchAll(started);
    changed = true;
  };
  const launch = ({ ticket, action }: Ticketed) => {
    launched.add(ticket);
    const graph = loop.graph;
    // The hints in effect now reach this action's operator call, and its node records their ids.
    const hintIds = hints.map((h) => h.id);
    const hintTexts = hints.map((h) => h.text);
    actions.run(() => runAction(input, exec, llm, graph, ticket, action, deadline, archivedUpTo, { hints: hintTexts, deferGrade })).then(
      ({ fields, ungraded }) => {
        finish(ticket, { ...fields, hintIds });
        if (ungraded) gradeLater(ticket, action, ungraded);
      },
      (err: unknown) => {
        if (isLlmConfigError(err) && fatalError === null) {
          fatalError = errorText(err);
          stop('operator error', true);
        }
        finish(ticket, {
          ...(wf.isCancellation(err) ? failedFields(cancelled(stopReason)) : failedFields(`activity failed: ${errorText(err)}`)),
          hintIds,
        });
      },
    );
  };
  /** A failed grade leaves the test score unknown (null), as for a node without a submission. */
  const gradeLater = (ticket: number, action: Action, submissionRef: ArtifactRef) => {
    pendingGrades += 1;
    grading.run(() => gradeNode(input, ticket, action, submissionRef)).then(
      (grade) => recordTestScore(loop, ticket, grade.score),
      (err: unknown) => wf.log.warn(`node ${ticket}: the hidden grade failed, its test score stays unknown: ${errorText(err)}`),
    ).finally(() => {
      pendingGrades -= 1;
      changed = true;
    });
  };
  // While draining or paused, or once a stop is asked for, new tickets stay in the scheduler as
  // started-but-not-launched: resume (or the next run, after continue-as-new) launches them, a stop
  // records them as cancelled. Proposals still happen at commits, so pausing does not change the graph.
  const mayLaunch = () => !draining && !paused && stopReason === null && stopRequested === null;
  const launchAll = (started: readonly Ticketed[]) => {
    if (mayLaunch()) started.forEach(launch);
  };
  const launchHeld = () => {
    if (mayLaunch()) launchAll(loop.scheduler.running().filter((t) => !launched.has(t.ticket)));
  };
  /** The main loop's reaction to the control updates. */
  const react = () => {
    if (stopRequested !== null && stopReason === null) {
      stopNote = stopRequested.note;
      stopRequested = null;
      stop('stopped by user', false);
    }
    if (budgetChanged) {
      budgetChanged = false;
      deadline = startedAt + input.budget.wallMs; // the loop's timer below follows it
      limits.maxTokens = input.budget.maxTokens ?? null;
      limits.maxCostUsd = input.budget.maxCostUsd ?? null;
      const limit = spendLimitReached(spend, limits);
      if (limit) stop(limit, false);
      // A wall-clock cut into the past is handled by the loop's deadline check, like the budget running out.
      if (stopReason === null && Date.now() < deadline) launchAll(setMaxNodes(loop, input.budget.maxSteps));
    }
    launchHeld();
  };

  // The wall-clock deadline as one timer, re-armed only when setBudget moves the deadline; it wakes the loop.
  let deadlineTimer: { at: number; scope: wf.CancellationScope } | null = null;
  const armDeadline = () => {
    if (deadlineTimer?.at === deadline) return;
    deadlineTimer?.scope.cancel();
    const scope = new wf.CancellationScope();
    deadlineTimer = { at: deadline, scope };
    scope.run(() => wf.sleep(Math.max(1, deadline - Date.now()))).then(() => { changed = true; }, () => undefined);
  };
  const disarmDeadline = () => {
    deadlineTimer?.scope.cancel();
    deadlineTimer = null;
  };
  const progress = new ProgressPublisher(loop.graph, spend);
  // Where the behaviour first differs: an execution begun by older code replays, and goes on, as it began.
  oneDeadlineTimer = wf.patched(PATCH_ONE_DEADLINE_TIMER);
  throttledProgress = wf.patched(PATCH_THROTTLED_PROGRESS);
  deferGrade = wf.patched(PATCH_DEFERRED_GRADE);
  progress.byCount = wf.patched(PATCH_PROGRESS_BY_COUNT);

  const carriedLimit = spendLimitReached(spend, limits);
  if (carriedLimit) stop(carriedLimit, false);
  launchAll([...loop.scheduler.running(), ...begin(loop)]);
  for (;;) {
    react();
    if (isFinished(loop)) break;
    // Paused or not, the wall-clock deadline applies: a paused run still stops (and reports) at its deadline.
    if (!pastDeadline && Date.now() >= deadline) {
      // Also after a token or cost stop: running actions may not outlive the wall-clock budget.
      pastDeadline = true;
      if (stopReason === null) stop('wall-clock budget', true);
      else actions.cancel();
      continue;
    }
    if (stopReason === null && !draining && wf.workflowInfo().continueAsNewSuggested) draining = true;
    if (draining && stopReason === null && stopRequested === null && launched.size === 0 && pendingGrades === 0) {
      await wf.condition(wf.allHandlersFinished);
      const archived = await archiveCommitted(loop, archivedUpTo);
      if (throttledProgress) progress.flush(spend);
      // Updates that arrive while archiving travel on: the budget is in the input, the rest in `carried`.
      return wf.continueAsNew<typeof agentRun>({
        ...input,
        fork: undefined, // the forked nodes are in the carried graph
        carried: {
          search: packSearch(snapshotOf(loop), archived), startedAt, archivedUpTo: archived, continuedAsNew: continuedAsNew + 1, spend, hints, paused,
          ...(stopRequested === null ? {} : { stopRequested }),
          ...(forkedFrom ? { forkedFrom } : {}),
        },
      });
    }
    changed = false;
    if (oneDeadlineTimer) {
      if (!pastDeadline) armDeadline();
      await wf.condition(() => changed);
    } else {
      await wf.condition(() => changed, pastDeadline ? undefined : Math.max(1, deadline - Date.now()));
    }
  }
  disarmDeadline();
  // The final selection's oracle and the report read every node's test score. Awaited only when
  // needed: a wait moves the deadline timer's cancellation ahead of selection's commands in history.
  if (pendingGrades > 0) await wf.condition(() => pendingGrades === 0);

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
    ...(stopNote === undefined ? {} : { stopNote }),
    ...(forkedFrom ? { forkedFrom } : {}),
    hints,
    best,
    selection,
  };
  const { runDir } = await control.report.executeWithOptions({ summary: `write the run's report (${summary.nodes} nodes)` }, [{
    // Archived nodes are read from the archive: inline, a 10,000-node graph passed the 2 MB payload limit.
    runId: summary.runId, nodes: loop.graph.nodes.slice(archivedUpTo), nodesFrom: archivedUpTo, archivedUpTo, summary, bestNodeId: best?.id ?? null,
  }]);
  phase = 'finished';
  if (throttledProgress) progress.flush(spend);
  wf.upsertSearchAttributes([{ key: CrucibleStatus, value: fatalError === null ? 'completed' : 'failed' }]);
  // Handlers never await, so this returns at once; it keeps an accepted update from being cut off.
  await wf.condition(wf.allHandlersFinished);
  if (fatalError !== null) {
    throw wf.ApplicationFailure.nonRetryable(`the run stopped: ${fatalError} (report in ${runDir})`, LLM_CONFIG_ERROR);
  }
  return { ...summary, runDir };
}

/** A fresh search, or for a fork one that starts from the source run's nodes; a policy that cannot be forked fails the run. */
function startSearch(input: AgentRunInput, policy: SearchPolicy<unknown, unknown>, config: unknown, startedAt: number): SearchSnapshot<unknown> {
  const options = { seed: input.seed, direction: input.task.direction, createdAt: startedAt };
  if (!input.fork) return newSearch(policy, config, options);
  try {
    return forkSearch(policy, config, input.fork.nodes, options);
  } catch (err) {
    throw wf.ApplicationFailure.nonRetryable(`fork of ${input.fork.fromRunId}: ${errorText(err)}`, 'BadFork');
  }
}

/**
 * The run's input with the task's public data published to the store and, for LLM backends, the data
 * overview made in the sandbox; both once per run (carried across continue-as-new in the input).
 */
async function withTaskData(runInput: AgentRunInput): Promise<AgentRunInput> {
  const input = runInput.taskDataRef
    ? runInput
    : { ...runInput, taskDataRef: await control.publishTaskData.executeWithOptions(
      { summary: `publish the public data of ${runInput.task.id}` }, [{ publicDir: runInput.task.publicDir }],
    ) };
  if (input.agent.operators.backend === 'offline' || input.dataOverviewRef !== undefined) return input;
  // Without an overview the prompts fall back to a plain CSV summary: not a reason to stop the run.
  const dataOverviewRef = await execActivities(input)
    .describeData.executeWithOptions(
      { summary: `describe the data of ${input.task.id} for the prompts` }, [{ runId: wf.workflowInfo().workflowId, dataRef: input.taskDataRef! }],
    )
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

/** The message worth showing of a workflow-side failure: its cause's (the activity's or child's own), cut to 300 characters. */
export function errorText(err: unknown): string {
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

export const PATCH_ONE_DEADLINE_TIMER = 'one-deadline-timer';
export const PATCH_THROTTLED_PROGRESS = 'throttled-progress';
export const PATCH_DEFERRED_GRADE = 'deferred-grade';
export const PATCH_PROGRESS_BY_COUNT = 'progress-by-count';
/** Before PATCH_PROGRESS_BY_COUNT: longest workflow time between progress upserts while nodes commit. */
export const PROGRESS_EVERY_MS = 10_000;
/** Most nodes committed between progress upserts (a new best score goes at once). */
export const PROGRESS_EVERY_NODES = 10;

/**
 * The progress search attributes (nodes, best score, tokens, cost), upserted when the best score
 * improves, every PROGRESS_EVERY_NODES committed nodes otherwise, and at continue-as-new and the end
 * (flush). Executions begun before PATCH_PROGRESS_BY_COUNT went by workflow time (PROGRESS_EVERY_MS)
 * instead, which a replay did not always repeat: the soak drill found a workflow task, retried on a
 * new worker after a timeout, that saw an earlier Date.now() than its replay and so upserted in one
 * and not the other (a nondeterminism error).
 * An upsert per node was one history event and one visibility write per node; the best score is kept
 * from the committed nodes instead of a scan of the graph per commit.
 */
class ProgressPublisher {
  private nodes: number;
  private best: number | null;
  private direction: SolutionGraph['direction'];
  private sent: { nodes: number; best: number | null; tokens: number; costUsd: number; at: number };
  /** Set from PATCH_PROGRESS_BY_COUNT where the loop starts. */
  byCount = false;

  constructor(graph: SolutionGraph, spend: Spend) {
    this.nodes = graph.nodes.length - 1;
    this.best = bestNode(graph)?.score ?? null;
    this.direction = graph.direction;
    // What the execution starts with is what the previous one published (or nothing yet, on a fresh run).
    this.sent = { nodes: this.nodes, best: this.best, tokens: totalTokens(spend), costUsd: spend.costUsd, at: Date.now() };
  }

  commit(committed: readonly NodeRecord[], spend: Spend): void {
    let improved = false;
    for (const n of committed) {
      this.nodes = Math.max(this.nodes, n.id);
      if (isGood(n) && (this.best === null || isBetter(n.score, this.best, this.direction))) {
        this.best = n.score;
        improved = true;
      }
    }
    const due = this.byCount ? this.nodes - this.sent.nodes >= PROGRESS_EVERY_NODES : Date.now() - this.sent.at >= PROGRESS_EVERY_MS;
    if (improved || due) this.flush(spend);
  }

  /** Upserts whatever changed since the last upsert. */
  flush(spend: Spend): void {
    const tokens = totalTokens(spend);
    const attrs = [
      ...(this.nodes !== this.sent.nodes ? [{ key: CrucibleNodes, value: this.nodes }] : []),
      ...(this.best !== null && this.best !== this.sent.best ? [{ key: CrucibleBestScore, value: this.best }] : []),
      ...(tokens !== this.sent.tokens ? [{ key: CrucibleTokens, value: tokens }] : []),
      ...(spend.costUsd !== this.sent.costUsd ? [{ key: CrucibleCostUsd, value: spend.costUsd }] : []),
    ];
    if (attrs.length === 0) return;
    wf.upsertSearchAttributes(attrs);
    this.sent = { nodes: this.nodes, best: this.best, tokens, costUsd: spend.costUsd, at: Date.now() };
  }
}

/** Archives the full records of committed nodes and compacts them in the graph; returns the new boundary. */
async function archiveCommitted(loop: SearchLoop<unknown, unknown>, from: number): Promise<number> {
  const runId = wf.workflowInfo().workflowId;
  const upTo = loop.graph.nodes.length;
  for (let start = from; start < upTo; start += ARCHIVE_CHUNK) {
    const end = Math.min(upTo, start + ARCHIVE_CHUNK);
    await control.archiveNodes.executeWithOptions({ summary: `archive nodes #${start}–#${end - 1}` }, [{ runId, nodes: loop.graph.nodes.slice(start, end) }]);
  }
  for (let id = from; id < upTo; id++) loop.graph.nodes[id] = compactNode(loop.graph.nodes[id]!);
  return upTo;
}

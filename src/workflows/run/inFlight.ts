/**
 * The actions in flight: up to `parallelism` at once, each run by activities, its node committed in
 * proposal order (search/policy.ts), so a seed fixes the graph whatever the timing. A node commits,
 * and the next action starts, while its hidden grade runs.
 */
import * as wf from '@temporalio/workflow';
import type { Action } from '../../core/node.js';
import type { ArtifactRef } from '../../core/artifact.js';
import { commitReady, recordTestScore, setMaxNodes, stopProposing, type NodeFields, type SearchLoop, type Ticketed } from '../../search/driver.js';
import { failedFields, gradeNode, runAction, type ActionContext } from '../action.js';
import type { AgentRunInput } from '../types.js';
import type { StopReason } from '../../core/run.js';
import { errorText, isRunFatalError } from './errors.js';
import type { ProgressPublisher } from './progress.js';
import type { RunState } from './state.js';

const cancelled = (reason: StopReason | null): string => `cancelled: the run stopped (${reason ?? 'cancelled'}) while this node was running`;
const notStarted = (reason: StopReason): string => `cancelled: the run stopped (${reason}) before this node started`;

/** The run's activities and input, the same for every action. */
export type Activities = Pick<ActionContext, 'input' | 'exec' | 'llm'>;

export class ActionsInFlight {
  private readonly launched = new Set<number>();
  private readonly actions = new wf.CancellationScope();
  /** Hidden grades run outside `actions`: the deadline cancels actions, not the grading of finished nodes. */
  private readonly grading = new wf.CancellationScope();
  private pendingGrades = 0;
  /** Set by begin: the input as published (withTaskData), after the handlers answer already. */
  private activities: Activities | null = null;

  constructor(
    private readonly loop: SearchLoop<unknown, unknown>,
    private readonly run: RunState,
    private readonly progress: ProgressPublisher,
  ) {}

  /** Actions launched and not finished. */
  get size(): number {
    return this.launched.size;
  }

  /** Actions or hidden grades still running. */
  get busy(): boolean {
    return this.launched.size > 0 || this.pendingGrades > 0;
  }

  /** The first launch of an execution: the actions carried running and the first proposals (none past a carried spend limit). */
  begin(activities: Activities, proposals: () => Ticketed[]): void {
    this.activities = activities;
    const limit = this.run.spendLimit();
    if (limit !== null) this.stop(limit, false);
    this.launch([...this.loop.scheduler.running(), ...proposals()]);
  }

  /** The main loop's reaction to the steering updates (RunState.react), then the launch of actions held back. */
  react(): void {
    const { stopped, maxSteps } = this.run.react();
    if (stopped !== null) this.afterStop(stopped, false);
    if (maxSteps !== null) this.launch(setMaxNodes(this.loop, maxSteps));
    this.launch(this.loop.scheduler.running().filter((t) => !this.launched.has(t.ticket)));
  }

  /** Stops proposing; `cancelRunning` also cancels running actions (else they finish and commit). False when already stopped. */
  stop(reason: StopReason, cancelRunning: boolean): boolean {
    if (!this.run.halt(reason)) return false;
    this.afterStop(reason, cancelRunning);
    return true;
  }

  /** The wall-clock deadline passed: running actions are cancelled, also after a token or cost stop (none may outlive it). */
  stopAtDeadline(): void {
    if (!this.stop('wall-clock budget', true)) this.actions.cancel();
  }

  /** Waits for the hidden grades still running: the final selection and the report read every test score. */
  async gradesDone(): Promise<void> {
    // Awaited only when needed: a wait moves the deadline timer's cancellation ahead of selection's commands in history.
    if (this.pendingGrades > 0) await wf.condition(() => this.pendingGrades === 0);
  }

  private afterStop(reason: StopReason, cancelRunning: boolean): void {
    stopProposing(this.loop);
    if (cancelRunning) this.actions.cancel();
    // Tickets started but never launched (held back while draining or paused) end as cancelled.
    for (const t of [...this.loop.scheduler.running()]) if (!this.launched.has(t.ticket)) this.finish(t.ticket, failedFields(notStarted(reason)));
  }

  private launch(started: readonly Ticketed[]): void {
    if (this.run.mayLaunch) started.forEach((t) => this.start(t));
  }

  private start({ ticket, action }: Ticketed): void {
    const activities = this.activities!;
    this.launched.add(ticket);
    // The hints in effect now reach this action's operator call, and its node records their ids.
    const hintIds = this.run.hints.map((h) => h.id);
    const ctx: ActionContext = {
      ...activities, graph: this.loop.graph, deadline: this.run.deadline, maxSteps: this.run.budget.maxSteps,
      hints: this.run.hints.map((h) => h.text),
    };
    this.actions.run(() => runAction(ctx, ticket, action)).then(
      ({ fields, ungraded }) => {
        this.finish(ticket, { ...fields, hintIds });
        if (ungraded) this.gradeLater(activities.input, ticket, action, ungraded);
      },
      (err: unknown) => {
        // The whole message: it says why the run stopped and what to do instead.
        if (isRunFatalError(err) && this.run.fail(errorText(err, 2000))) this.stop('operator error', true);
        const failed = wf.isCancellation(err) ? cancelled(this.run.stopReason) : `activity failed: ${errorText(err)}`;
        this.finish(ticket, { ...failedFields(failed), hintIds });
      },
    );
  }

  private finish(ticket: number, fields: NodeFields): void {
    this.launched.delete(ticket);
    this.loop.scheduler.complete(ticket, fields);
    if (fields.llm) {
      const limit = this.run.addSpend(fields.llm);
      if (limit !== null) this.stop(limit, false);
    }
    const { committed, started } = commitReady(this.loop);
    this.progress.commit(committed, this.run.spend);
    this.launch(started);
    this.run.wake();
  }

  /** A failed grade leaves the test score unknown (null), as for a node without a submission. */
  private gradeLater(input: AgentRunInput, ticket: number, action: Action, submissionRef: ArtifactRef): void {
    this.pendingGrades += 1;
    this.grading.run(() => gradeNode(input, ticket, action, submissionRef)).then(
      (grade) => recordTestScore(this.loop, ticket, grade.score, { validSubmission: grade.validSubmission, reason: grade.reason, gradedBy: grade.gradedBy }),
      (err: unknown) => wf.log.warn(`node ${ticket}: the hidden grade failed, its test score stays unknown: ${errorText(err)}`),
    ).finally(() => {
      this.pendingGrades -= 1;
      this.run.wake();
    });
  }
}

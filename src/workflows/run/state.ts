/**
 * The run's own state, apart from the search: phase, stop, budget, spend, pause, hints, draining.
 * Update handlers only change it and wake the main loop, which reacts (react). Pure, with the clock
 * and the loop's counts passed in, so the steering logic is tested without Temporal.
 */
import { addSpend, emptySpend, spendLimitReached, totalTokens, type Spend, type SpendLimits } from '../../core/spend.js';
import type { CarriedSearch } from '../carry.js';
import type { AgentRunInput, BudgetChange, CarriedState, RunPhase, RunStatus, SteerAck } from '../types.js';
import type { Hint, RunBudget, RunSummary, StopReason } from '../../core/run.js';
import { MAX_HINTS, describeBudget, validateBudgetChange, validateHintText } from './steering.js';

/** What the search loop shows of itself in the status. */
export interface LoopCounts {
  /** Committed nodes, the root excluded. */
  nodes: number;
  /** Actions proposed so far: the step budget counts these. */
  steps: number;
  inFlight: number;
  best: { id: number; score: number | null } | null;
}

export interface RunEnv {
  runId: string;
  /** Workflow time (Date.now in the workflow). */
  now: () => number;
  counts: () => LoopCounts;
}

/** What the main loop must do for the updates since it last looked. */
export interface Reaction {
  /** A stop that has just taken effect (running actions finish). */
  stopped: StopReason | null;
  /** A step budget to apply to the search at once (setBudget). */
  maxSteps: number | null;
}

export class RunState {
  phase: RunPhase = 'searching';
  /** Why the search stopped; null while it goes on. */
  stopReason: StopReason | null = null;
  /** The reason given with the `stop` update, once it took effect. */
  stopNote: string | undefined;
  /** The LLM endpoint refused the run's key or model: the run fails with this after its report. */
  fatalError: string | null = null;
  /** Continue-as-new suggested: running actions finish, no more start. */
  draining = false;
  /** Set by anything the main loop must look at; the loop clears it before it waits. */
  changed = false;
  readonly startedAt: number;
  readonly continuedAsNew: number;
  /** Nodes with smaller ids are archived, compact in the graph (carry.ts). */
  readonly archivedUpTo: number;
  private budgetNow: RunBudget;
  private spendNow: Spend;
  private pausedNow: boolean;
  private readonly hintList: Hint[];
  /** A `stop` update not yet taken up by the loop (or carried from the previous execution). */
  private stopRequested: { note?: string } | null;
  private budgetChanged = false;
  private pastDeadline = false;
  private readonly forkedFrom: RunSummary['forkedFrom'];

  /** A fresh run's state, or the state carried from the previous execution of the run. */
  constructor(input: AgentRunInput, private readonly env: RunEnv) {
    const c: CarriedState | undefined = input.carried;
    this.startedAt = c?.startedAt ?? env.now();
    this.continuedAsNew = c?.continuedAsNew ?? 0;
    this.archivedUpTo = c?.archivedUpTo ?? 0;
    this.budgetNow = { ...input.budget };
    this.spendNow = c?.spend ?? emptySpend();
    this.pausedNow = c?.paused ?? false;
    this.hintList = [...(c?.hints ?? [])];
    this.stopRequested = c?.stopRequested ?? null;
    this.forkedFrom = c?.forkedFrom ?? (input.fork ? { runId: input.fork.fromRunId, atNode: input.fork.nodes.length } : undefined);
  }

  /** The next execution's input: the run's own, with the state as it is now and the search as carried. */
  carryOn(input: AgentRunInput, search: CarriedSearch, archivedUpTo: number): AgentRunInput {
    const carried: CarriedState = {
      search, startedAt: this.startedAt, archivedUpTo, continuedAsNew: this.continuedAsNew + 1, spend: this.spendNow, hints: this.hintList,
      paused: this.pausedNow,
      ...(this.stopRequested === null ? {} : { stopRequested: this.stopRequested }),
      ...(this.forkedFrom ? { forkedFrom: this.forkedFrom } : {}),
    };
    // The forked nodes are in the carried graph.
    return { ...input, budget: this.budgetNow, fork: undefined, carried };
  }

  get budget(): Readonly<RunBudget> {
    return this.budgetNow;
  }

  get spend(): Spend {
    return this.spendNow;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  get hints(): readonly Hint[] {
    return this.hintList;
  }

  get deadline(): number {
    return this.startedAt + this.budgetNow.wallMs;
  }

  private get limits(): SpendLimits {
    return { maxTokens: this.budgetNow.maxTokens ?? null, maxCostUsd: this.budgetNow.maxCostUsd ?? null };
  }

  status(): RunStatus {
    const { nodes, steps, inFlight, best } = this.env.counts();
    const now = this.env.now();
    const spend = this.spendNow;
    const tokens = totalTokens(spend);
    const { maxTokens, maxCostUsd } = this.limits;
    const stopped = this.stopReason !== null;
    return {
      phase: this.phase, nodes, inFlight, bestNodeId: best?.id ?? null, bestScore: best?.score ?? null, startedAt: this.startedAt,
      deadline: this.deadline, budget: this.budgetNow, continuedAsNew: this.continuedAsNew, spend, stopReason: this.stopReason, paused: this.pausedNow,
      used: { wallMs: now - this.startedAt, steps, tokens, costUsd: spend.costUsd },
      left: {
        wallMs: stopped ? 0 : Math.max(0, this.deadline - now),
        steps: stopped ? 0 : Math.max(0, this.budgetNow.maxSteps - steps),
        tokens: maxTokens == null ? null : Math.max(0, maxTokens - tokens),
        costUsd: maxCostUsd == null ? null : Math.max(0, maxCostUsd - spend.costUsd),
      },
      hints: this.hintList.length,
    };
  }

  // Updates: each validator throws to reject (nothing reaches history); each handler changes the state and wakes the loop.

  checkPause(): void {
    this.mustBeSearching('be paused');
    if (this.pausedNow) throw new Error(`run ${this.env.runId} is already paused`);
  }

  pause(): SteerAck {
    this.pausedNow = true;
    return this.ack(`paused run ${this.env.runId}: no new actions start; ${this.env.counts().inFlight} running will finish`);
  }

  checkResume(): void {
    if (!this.pausedNow) throw new Error(`run ${this.env.runId} is not paused`);
    this.mustBeSearching('be resumed');
  }

  resume(): SteerAck {
    this.pausedNow = false;
    return this.ack(`resumed run ${this.env.runId}`);
  }

  checkStop(note?: unknown): void {
    if (note != null && typeof note !== 'string') throw new Error('stop: the reason must be a string');
    if (this.stopReason !== null || this.stopRequested !== null) {
      throw new Error(`run ${this.env.runId} is already stopping (${this.stopReason ?? 'stopped by user'})`);
    }
    if (this.phase !== 'searching') throw new Error(`run ${this.env.runId} is already finishing (${this.phase})`);
  }

  requestStop(note?: string | null): SteerAck {
    const text = note?.trim();
    this.stopRequested = text ? { note: text } : {};
    const inFlight = this.env.counts().inFlight;
    return this.ack(`stopping run ${this.env.runId}: ${inFlight} running action(s) finish, then the final selection and report`);
  }

  checkSetBudget(change: unknown): void {
    validateBudgetChange(change);
    this.mustBeSearching('change its budget');
  }

  setBudget(change: BudgetChange): SteerAck {
    this.budgetNow = { ...this.budgetNow, ...change };
    this.budgetChanged = true;
    return this.ack(`budget of run ${this.env.runId} is now ${describeBudget(this.budgetNow)}`);
  }

  checkHint(text: unknown): void {
    validateHintText(text);
    this.mustBeSearching('take hints');
    if (this.hintList.length >= MAX_HINTS) throw new Error(`run ${this.env.runId} already has ${MAX_HINTS} hints, the most it takes`);
  }

  addHint(text: string): SteerAck {
    const hint: Hint = { id: this.hintList.length + 1, text: text.trim(), at: this.env.now() };
    this.hintList.push(hint);
    return this.ack(`hint ${hint.id} added to run ${this.env.runId}: the next operator calls will see it`);
  }

  // The main loop's side.

  /** Takes up the updates since the loop last looked: a requested stop, a changed budget. */
  react(): Reaction {
    let stopped: StopReason | null = null;
    if (this.stopRequested !== null && this.stopReason === null) {
      this.stopNote = this.stopRequested.note;
      this.stopRequested = null;
      if (this.halt('stopped by user')) stopped = 'stopped by user';
    }
    let maxSteps: number | null = null;
    if (this.budgetChanged) {
      this.budgetChanged = false;
      const limit = this.spendLimit();
      if (limit !== null && this.halt(limit)) stopped = limit;
      // A wall-clock cut into the past is left to the deadline check, like the budget running out.
      if (this.stopReason === null && this.env.now() < this.deadline) maxSteps = this.budgetNow.maxSteps;
    }
    return { stopped, maxSteps };
  }

  /** Records a stop (the first reason wins; it ends a pause); false when the run had already stopped. */
  halt(reason: StopReason): boolean {
    if (this.stopReason !== null) return false;
    this.stopReason = reason;
    this.pausedNow = false;
    return true;
  }

  /** Records the first fatal error; false when there was one already. */
  fail(message: string): boolean {
    if (this.fatalError !== null) return false;
    this.fatalError = message;
    return true;
  }

  /** Adds a node's LLM spend; returns the limit the run's spend has now reached, if any. */
  addSpend(spend: Spend): StopReason | null {
    this.spendNow = addSpend(this.spendNow, spend);
    return this.spendLimit();
  }

  spendLimit(): StopReason | null {
    return spendLimitReached(this.spendNow, this.limits);
  }

  /** True once: at the first look after the wall-clock deadline, which applies paused or not. */
  deadlinePassed(): boolean {
    if (this.pastDeadline || this.env.now() < this.deadline) return false;
    this.pastDeadline = true;
    return true;
  }

  /** Whether a timer should wake the loop at the deadline: not once it has passed. */
  get awaitsDeadline(): boolean {
    return !this.pastDeadline;
  }

  /**
   * Whether started actions may launch. While draining or paused, or once a stop is asked for, new
   * tickets stay in the scheduler started-but-not-launched: resume (or the next execution) launches
   * them, a stop records them as cancelled.
   */
  get mayLaunch(): boolean {
    return !this.draining && !this.pausedNow && this.stopReason === null && this.stopRequested === null;
  }

  /** Drains once Temporal suggests continuing as new, unless the run is stopping anyway. */
  drainIf(suggested: boolean): void {
    if (suggested && this.stopReason === null) this.draining = true;
  }

  /** Drained, not stopping, and nothing running (`busy`): time to continue as new. */
  readyToContinue(busy: boolean): boolean {
    return this.draining && this.stopReason === null && this.stopRequested === null && !busy;
  }

  wake(): void {
    this.changed = true;
  }

  /** The summary's fields that the run's state decides. */
  outcome(): Pick<RunSummary, 'stopReason' | 'elapsedMs' | 'continuedAsNew' | 'spend' | 'error' | 'stopNote' | 'forkedFrom' | 'hints'> {
    return {
      stopReason: this.stopReason ?? 'step budget',
      elapsedMs: this.env.now() - this.startedAt,
      continuedAsNew: this.continuedAsNew,
      spend: this.spendNow,
      ...(this.fatalError === null ? {} : { error: this.fatalError }),
      ...(this.stopNote === undefined ? {} : { stopNote: this.stopNote }),
      ...(this.forkedFrom ? { forkedFrom: this.forkedFrom } : {}),
      hints: this.hintList,
    };
  }

  /** Rejects steering of a run that is no longer searching or already stopping. */
  private mustBeSearching(what: string): void {
    const reason = this.stopReason ?? (this.stopRequested ? 'stopped by user' : null);
    if (this.phase !== 'searching' || reason !== null) {
      throw new Error(`run ${this.env.runId} is finishing (${reason ?? this.phase}): it cannot ${what}`);
    }
  }

  private ack(message: string): SteerAck {
    this.wake();
    return { message, status: this.status() };
  }
}

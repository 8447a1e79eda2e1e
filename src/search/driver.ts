/**
 * The bookkeeping that runs any SearchPolicy with several actions in flight while keeping the
 * determinism rule of policy.ts, and a synchronous in-process driver (runSearch) built on it.
 *
 * The workflow reuses the same pieces around its activities, so it cannot drift from what the tests
 * check here:
 *   const loop = openLoop(policy, carried ?? newSearch(policy, config, { seed, direction }), limits);
 *   launch(begin(loop));                          // fresh start, or resume after continue-as-new
 *   on an activity finishing: loop.scheduler.complete(ticket, fields); launch(commitReady(loop).started);
 *   continue-as-new: carry JSON of snapshotOf(loop); relaunch loop.scheduler.running() in the new run.
 * Everything carried is plain JSON: the graph, the RNG words, the policy state, the scheduler state.
 *
 * Budget: maxNodes caps the nodes a search creates (the root excluded). Once that many actions have
 * been proposed, propose is no longer called; actions already in flight still finish and are
 * committed (their work is paid for), so the search ends with exactly maxNodes nodes and
 * isFinished(loop) turns true. stopProposing(loop) does the same at any moment (the workflow's
 * wall-clock budget).
 *
 * No I/O, no clock, no Math.random, no Temporal imports.
 */
import { addNode, checkParents, createGraph, type NewNode, type SolutionGraph } from './graph.js';
import type { SearchPolicy } from './policy.js';
import { Rng, createRng, type RngState } from './rng.js';
import { fullRecord, isArchived, type Action, type Direction, type GraphNode, type NodeRecord, type TestGrade } from '../core/node.js';

/** A finished action's node, less what the action already says (parents, operator). */
export type NodeFields = Omit<NewNode, 'parents' | 'operator'>;

/** A started action; its ticket is the id its node will get. */
export interface Ticketed {
  ticket: number;
  action: Action;
}

/** A finished action whose node waits for every earlier ticket to be committed. */
export interface Finished extends Ticketed {
  fields: NodeFields;
}

/** The scheduler's whole state, plain JSON. Tickets in [nextCommit, nextTicket) are each in exactly one list. */
export interface SchedulerState {
  /** The ticket (node id) the next started action gets. */
  nextTicket: number;
  /** The ticket to commit next; equals graph.nodes.length, i.e. the count of committed nodes. */
  nextCommit: number;
  /** Started, not finished, in ticket order. */
  running: Ticketed[];
  /** Finished but not committed yet (an earlier ticket is still running), in ticket order. */
  finished: Finished[];
}

function isTicket(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Tickets and in-order commits. It works on the SchedulerState it is given, in place (like addNode on
 * a graph), so `scheduler.state` is always the current plain data to carry.
 */
export class Scheduler {
  /** A scheduler whose first action will become node `firstTicket` (graph.nodes.length). */
  static fresh(firstTicket: number): Scheduler {
    return new Scheduler({ nextTicket: firstTicket, nextCommit: firstTicket, running: [], finished: [] });
  }

  /** Wraps carried state; throws a RangeError if it is inconsistent (a hand-edited or truncated carry). */
  constructor(readonly state: SchedulerState) {
    const { nextTicket, nextCommit, running, finished } = state;
    if (!isTicket(nextTicket) || !isTicket(nextCommit) || nextCommit > nextTicket) {
      throw new RangeError(`bad scheduler tickets: nextCommit ${nextCommit}, nextTicket ${nextTicket}`);
    }
    const seen = [...running, ...finished].map((t) => t.ticket).sort((a, b) => a - b);
    const expected = Array.from({ length: nextTicket - nextCommit }, (_, i) => nextCommit + i);
    if (seen.length !== expected.length || seen.some((t, i) => t !== expected[i])) {
      throw new RangeError(`scheduler tickets ${seen.join(',')} do not cover ${nextCommit}..${nextTicket - 1}`);
    }
  }

  /** Actions proposed and not yet committed (running or buffered); they hold their slots. */
  get uncommitted(): number {
    return this.state.nextTicket - this.state.nextCommit;
  }

  /** Starts an action and returns its ticket, the id its node will get. */
  start(action: Action): number {
    const ticket = this.state.nextTicket;
    this.state.running.push({ ticket, action: { op: action.op, parents: [...action.parents] } });
    this.state.nextTicket = ticket + 1;
    return ticket;
  }

  /** Records a finished action. Order does not matter; each running ticket completes exactly once. */
  complete(ticket: number, fields: NodeFields): void {
    const at = this.state.running.findIndex((t) => t.ticket === ticket);
    if (at < 0) throw new RangeError(`ticket ${ticket} is not running`);
    const [entry] = this.state.running.splice(at, 1) as [Ticketed];
    const finished = this.state.finished;
    let i = finished.length;
    while (i > 0 && (finished[i - 1] as Finished).ticket > ticket) i--;
    finished.splice(i, 0, { ...entry, fields });
  }

  /**
   * The next result to commit, removed from the buffer, or null while the next ticket still runs.
   * One at a time on purpose: the driver must observe and propose after each commit, and a batch
   * would free several slots at once, making the slot count depend on timing.
   */
  takeCommittable(): Finished | null {
    const head = this.state.finished[0];
    if (head === undefined || head.ticket !== this.state.nextCommit) return null;
    this.state.finished.shift();
    this.state.nextCommit += 1;
    return head;
  }

  /** Uncommitted actions in ticket order: what a policy sees as in flight. */
  pending(): Action[] {
    const out = new Array<Action>(this.uncommitted);
    for (const t of this.state.running) out[t.ticket - this.state.nextCommit] = t.action;
    for (const t of this.state.finished) out[t.ticket - this.state.nextCommit] = t.action;
    return out;
  }

  /** Started and unfinished: the activities to (re)launch after continue-as-new. */
  running(): readonly Ticketed[] {
    return this.state.running;
  }
}

/** Everything a search carries across continue-as-new. JSON-serialise it as is. */
export interface SearchSnapshot<S> {
  graph: SolutionGraph;
  rng: RngState;
  policyState: S;
  scheduler: SchedulerState;
}

export interface SearchLimits {
  /** Most actions proposed and not yet committed at once (>= 1). */
  parallelism: number;
  /** Most nodes the search creates, the root excluded (>= 0). */
  maxNodes: number;
}

/** A live search: the snapshot's objects (mutated in place) plus the policy and limits. */
export interface SearchLoop<S, C> extends SearchLimits {
  readonly policy: SearchPolicy<S, C>;
  readonly graph: SolutionGraph;
  readonly state: S;
  readonly rng: Rng;
  readonly scheduler: Scheduler;
}

/** A fresh search: root-only graph, RNG from the seed, the policy's initial state, no tickets. */
export function newSearch<S, C>(
  policy: SearchPolicy<S, C>,
  config: C,
  options: { seed: number; direction: Direction; createdAt?: number },
): SearchSnapshot<S> {
  const graph = createGraph(options.direction, options.createdAt ?? 0);
  return {
    graph,
    rng: createRng(options.seed),
    policyState: policy.init(config),
    scheduler: Scheduler.fresh(graph.nodes.length).state,
  };
}

/**
 * A search that starts from an earlier search's nodes 1..k (a fork): they keep their ids, parents,
 * code refs and scores, and the first new action gets id k + 1. The RNG starts from the seed; the
 * policy state is rebuilt from the graph by the policy's `fromGraph`, and a policy without one cannot
 * be forked (the error says so). Throws a RangeError unless the nodes are exactly 1..k in order with
 * parents among earlier nodes, each a full record.
 */
export function forkSearch<S, C>(
  policy: SearchPolicy<S, C>,
  config: C,
  nodes: readonly GraphNode[],
  options: { seed: number; direction: Direction; createdAt?: number },
): SearchSnapshot<S> {
  if (policy.fromGraph === undefined) {
    throw new RangeError(`the ${policy.kind} policy cannot start from an existing graph: its state is not in the graph (fork with a greedy agent)`);
  }
  const graph = createGraph(options.direction, options.createdAt ?? 0);
  nodes.forEach((n, i) => {
    if (n.id !== i + 1 || n.operator === 'root') {
      throw new RangeError(`fork: the nodes must be 1..${nodes.length} in order, without the root; got node ${n.id} (${n.operator}) at position ${i + 1}`);
    }
    // Full records only (fullRecord throws for an archived one): a fork reads them back from the archive first.
    addNode(graph, { ...fullRecord(n), operator: n.operator });
  });
  return {
    graph,
    rng: createRng(options.seed),
    policyState: policy.fromGraph(config, graph),
    scheduler: Scheduler.fresh(graph.nodes.length).state,
  };
}

/** Opens a snapshot for driving. The loop shares the snapshot's graph, policy state and scheduler state. */
export function openLoop<S, C>(policy: SearchPolicy<S, C>, snapshot: SearchSnapshot<S>, limits: SearchLimits): SearchLoop<S, C> {
  if (!Number.isInteger(limits.parallelism) || limits.parallelism < 1) {
    throw new RangeError(`parallelism must be an integer >= 1, got ${limits.parallelism}`);
  }
  if (!Number.isInteger(limits.maxNodes) || limits.maxNodes < 0) {
    throw new RangeError(`maxNodes must be an integer >= 0, got ${limits.maxNodes}`);
  }
  const scheduler = new Scheduler(snapshot.scheduler);
  if (scheduler.state.nextCommit !== snapshot.graph.nodes.length) {
    throw new RangeError(
      `scheduler commits node ${scheduler.state.nextCommit} next, but the graph has ${snapshot.graph.nodes.length} nodes`,
    );
  }
  return {
    policy,
    graph: snapshot.graph,
    state: snapshot.policyState,
    rng: new Rng(snapshot.rng),
    scheduler,
    parallelism: limits.parallelism,
    maxNodes: limits.maxNodes,
  };
}

/** The loop's current state as plain data (live references: JSON-serialise it to carry it). */
export function snapshotOf<S, C>(loop: SearchLoop<S, C>): SearchSnapshot<S> {
  return { graph: loop.graph, rng: loop.rng.state, policyState: loop.state, scheduler: loop.scheduler.state };
}

/** Nodes proposed so far (the root excluded); the budget counts these. */
function proposedNodes<S, C>(loop: SearchLoop<S, C>): number {
  return loop.scheduler.state.nextTicket - 1;
}

/** How many actions may start now: parallelism and budget, less the uncommitted ones. */
export function freeSlots<S, C>(loop: SearchLoop<S, C>): number {
  const byParallelism = loop.parallelism - loop.scheduler.uncommitted;
  const byBudget = loop.maxNodes - proposedNodes(loop);
  return Math.max(0, Math.min(byParallelism, byBudget));
}

/**
 * Asks the policy for up to freeSlots actions and starts them. Called by begin and after each commit,
 * never otherwise (the determinism rule). Throws if the policy over-fills, proposes an action whose
 * parents are not committed nodes of the right kind, or stalls (nothing proposed, nothing in flight).
 */
function fillSlots<S, C>(loop: SearchLoop<S, C>): Ticketed[] {
  const slots = freeSlots(loop);
  if (slots === 0) return [];
  const actions = loop.policy.propose({
    state: loop.state,
    graph: loop.graph,
    rng: loop.rng,
    inFlight: loop.scheduler.pending(),
    slots,
  });
  if (actions.length > slots) {
    throw new RangeError(`${loop.policy.kind} proposed ${actions.length} actions for ${slots} slot(s)`);
  }
  const started: Ticketed[] = [];
  for (const action of actions) {
    checkParents(loop.graph, action.op, action.parents, loop.scheduler.state.nextTicket);
    const ticket = loop.scheduler.start(action);
    started.push({ ticket, action: { op: action.op, parents: [...action.parents] } });
  }
  if (loop.scheduler.uncommitted === 0) {
    throw new Error(`${loop.policy.kind} proposed nothing with nothing in flight: the search would wait forever`);
  }
  return started;
}

/**
 * Proposes the first actions of a fresh search, or of a resumed one that carried nothing in flight
 * (e.g. a larger budget after it ran out). With uncommitted actions it does nothing: the proposals
 * for the last commit were already made before continue-as-new, and asking again would break the
 * determinism rule.
 */
export function begin<S, C>(loop: SearchLoop<S, C>): Ticketed[] {
  return loop.scheduler.uncommitted === 0 ? fillSlots(loop) : [];
}

/** Commits the next buffered result if it is the next ticket: add the node, observe it, refill slots. */
export function commitNext<S, C>(loop: SearchLoop<S, C>): { node: NodeRecord; started: Ticketed[] } | null {
  const entry = loop.scheduler.takeCommittable();
  if (entry === null) return null;
  const node = addNode(loop.graph, { ...entry.fields, parents: entry.action.parents, operator: entry.action.op });
  loop.policy.observe({ state: loop.state, graph: loop.graph, node, action: entry.action });
  return { node, started: fillSlots(loop) };
}

/** commitNext until the next ticket is still running; returns every node committed and action started. */
export function commitReady<S, C>(loop: SearchLoop<S, C>): { committed: NodeRecord[]; started: Ticketed[] } {
  const committed: NodeRecord[] = [];
  const started: Ticketed[] = [];
  for (let step = commitNext(loop); step !== null; step = commitNext(loop)) {
    committed.push(step.node);
    started.push(...step.started);
  }
  return { committed, started };
}

/**
 * Records a node's hidden test score after its action finished: on the committed node, or on its
 * buffered result while an earlier ticket still runs. The workflow grades off the critical path
 * (agentRun), so the score can arrive before or after the commit; the policy never reads it.
 */
export function recordTestScore<S, C>(loop: SearchLoop<S, C>, ticket: number, testScore: number | null, testGrade: TestGrade | null = null): void {
  if (!Number.isSafeInteger(ticket) || ticket < 1) throw new RangeError(`ticket ${ticket} is not a node's ticket (the root is never graded)`);
  if (ticket < loop.scheduler.state.nextCommit) {
    const node = loop.graph.nodes[ticket];
    if (node === undefined) throw new RangeError(`node ${ticket} is not in the graph`);
    node.testScore = testScore;
    // An archived node keeps only what search reads; its verdict is in the run's archive if it was graded in time.
    if (!isArchived(node)) node.testGrade = testGrade;
    return;
  }
  const entry = loop.scheduler.state.finished.find((f) => f.ticket === ticket);
  if (entry === undefined) throw new RangeError(`ticket ${ticket} has not finished`);
  entry.fields = { ...entry.fields, testScore, testGrade };
}

/** Ends proposing now (e.g. the wall-clock budget ran out); in-flight actions still finish and commit. */
export function stopProposing<S, C>(loop: SearchLoop<S, C>): void {
  loop.maxNodes = proposedNodes(loop);
}

/**
 * Sets the step budget while the search runs (the workflow's `setBudget` update) and, when that frees
 * slots, proposes into them at once. A raise therefore takes effect even when every slot was waiting on
 * the budget (or nothing was in flight any more); a cut below what was proposed stops proposing, and
 * in-flight actions still finish. This is the one proposal outside begin and commits: it follows a
 * human's request, whose timing already shapes the graph, so the determinism rule does not apply to it.
 */
export function setMaxNodes<S, C>(loop: SearchLoop<S, C>, maxNodes: number): Ticketed[] {
  if (!Number.isInteger(maxNodes) || maxNodes < 1) throw new RangeError(`maxNodes must be an integer >= 1, got ${maxNodes}`);
  loop.maxNodes = Math.max(maxNodes, proposedNodes(loop));
  return fillSlots(loop);
}

/** True once nothing is in flight or buffered; then nothing more will be proposed. */
export function isFinished<S, C>(loop: SearchLoop<S, C>): boolean {
  return loop.scheduler.uncommitted === 0;
}

/** A scripted environment's verdict on one action: what an execution would have reported. */
export interface NodeOutcome {
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  plan?: string;
  testScore?: number | null;
}

export interface RunOptions extends SearchLimits {
  seed: number;
  direction: Direction;
  /**
   * The scripted environment. Called once per action, right after it is proposed, with the graph of
   * committed nodes at that moment (the action's parents are in it).
   */
  outcome: (action: Action, nodeId: number, graph: SolutionGraph) => NodeOutcome;
}

export interface RunResult<S> {
  graph: SolutionGraph;
  state: S;
  rng: RngState;
}

/** A scripted outcome as node fields: no code, no execution record, createdAt 0 (search reads no clock). */
export function outcomeFields(outcome: NodeOutcome): NodeFields {
  return {
    plan: outcome.plan ?? '',
    codeRef: null,
    score: outcome.score,
    buggy: outcome.buggy,
    bugReason: outcome.bugReason,
    testScore: outcome.testScore ?? null,
    exec: null,
    createdAt: 0,
    llm: null,
  };
}

/**
 * Runs a whole search in process with synchronous outcomes, through exactly the bookkeeping the
 * workflow uses. Each action "finishes" as soon as it starts, so commits happen in ticket order with
 * no buffering; the determinism rule makes that equivalent to any completion order.
 */
export function runSearch<S, C>(policy: SearchPolicy<S, C>, config: C, options: RunOptions): RunResult<S> {
  const loop = openLoop(policy, newSearch(policy, config, options), options);
  const settle = (started: readonly Ticketed[]): void => {
    for (const { ticket, action } of started) {
      loop.scheduler.complete(ticket, outcomeFields(options.outcome(action, ticket, loop.graph)));
    }
  };
  settle(begin(loop));
  while (!isFinished(loop)) {
    const step = commitNext(loop);
    // Unreachable: every started action is completed at once, so the next ticket is always buffered.
    if (step === null) throw new Error('runSearch: the next ticket never finished');
    settle(step.started);
  }
  return { graph: loop.graph, state: loop.state, rng: loop.rng.state };
}

/**
 * The one interface behind every search policy (Greedy, MCTS, Evolutionary), so the workflow and the
 * in-process driver run any of them the same way and never know which one it is.
 *
 * A policy is a plain object of three functions over a plain JSON state. The state is the policy's
 * whole memory (MCTS visit counts, the evolutionary population and generation, pending expansions):
 * it is carried across continue-as-new as is, so a resumed run loses nothing (aira-dojo loses MCTS
 * visits and restarts evolution at generation 0 on resume). Policies do no I/O, read no clock, and
 * draw randomness only from the Rng they are handed.
 *
 * Determinism rule (what makes parallel branches reproducible). The driver (driver.ts, and the
 * workflow through the same Scheduler bookkeeping):
 *  1. gives every proposed action a ticket, in proposal order; the ticket is the id its node will get,
 *     so node ids equal proposal order;
 *  2. commits finished actions strictly in ticket order: a result that arrives early is buffered
 *     until every earlier ticket has been committed; committing = add the node to the graph, then
 *     `observe` it;
 *  3. calls `propose` only right after a commit (and once when a search begins), with
 *     `slots = min(parallelism, budget left) - actions proposed but not yet committed`; buffered
 *     results still hold their slot until they are committed.
 * Every call to propose or observe therefore sees the same graph, state and RNG position whatever
 * the completion order, so the graph and every decision depend only on the seed and the outcomes,
 * never on timing, for all three policies. The cost: slots stay idle while an earlier action is
 * still running and later ones have finished. (Parallelism itself is part of the input: runs with
 * parallelism 1 and 4 may differ; the same parallelism and seed always give the same graph.)
 */
import type { SolutionGraph } from './graph.js';
import type { Rng } from './rng.js';
import type { Action, NodeRecord } from '../core/node.js';

export type PolicyKind = 'greedy' | 'mcts' | 'evolutionary';

export interface ProposeContext<S> {
  /** The policy's state; propose may mutate it (e.g. to record an expansion it starts). */
  state: S;
  /** Committed nodes only. Every parent of a proposed action must already be here. */
  graph: SolutionGraph;
  rng: Rng;
  /** Actions proposed earlier and not yet committed (running or buffered), in proposal order. */
  inFlight: readonly Action[];
  /** How many actions may start now; at least 1 whenever propose is called. */
  slots: number;
}

export interface ObserveContext<S> {
  state: S;
  graph: SolutionGraph;
  /** The finished action's node, already added to the graph (node.id is its ticket). */
  node: NodeRecord;
  action: Action;
}

export interface SearchPolicy<S, C> {
  readonly kind: PolicyKind;
  /** A fresh state from a config: plain JSON, carried across continue-as-new. Throws on a bad config. */
  init(config: C): S;
  /**
   * Up to `slots` actions to start now, in the order they should get node ids. [] means "wait for the
   * in-flight ones"; returning [] while nothing is in flight is a stall, and the driver throws.
   */
  propose(ctx: ProposeContext<S>): Action[];
  /** A finished action's node, already in the graph: update the state in place. */
  observe(ctx: ObserveContext<S>): void;
  /**
   * The state of a search that starts from an existing graph (a fork, driver.ts forkSearch), rebuilt
   * from the graph alone. Absent for a policy whose memory is not in the graph (MCTS visits and closed
   * nodes, the evolutionary population and generation): such a policy cannot start from a fork.
   */
  fromGraph?(config: C, graph: SolutionGraph): S;
}

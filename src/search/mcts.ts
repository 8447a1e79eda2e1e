/**
 * MCTS as aira-dojo's MCTS solver does it (docs/architecture.md "Search policies"), behind the SearchPolicy
 * interface and with its defects fixed.
 *
 * - Select: from the root, descend to the child with the highest
 *   UCT = norm(Q) + c·sqrt(ln N_parent / n_child), Q = value / visits, until a node has no live child.
 *   norm is min-max over the raw scores of all good nodes in the graph (0.5 when max == min),
 *   direction-aware: for minimize, the lowest raw score normalises to 1. Ties go to the earliest node.
 * - Expand: the selected node gets numChildren children, Draft at the root and Improve elsewhere. They
 *   are proposed together, so with parallelism they run concurrently.
 * - Debug: a buggy child gets a chain of up to maxDebugDepth Debug attempts, stopping at the first good
 *   node (debugChains.ts); chains of different children run concurrently.
 * - Back up: a good child adds its raw validation score to every node on root → … → selected → child
 *   (visits += 1, value += score); a fixed chain adds the fix's score along the path plus the whole
 *   chain (buggy child, each attempt, the fix). No rollouts.
 * - The next selection happens only once the whole expansion (every child and every debug chain) has
 *   resolved, so each selection sees all results of the previous one whatever the parallelism.
 * - The answer is the best validation node (graph.bestNode), not the most visited one.
 * Visit counts, values, closed nodes and the expansion in progress are plain arrays in the state, so
 * continue-as-new keeps them (aira-dojo rebuilds plain nodes on resume and loses them). MCTS draws
 * nothing from the RNG: UCT is deterministic.
 *
 * Unvisited children (the decision). Every child is evaluated as soon as it exists and a good result
 * is backed up at once, so once an expansion has resolved, a child with no visits is not "unknown" as
 * in textbook MCTS: it is a dead branch, a buggy child whose debug chain ended without a fix. The
 * textbook rule (unvisited first, UCT = +∞) would walk into that dead chain every time and Improve a
 * buggy node. aira-dojo's −1e8 avoids that only while a live sibling exists: when every child of a
 * node died, argmax over equal −1e8 picks the first dead child and the search descends into it. So
 * Crucible excludes unvisited children from selection altogether, and:
 * - a node with no live child is where selection stops, and it is expanded (again), provided it is
 *   the root or improvable (improvable.ts). One that is not (buggy, at the metric's optimum, stalled)
 *   is passed over like a closed node, for this selection. A buggy node can be on the path: a fixed
 *   debug chain backs up visits along its buggy members, and once the fix is closed, selection would
 *   otherwise stop at the buggy node above it and Improve it. Debug is the only operator on a buggy node;
 * - an expansion that produced nothing good closes the node it expanded (unless it is the root):
 *   a closed node is not selectable either, so selection backtracks to its parent, which then either
 *   prefers another live child or, having none, is expanded again itself. Without closing, nothing
 *   would change after a dead expansion and the deterministic selection would return to the same node
 *   forever, spending the whole budget on it. The root is never closed: a dead round of drafts is
 *   followed by another round.
 */
import { ROOT_ID, childIds, goodScoreRange, isGood, type SolutionGraph } from './graph.js';
import { DEFAULT_IMPROVE_PATIENCE, improveLimitsOf, isImprovable, type ImproveLimits } from './improvable.js';
import { extendChain, noChains, openChain, takeDebug, type DebugChains } from './debugChains.js';
import type { SearchPolicy } from './policy.js';
import type { Action, Direction, NodeCore } from '../core/node.js';

export interface MctsConfig extends ImproveLimits {
  /** Exploration constant c of UCT. */
  uctC: number;
  /** Children per expansion. */
  numChildren: number;
  /** Debug attempts per buggy child. */
  maxDebugDepth: number;
}

/** aira-dojo's released MCTS config (exp AIRA_C_025_o3). */
export const MCTS_DEFAULTS: Readonly<MctsConfig> = Object.freeze({
  uctC: 0.25, numChildren: 5, maxDebugDepth: 20, optimum: null, improvePatience: DEFAULT_IMPROVE_PATIENCE,
});

/** One expansion in progress. */
export interface MctsExpansion {
  /** Root … selected node; its children are being created. */
  path: number[];
  /** Children not proposed yet. */
  childrenLeft: number;
  /** Proposed actions (children and debugs) not observed yet. */
  open: number;
  /** Whether any child (or fix) has been backed up; a node whose expansion backed up nothing is closed. */
  backedUp: boolean;
  debug: DebugChains;
}

export interface MctsState {
  config: MctsConfig;
  /** Visit counts by node id, dense (0 when never backed up). */
  visits: number[];
  /** Sums of backed-up raw scores by node id, dense. */
  values: number[];
  /** Nodes whose last expansion produced nothing good, in closing order; never selected again. */
  closed: number[];
  expansion: MctsExpansion | null;
}

export interface ScoreRange {
  min: number;
  max: number;
}

/** Min and max raw score over good nodes; null when none is good. */
export function scoreRange(graph: SolutionGraph): ScoreRange | null {
  return goodScoreRange(graph);
}

/** A raw score (or mean) mapped to [0, 1], 1 = best in this direction; 0.5 when the range is a point. */
export function normalise(q: number, range: ScoreRange | null, direction: Direction): number {
  if (range === null || range.max === range.min) return 0.5;
  const span = range.max - range.min;
  return direction === 'maximize' ? (q - range.min) / span : (range.max - q) / span;
}

/** UCT of a visited child: norm(value / visits) + c·sqrt(ln parentVisits / visits). */
export function uct(
  value: number,
  visits: number,
  parentVisits: number,
  range: ScoreRange | null,
  c: number,
  direction: Direction,
): number {
  return normalise(value / visits, range, direction) + c * Math.sqrt(Math.log(parentVisits) / visits);
}

const visitsOf = (state: MctsState, id: number): number => state.visits[id] ?? 0;

/**
 * The selection path: root … the node to expand. Descends through live children (visited, not
 * closed) by highest UCT, first on ties; stops at a node with no live child when it is the root or
 * improvable, and otherwise backs up to its parent, passing it over from then on.
 */
export function selectPath(graph: SolutionGraph, state: MctsState): number[] {
  // Closed nodes, and the ones this selection passed over.
  const closed = new Set(state.closed);
  const range = scoreRange(graph);
  const path = [ROOT_ID];
  for (;;) {
    const at = path[path.length - 1] as number;
    let best = -1;
    let bestUct = -Infinity;
    for (const child of childIds(graph, at)) {
      const n = visitsOf(state, child);
      if (n === 0 || closed.has(child)) continue;
      const score = uct(state.values[child] ?? 0, n, visitsOf(state, at), range, state.config.uctC, graph.direction);
      if (best < 0 || score > bestUct) {
        best = child;
        bestUct = score;
      }
    }
    if (best >= 0) path.push(best);
    else if (at === ROOT_ID || isImprovable(graph, graph.nodes[at] as NodeCore, state.config)) return path;
    else {
      closed.add(at);
      path.pop();
    }
  }
}

function backUp(state: MctsState, ids: readonly number[], score: number): void {
  for (const id of ids) {
    state.visits[id] = visitsOf(state, id) + 1;
    state.values[id] = (state.values[id] ?? 0) + score;
  }
}

function checkMctsConfig(config: MctsConfig): void {
  const { uctC, numChildren, maxDebugDepth } = config;
  if (!(Number.isFinite(uctC) && uctC >= 0)) throw new RangeError(`uctC must be finite and >= 0, got ${uctC}`);
  if (!Number.isInteger(numChildren) || numChildren < 1) {
    throw new RangeError(`numChildren must be an integer >= 1, got ${numChildren}`);
  }
  if (!Number.isInteger(maxDebugDepth) || maxDebugDepth < 0) {
    throw new RangeError(`maxDebugDepth must be an integer >= 0, got ${maxDebugDepth}`);
  }
}

export const mctsPolicy: SearchPolicy<MctsState, MctsConfig> = {
  kind: 'mcts',

  init(config) {
    checkMctsConfig(config);
    return {
      config: { uctC: config.uctC, numChildren: config.numChildren, maxDebugDepth: config.maxDebugDepth, ...improveLimitsOf(config) },
      visits: [0],
      values: [0],
      closed: [],
      expansion: null,
    };
  },

  propose({ state, graph, slots }) {
    if (state.expansion === null) {
      state.expansion = {
        path: selectPath(graph, state),
        childrenLeft: state.config.numChildren,
        open: 0,
        backedUp: false,
        debug: noChains(),
      };
    }
    const e = state.expansion;
    const leaf = e.path[e.path.length - 1] as number;
    const out: Action[] = [];
    while (out.length < slots) {
      // Debugs first: they finish chains, which is what the next selection waits for.
      const debug = takeDebug(e.debug);
      if (debug !== null) out.push(debug);
      else if (e.childrenLeft > 0) {
        out.push(leaf === ROOT_ID ? { op: 'draft', parents: [ROOT_ID] } : { op: 'improve', parents: [leaf] });
        e.childrenLeft -= 1;
      } else break;
      e.open += 1;
    }
    return out;
  },

  observe({ state, node, action }) {
    while (state.visits.length <= node.id) {
      state.visits.push(0);
      state.values.push(0);
    }
    const e = state.expansion;
    if (e === null || e.open < 1) throw new RangeError(`mcts observed node ${node.id}, which it is not waiting for`);
    e.open -= 1;
    const { maxDebugDepth } = state.config;
    if (action.op === 'debug') {
      const step = extendChain(e.debug, node, maxDebugDepth);
      if (step.status === 'fixed') {
        backUp(state, [...e.path, ...step.chain], node.score as number);
        e.backedUp = true;
      }
    } else {
      const leaf = e.path[e.path.length - 1];
      if (node.parents[0] !== leaf) throw new RangeError(`mcts observed node ${node.id}, not a child of ${leaf}`);
      if (isGood(node)) {
        backUp(state, [...e.path, node.id], node.score);
        e.backedUp = true;
      } else openChain(e.debug, node, maxDebugDepth);
    }
    if (e.childrenLeft === 0 && e.open === 0 && e.debug.queue.length === 0) {
      const leaf = e.path[e.path.length - 1] as number;
      if (!e.backedUp && leaf !== ROOT_ID) state.closed.push(leaf);
      state.expansion = null;
    }
  },
};

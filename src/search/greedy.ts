/**
 * Greedy (AIDE-style) search policy, as AIDE's `search_policy` and aira-dojo's Greedy solver do it:
 * draft until numDrafts drafts exist; then with probability debugProb debug a uniformly random buggy
 * leaf whose debug depth <= maxDebugDepth (if any); otherwise improve the best good node, or draft when
 * there is none. Unlike them, the node improved is the best improvable one (improvable.ts): a node at
 * the metric's optimum or one that has stalled is passed over for the next best, and when every good
 * node is, greedy drafts (before, the demo's run spent 140 of its 153 steps improving a node already at AUC 1.0).
 *
 * greedyPolicy runs the same rule behind the SearchPolicy interface, with several actions in flight:
 * each slot is filled by the same choice, counting proposed-but-uncommitted drafts toward numDrafts and
 * never debugging a leaf that already has a debug in flight (its outcome would decide whether a second
 * one is needed). Several improvements of the best node may run at once: they are independent samples
 * of the same step, which is the point of running them in parallel. With parallelism 1 nothing is ever
 * in flight when it proposes, so it makes exactly greedyNext's choices with the same RNG draws.
 */
import { ROOT_ID, bestGoodWhere, buggyLeaves, draftCount, type SolutionGraph } from './graph.js';
import { DEFAULT_IMPROVE_PATIENCE, improveLimitsOf, isImprovable, type ImproveLimits } from './improvable.js';
import type { SearchPolicy } from './policy.js';
import type { Rng } from './rng.js';
import type { Action } from '../core/node.js';

export interface GreedyConfig extends ImproveLimits {
  numDrafts: number;
  /** Probability of trying Debug on a step after the drafting phase. */
  debugProb: number;
  /** A buggy leaf is debuggable while its own debugDepth <= this, so debug nodes reach depth max + 1 at most. */
  maxDebugDepth: number;
}

/** aira-dojo's released Greedy config: always debug while a debuggable leaf exists. */
export const AIRA_GREEDY: Readonly<GreedyConfig> = Object.freeze({
  numDrafts: 5, debugProb: 1.0, maxDebugDepth: 20, optimum: null, improvePatience: DEFAULT_IMPROVE_PATIENCE,
});

/** AIDE's defaults (aide/utils/config.yaml). */
export const AIDE_GREEDY: Readonly<GreedyConfig> = Object.freeze({
  numDrafts: 5, debugProb: 0.5, maxDebugDepth: 3, optimum: null, improvePatience: DEFAULT_IMPROVE_PATIENCE,
});

/**
 * The next action. RNG use is fixed so that runs stay aligned and replays exact: no draw while
 * drafting; after that exactly one draw for the debug coin on every call (even when debugProb is 0 or 1,
 * or no leaf is debuggable, as AIDE does), plus one more to pick the leaf only when debugging.
 */
export function greedyNext(graph: SolutionGraph, rng: Rng, config: GreedyConfig): Action {
  return greedyChoice(graph, rng, config, []);
}

/** greedyNext, aware of actions proposed but not yet in the graph (same draws as greedyNext). */
function greedyChoice(graph: SolutionGraph, rng: Rng, config: GreedyConfig, pending: readonly Action[]): Action {
  const pendingDrafts = pending.reduce((n, a) => n + (a.op === 'draft' ? 1 : 0), 0);
  if (draftCount(graph) + pendingDrafts < config.numDrafts) return { op: 'draft', parents: [ROOT_ID] };

  if (rng.next() < config.debugProb) {
    const busy = new Set(pending.filter((a) => a.op === 'debug').map((a) => a.parents[0]));
    const debuggable = buggyLeaves(graph).filter((n) => n.debugDepth <= config.maxDebugDepth && !busy.has(n.id));
    if (debuggable.length > 0) return { op: 'debug', parents: [rng.pick(debuggable).id] };
  }

  const best = bestGoodWhere(graph, (n) => isImprovable(graph, n, config));
  return best === null ? { op: 'draft', parents: [ROOT_ID] } : { op: 'improve', parents: [best.id] };
}

/** Greedy keeps no memory between steps: its state is its config. */
export interface GreedyState {
  config: GreedyConfig;
}

function checkGreedyConfig(config: GreedyConfig): void {
  const { numDrafts, debugProb, maxDebugDepth } = config;
  if (!Number.isInteger(numDrafts) || numDrafts < 0) throw new RangeError(`numDrafts must be an integer >= 0, got ${numDrafts}`);
  if (!(debugProb >= 0 && debugProb <= 1)) throw new RangeError(`debugProb must be in [0, 1], got ${debugProb}`);
  if (!Number.isInteger(maxDebugDepth) || maxDebugDepth < 0) {
    throw new RangeError(`maxDebugDepth must be an integer >= 0, got ${maxDebugDepth}`);
  }
}

/** Greedy behind the SearchPolicy interface. It always fills every slot, so it never waits. */
export const greedyPolicy: SearchPolicy<GreedyState, GreedyConfig> = {
  kind: 'greedy',
  init(config) {
    checkGreedyConfig(config);
    return { config: { numDrafts: config.numDrafts, debugProb: config.debugProb, maxDebugDepth: config.maxDebugDepth, ...improveLimitsOf(config) } };
  },
  propose({ state, graph, rng, inFlight, slots }) {
    const pending = [...inFlight];
    const out: Action[] = [];
    while (out.length < slots) {
      const action = greedyChoice(graph, rng, state.config, pending);
      out.push(action);
      pending.push(action);
    }
    return out;
  },
  observe() {
    // Stateless: every choice is read off the graph.
  },
  fromGraph(config) {
    // Its state is its config: a graph from elsewhere needs nothing rebuilt.
    return greedyPolicy.init(config);
  },
};

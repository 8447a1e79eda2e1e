/**
 * Greedy (AIDE-style) search policy, as AIDE's `search_policy` and aira-dojo's Greedy solver do it:
 * draft until numDrafts drafts exist; then with probability debugProb debug a uniformly random buggy
 * leaf whose debug depth <= maxDebugDepth (if any); otherwise improve the best good node, or draft when
 * there is none.
 */
import { ROOT_ID, bestNode, buggyLeaves, draftNodes, type SolutionGraph } from './graph.js';
import type { Rng } from './rng.js';
import type { Action } from './types.js';

export interface GreedyConfig {
  numDrafts: number;
  /** Probability of trying Debug on a step after the drafting phase. */
  debugProb: number;
  /** A buggy leaf is debuggable while its own debugDepth <= this, so debug nodes reach depth max + 1 at most. */
  maxDebugDepth: number;
}

/** aira-dojo's released Greedy config: always debug while a debuggable leaf exists. */
export const AIRA_GREEDY: Readonly<GreedyConfig> = Object.freeze({ numDrafts: 5, debugProb: 1.0, maxDebugDepth: 20 });

/** AIDE's defaults (aide/utils/config.yaml). */
export const AIDE_GREEDY: Readonly<GreedyConfig> = Object.freeze({ numDrafts: 5, debugProb: 0.5, maxDebugDepth: 3 });

/**
 * The next action. RNG use is fixed so that runs stay aligned and replays exact: no draw while
 * drafting; after that exactly one draw for the debug coin on every call (even when debugProb is 0 or 1,
 * or no leaf is debuggable, as AIDE does), plus one more to pick the leaf only when debugging.
 */
export function greedyNext(graph: SolutionGraph, rng: Rng, config: GreedyConfig): Action {
  if (draftNodes(graph).length < config.numDrafts) return { op: 'draft', parents: [ROOT_ID] };

  if (rng.next() < config.debugProb) {
    const debuggable = buggyLeaves(graph).filter((n) => n.debugDepth <= config.maxDebugDepth);
    if (debuggable.length > 0) return { op: 'debug', parents: [rng.pick(debuggable).id] };
  }

  const best = bestNode(graph);
  return best === null ? { op: 'draft', parents: [ROOT_ID] } : { op: 'improve', parents: [best.id] };
}

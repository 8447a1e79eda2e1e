/**
 * Which nodes Improve may take, the one rule every policy asks before proposing it (issue 17). A node
 * is improvable when it is good (never buggy: Debug is the only operator on a buggy node), below the
 * metric's optimum (nothing beats a node there, so an Improve could only repeat it), and not stalled:
 * its last `improvePatience` Improve children, in id order, include none that beat it (a buggy child
 * counts as one that did not). A policy passes over a node that is not improvable and improves the
 * next one it would choose, or drafts.
 *
 * Both limits may be absent where a config or a carried policy state was recorded before they existed
 * (a run started by older code, replayed or continued): absent means no limit, as it did then.
 */
import { childIds, isBetter, isGood, isUsableScore, type SolutionGraph } from './graph.js';
import type { GraphNode, NodeCore } from '../core/node.js';

export interface ImproveLimits {
  /**
   * The best score the task's metric can take (1 for auc, accuracy and f1; 0 for rmse, mae and
   * logloss), or null when it is not known. The policy knows only the direction, so the task supplies it.
   */
  optimum: number | null;
  /** Improve children in a row that did not beat a node, after which it is not improved again; null: no limit. */
  improvePatience: number | null;
}

/** The agent file's default for improvePatience (src/config/agent.ts). */
export const DEFAULT_IMPROVE_PATIENCE = 5;

/** The limits out of a policy config, checked, absent ones as null. */
export function improveLimitsOf(config: ImproveLimits): ImproveLimits {
  const optimum = config.optimum ?? null;
  const improvePatience = config.improvePatience ?? null;
  if (optimum !== null && !isUsableScore(optimum)) throw new RangeError(`optimum must be a finite number or null, got ${optimum}`);
  if (improvePatience !== null && !(Number.isInteger(improvePatience) && improvePatience >= 1)) {
    throw new RangeError(`improvePatience must be an integer >= 1 or null, got ${improvePatience}`);
  }
  return { optimum, improvePatience };
}

/** Whether `patience` Improve children in a row, the latest ones, did not beat the node. */
function stalled(graph: SolutionGraph, node: NodeCore & { score: number }, patience: number): boolean {
  const kids = childIds(graph, node.id);
  let misses = 0;
  for (let i = kids.length - 1; i >= 0 && misses < patience; i--) {
    const kid = graph.nodes[kids[i] as number] as GraphNode;
    if (kid.operator !== 'improve') continue;
    if (isGood(kid) && isBetter(kid.score, node.score, graph.direction)) return false;
    misses += 1;
  }
  return misses >= patience;
}

/** Whether Improve may take this node: good, below the optimum, not stalled. */
export function isImprovable(graph: SolutionGraph, node: NodeCore, limits: ImproveLimits): boolean {
  if (!isGood(node)) return false;
  const { optimum, improvePatience } = improveLimitsOf(limits);
  if (optimum !== null && !isBetter(optimum, node.score, graph.direction)) return false;
  return improvePatience === null || !stalled(graph, node, improvePatience);
}

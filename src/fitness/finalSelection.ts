/**
 * Final selection: which node a run submits. Best-validation is what the paper's agents do; it loses
 * medals to validation overfitting (the generalization gap). Two alternatives re-score the top k
 * nodes by validation on evidence the search never saw: a selection holdout (unlabelled rows in the
 * public test file, scored privately) or k-fold re-evaluation of each candidate's code. The oracle is
 * the node with the best hidden test score: the bound no strategy can beat. Pure: no I/O.
 */
import { compareScores, isGood } from '../search/graph.js';
import type { Direction, NodeCore } from '../core/node.js';


/** Good nodes with a submission, best validation score first (ties: earliest node), at most k. */
export function topCandidates<N extends NodeCore>(nodes: readonly N[], direction: Direction, k: number): N[] {
  return nodes
    .filter(isGood)
    .sort((a, b) => compareScores(a.score, b.score, direction) || a.id - b.id)
    .slice(0, Math.max(0, k));
}

/**
 * The candidate with the best re-score; candidates without one (null) never win. Ties keep the
 * validation order, so with no usable re-score at all the choice is the best-validation node.
 */
export function pickByRescore<N extends NodeCore>(candidates: readonly N[], rescores: readonly (number | null)[], direction: Direction): N | null {
  let best: { node: N; score: number | null } | null = null;
  candidates.forEach((node, i) => {
    const score = rescores[i] ?? null;
    if (best === null || compareScores(score, best.score, direction) < 0) best = { node, score };
  });
  return (best as { node: N } | null)?.node ?? null;
}

/** The node with the best hidden test score (what an oracle would submit); null when none was graded. */
export function oracleNode<N extends NodeCore>(nodes: readonly N[], direction: Direction): N | null {
  let best: N | null = null;
  for (const n of nodes) {
    if (n.id === 0 || n.testScore === null) continue;
    if (best === null || compareScores(n.testScore, best.testScore, direction) < 0) best = n;
  }
  return best;
}

/**
 * Test score lost by submitting `selected` instead of the oracle's node, in the metric's units and
 * always >= 0 (0: the selection was as good as the oracle). Null when either score is missing.
 */
export function generalizationGap(selectedTest: number | null, oracleTest: number | null, direction: Direction): number | null {
  if (selectedTest === null || oracleTest === null) return null;
  return Math.max(0, direction === 'maximize' ? oracleTest - selectedTest : selectedTest - oracleTest);
}

/** The k-fold re-evaluation score: the mean over folds; null when any fold failed (it cannot win). */
export function foldMean(foldScores: readonly (number | null)[]): number | null {
  if (foldScores.length === 0 || foldScores.some((s) => s === null || !Number.isFinite(s))) return null;
  return (foldScores as number[]).reduce((a, b) => a + b, 0) / foldScores.length;
}

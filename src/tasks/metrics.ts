import type { Direction } from '../core/node.js';
import type { MetricName } from './types.js';

/** Inputs a metric cannot score (wrong lengths, labels outside {0, 1}, one class only, NaN, …). */
export class MetricError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricError';
  }
}

export const METRICS: readonly MetricName[] = ['accuracy', 'auc', 'logloss', 'rmse', 'mae', 'f1'];

const DIRECTIONS: Record<MetricName, Direction> = {
  accuracy: 'maximize',
  auc: 'maximize',
  f1: 'maximize',
  logloss: 'minimize',
  rmse: 'minimize',
  mae: 'minimize',
};

export function metricDirection(metric: MetricName): Direction {
  return DIRECTIONS[metric];
}

/** The best score each metric can take: a solution there cannot be improved on it. */
const OPTIMA: Record<MetricName, number> = { accuracy: 1, auc: 1, f1: 1, logloss: 0, rmse: 0, mae: 0 };

/** The metric's best possible score, for the search (src/search/improvable.ts); null without a Crucible metric. */
export function metricOptimum(metric: MetricName | null): number | null {
  return metric === null ? null : OPTIMA[metric];
}

function check(yTrue: readonly number[], yPred: readonly number[]): void {
  if (yTrue.length !== yPred.length) {
    throw new MetricError(`${yTrue.length} true values but ${yPred.length} predictions`);
  }
  if (yTrue.length === 0) throw new MetricError('no rows to score');
  for (let i = 0; i < yTrue.length; i++) {
    if (!Number.isFinite(yTrue[i]!)) throw new MetricError(`true value at row ${i + 1} is not a finite number`);
    if (!Number.isFinite(yPred[i]!)) throw new MetricError(`prediction at row ${i + 1} is not a finite number`);
  }
}

function checkBinary(values: readonly number[], what: string): void {
  const bad = values.find((v) => v !== 0 && v !== 1);
  if (bad !== undefined) throw new MetricError(`${what} must be 0 or 1 (binary task), got ${bad}`);
}

export function accuracy(yTrue: readonly number[], yPred: readonly number[]): number {
  check(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * ROC AUC as the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (average ranks), which equals the trapezoidal ROC area.
 */
export function auc(yTrue: readonly number[], yScore: readonly number[]): number {
  check(yTrue, yScore);
  checkBinary(yTrue, 'true labels');
  const order = yScore.map((_, i) => i).sort((a, b) => yScore[a]! - yScore[b]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && yScore[order[end]!] === yScore[order[start]!]) end++;
    // Ranks start+1 … end share their average.
    const avgRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (yTrue[order[k]!] === 1) {
        positives++;
        positiveRankSum += avgRank;
      }
    }
    start = end;
  }
  const negatives = yTrue.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new MetricError('AUC is undefined when the true labels hold only one class');
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Binary log loss of the predicted probability of class 1. Probabilities are clipped to
 * [eps, 1 - eps] with eps = float64 machine epsilon, as scikit-learn does, so a confident mistake
 * costs about 36 rather than infinity.
 */
export function logloss(yTrue: readonly number[], yProb: readonly number[]): number {
  check(yTrue, yProb);
  checkBinary(yTrue, 'true labels');
  const eps = Number.EPSILON;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(yProb[i]!, eps), 1 - eps);
    total -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / yTrue.length;
}

export function rmse(yTrue: readonly number[], yPred: readonly number[]): number {
  check(yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += (yTrue[i]! - yPred[i]!) ** 2;
  return Math.sqrt(total / yTrue.length);
}

export function mae(yTrue: readonly number[], yPred: readonly number[]): number {
  check(yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i]! - yPred[i]!);
  return total / yTrue.length;
}

/** Binary F1 of class 1 on hard labels; 0 when there are no positives at all (scikit-learn's zero_division default). */
export function f1(yTrue: readonly number[], yPred: readonly number[]): number {
  check(yTrue, yPred);
  checkBinary(yTrue, 'true labels');
  checkBinary(yPred, 'predictions (F1 needs hard labels)');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yPred[i] === 1 && yTrue[i] === 1) tp++;
    else if (yPred[i] === 1) fp++;
    else if (yTrue[i] === 1) fn++;
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

const FUNCTIONS: Record<MetricName, (yTrue: readonly number[], yPred: readonly number[]) => number> = {
  accuracy,
  auc,
  logloss,
  rmse,
  mae,
  f1,
};

/** Scores predictions with the named metric; throws MetricError on input the metric cannot score. */
export function score(metric: MetricName, yTrue: readonly number[], yPred: readonly number[]): number {
  return FUNCTIONS[metric](yTrue, yPred);
}

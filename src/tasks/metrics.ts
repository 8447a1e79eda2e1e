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

/** Metrics that score one probability column per class (class-probability submissions). */
export const CLASS_METRICS = ['logloss', 'auc'] as const satisfies readonly MetricName[];
export type ClassMetric = (typeof CLASS_METRICS)[number];

function checkClasses(yTrue: readonly number[], probs: readonly (readonly number[])[]): number {
  if (yTrue.length !== probs.length) throw new MetricError(`${yTrue.length} true values but ${probs.length} rows of probabilities`);
  if (yTrue.length === 0) throw new MetricError('no rows to score');
  const k = probs[0]!.length;
  if (k < 2) throw new MetricError(`class probabilities need at least 2 columns, got ${k}`);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= k) throw new MetricError(`true class at row ${i + 1} is ${t}, not a class index 0..${k - 1}`);
    const row = probs[i]!;
    if (row.length !== k) throw new MetricError(`row ${i + 1} has ${row.length} probabilities, expected ${k}`);
    if (row.some((p) => !Number.isFinite(p))) throw new MetricError(`a probability at row ${i + 1} is not a finite number`);
  }
  return k;
}

/**
 * Multi-class log loss of one probability per class (`yTrue`: the index of each row's class). As
 * Kaggle scores it: each probability is clipped to [eps, 1 - eps] (eps = float64 machine epsilon,
 * scikit-learn's), then each row is divided by its sum, so rows need not sum to 1 exactly.
 */
export function classLogloss(yTrue: readonly number[], probs: readonly (readonly number[])[]): number {
  checkClasses(yTrue, probs);
  const eps = Number.EPSILON;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const clipped = probs[i]!.map((p) => Math.min(Math.max(p, eps), 1 - eps));
    const sum = clipped.reduce((a, b) => a + b, 0);
    total -= Math.log(clipped[yTrue[i]!]! / sum);
  }
  return total / yTrue.length;
}

/** Macro one-vs-rest ROC AUC: the mean over classes of the AUC of "this class" against the rest, on its column. */
export function classAuc(yTrue: readonly number[], probs: readonly (readonly number[])[]): number {
  const k = checkClasses(yTrue, probs);
  let total = 0;
  for (let c = 0; c < k; c++) {
    try {
      total += auc(yTrue.map((t) => (t === c ? 1 : 0)), probs.map((row) => row[c]!));
    } catch (err) {
      if (err instanceof MetricError) throw new MetricError(`class ${c + 1} of ${k}: ${err.message}`);
      throw err;
    }
  }
  return total / k;
}

/** Scores one probability column per class (rows of `probs`, columns in class order) with a class metric. */
export function scoreClasses(metric: ClassMetric, yTrue: readonly number[], probs: readonly (readonly number[])[]): number {
  return metric === 'logloss' ? classLogloss(yTrue, probs) : classAuc(yTrue, probs);
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

import { sameSet } from './columns.js';
import { type FrameGrader, sortOrder, take } from './frame.js';
import { classLabels, type Labels } from './sklearnInputs.js';
import { ensure } from './types.js';
import { pyCompare } from './values.js';

/**
 * Quadratic weighted kappa as scikit-learn's cohen_kappa_score(weights="quadratic") computes it. The
 * classes are the sorted union of the labels on both sides, and the weight of a disagreement is the
 * squared distance between the classes' positions in that list, not between their values: a label
 * outside the answers' classes shifts every position after it.
 */
export function quadraticKappa(y1: Labels, y2: Labels): number {
  ensure(y1.values.length === y2.values.length, `Found input variables with inconsistent numbers of samples: [${y1.values.length}, ${y2.values.length}]`);
  ensure(y1.kind === y2.kind, 'Mix of label input types (string and number)');
  const all: (number | string)[] = [...y1.values, ...y2.values];
  const classes = [...new Set(all)].sort(pyCompare);
  const index = new Map(classes.map((c, i) => [c, i]));
  const n = classes.length;
  const confusion = classes.map(() => new Array<number>(n).fill(0));
  y1.values.forEach((a, i) => confusion[index.get(a)!]![index.get(y2.values[i]!)!]!++);
  const total = y1.values.length;
  const colSums = classes.map((_, j) => confusion.reduce((s, row) => s + row[j]!, 0));
  const rowSums = confusion.map((row) => row.reduce((s, v) => s + v, 0));
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = (i - j) ** 2;
      observed += w * confusion[i]![j]!;
      expected += (w * colSums[i]! * rowSums[j]!) / total;
    }
  }
  return 1 - observed / expected;
}

/** aptos' grader: the target column, a non-empty submission with the answers' set of ids, rows matched by sorting on id. */
export function kappaGrader(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    ensure(submission.has(target), `Submission must contain the target column '${target}'`);
    ensure(submission.length > 0, 'Submission DataFrame should not be empty');
    ensure(sameSet(submission.get(id), answers.get(id)), `Submission must have the same ${id}s as answers`);
    const pred = submission.get(target);
    const truth = answers.get(target);
    const yPred = take(pred, sortOrder(submission.get(id)));
    const yTrue = take(truth, sortOrder(answers.get(id)));
    ensure(yPred.length === yTrue.length, `Found input variables with inconsistent numbers of samples: [${yPred.length}, ${yTrue.length}]`);
    return quadraticKappa(classLabels(yPred, pred.dtype, 'y_pred'), classLabels(yTrue, truth.dtype, 'y_true'));
  };
}

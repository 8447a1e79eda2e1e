import { logloss } from '../metrics.js';
import { alignById, allInUnitInterval, rowsSumToOne, sameSet } from './columns.js';
import { type Frame, type FrameGrader, sortOrder, take } from './frame.js';
import { finiteFloats } from './sklearnInputs.js';
import { ensure } from './types.js';

/**
 * Log-loss graders: scikit-learn's log_loss (probabilities clipped to [eps, 1 - eps], eps = float64
 * machine epsilon; rows are not renormalised) behind each competition's own checks. The binary loss
 * is metrics.ts's logloss.
 */

const EPS = Number.EPSILON;

/** log_loss of one-hot answers against a probability per class: the mean over rows of −log(p of the true class). */
export function multiclassLogLoss(yTrue: readonly (readonly number[])[], yPred: readonly (readonly number[])[]): number {
  ensure(yTrue.length === yPred.length && yTrue.length > 0, `Found input variables with inconsistent numbers of samples: [${yPred.length}, ${yTrue.length}]`);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let row = 0;
    yTrue[i]!.forEach((t, j) => {
      // xlogy: a class that is not the answer adds nothing, whatever its probability.
      if (t !== 0) row += t * Math.log(Math.min(Math.max(yPred[i]![j]!, EPS), 1 - EPS));
    });
    total -= row;
  }
  return total / yTrue.length;
}

/**
 * mlebench's one_hot_dfs_to_log_loss_inputs, then log_loss: every answers column must be in the
 * submission (other columns are ignored), rows are matched by sorting on id, and the ids must agree.
 */
function oneHotLogLoss(submission: Frame, answers: Frame, id: string): number {
  const missing = answers.columns.filter((c) => !submission.has(c));
  ensure(
    missing.length === 0,
    `The submission DataFrame is missing some columns required by the \`answers\` DataFrame. Missing columns: ${JSON.stringify(missing)}.`,
  );
  const rows = alignById(submission, answers, id);
  ensure(rows.idsMatch, `Mismatch in ${id}s between \`submission\` and \`answers\` after sorting.`);
  const classes = answers.columns.filter((c) => c !== id);
  const predColumns = classes.map((c) => finiteFloats(take(submission.get(c), rows.sub), 'Input'));
  const trueColumns = classes.map((c) => take(answers.get(c), rows.ans).map(Number));
  const byRow = (columns: number[][]): number[][] => rows.ans.map((_, i) => columns.map((col) => col[i]!));
  return multiclassLogLoss(byRow(trueColumns), byRow(predColumns));
}

/** The class columns of one-hot answers: every column but the id. */
function classColumns(answers: Frame, id: string): string[] {
  return answers.columns.filter((c) => c !== id);
}

/** dog-breed's checks: a column for every class and the id (extra columns allowed), rows summing to one, values in [0, 1]. */
export function logLossRequiringClassColumns(id: string): FrameGrader {
  return (submission, answers) => {
    const classes = classColumns(answers, id);
    ensure(classes.every((c) => submission.has(c)), `Submission must have columns for all dogs: ${JSON.stringify(classes)}`);
    ensure(submission.has(id), `Submission must have an \`${id}\` column`);
    ensure(submission.length === answers.length, 'Submission should be the same length as the answers');
    ensure(rowsSumToOne(submission, classes), 'Dog probabilities in each row in submission should sum to one, as probabilities.');
    ensure(allInUnitInterval(submission, classes), 'All probabilities in submission DataFrame must be between 0 and 1.');
    return oneHotLogLoss(submission, answers, id);
  };
}

/** leaf's checks: exactly the id and class columns, rows summing to one, values in [0, 1]. */
export function logLossRequiringExactColumns(id: string): FrameGrader {
  return (submission, answers) => {
    const classes = classColumns(answers, id);
    ensure(
      submission.columns.length === classes.length + 1 && [id, ...classes].every((c) => submission.has(c)),
      `Submission DataFrame must have an '${id}' column and a column for each class.`,
    );
    ensure(submission.length === answers.length, 'Submission and answers DataFrames must have the same number of rows.');
    ensure(rowsSumToOne(submission, classes), 'Each row in submission should sum to one, as probabilities.');
    ensure(allInUnitInterval(submission, classes), 'All probabilities in submission DataFrame must be between 0 and 1.');
    return oneHotLogLoss(submission, answers, id);
  };
}

/**
 * spooky's checks: the answers' shape, then every column after the first (whatever it is) summing to
 * one per row with values in [0, 1].
 */
export function logLossRequiringShape(id: string): FrameGrader {
  return (submission, answers) => {
    const width = classColumns(answers, id).length + 1;
    ensure(
      submission.length === answers.length && submission.columns.length === width,
      `Submission shape (${submission.length}, ${submission.columns.length}) does not match answers shape (${answers.length}, ${answers.columns.length}).`,
    );
    const rest = submission.columns.slice(1);
    ensure(rowsSumToOne(submission, rest), 'Each row in submission should sum to one, as probabilities.');
    ensure(allInUnitInterval(submission, rest), 'All probabilities in submission DataFrame must be between 0 and 1.');
    return oneHotLogLoss(submission, answers, id);
  };
}

/** dogs-vs-cats' grader: the same set of ids and length, probabilities in [0, 1], rows matched by sorting on id. */
export function binaryLogLoss(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    ensure(submission.has(id), `Submission is missing \`${id}\` column`);
    ensure(submission.has(target), `Submission is missing \`${target}\` column`);
    ensure(sameSet(submission.get(id), answers.get(id)), "Submission and answers have different id's");
    ensure(submission.length === answers.length, 'Submission and answers have different lengths');
    ensure(allInUnitInterval(submission, [target]), `All values in submission \`${target}\` column must be between 0 and 1.`);
    const yPred = finiteFloats(take(submission.get(target), sortOrder(submission.get(id))), 'Input');
    const yTrue = take(answers.get(target), sortOrder(answers.get(id))).map(Number);
    ensure(new Set(yTrue).size === 2, 'y_true must hold two classes for log_loss');
    return logloss(yTrue, yPred);
  };
}

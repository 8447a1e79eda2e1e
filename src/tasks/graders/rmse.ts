import { rmse } from '../metrics.js';
import { alignById, average } from './columns.js';
import { type FrameGrader, sortOrder, take } from './frame.js';
import { finiteFloats } from './sklearnInputs.js';
import { ensure, InvalidSubmission } from './types.js';
import { pyFloat } from './values.js';

/**
 * Regression graders: scikit-learn's root_mean_squared_error and root_mean_squared_log_error behind
 * each competition's checks. The error itself is metrics.ts's rmse.
 */

function consistent(a: readonly unknown[], b: readonly unknown[]): void {
  ensure(a.length === b.length, `Found input variables with inconsistent numbers of samples: [${a.length}, ${b.length}]`);
}

/** denoising's grader: id and value columns, values that convert to float, the answers' length and ids. */
export function pixelRmse(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    ensure(submission.has(id), `Submission must have an '${id}' column.`);
    ensure(submission.has(target), `Submission must have a '${target}' column.`);
    try {
      submission.get(target).values.forEach(pyFloat);
    } catch {
      throw new InvalidSubmission(`Submission must have float values in the '${target}' column.`);
    }
    ensure(submission.length === answers.length, `Expected the submission to have ${answers.length} rows, but got ${submission.length}.`);
    const rows = alignById(submission, answers, id);
    ensure(rows.idsMatch, `Expected the submission to have the same '${id}' values as the answers, but they differ.`);
    const yPred = finiteFloats(take(submission.get(target), rows.sub), 'Input');
    return rmse(take(answers.get(target), rows.ans).map(Number), yPred);
  };
}

/**
 * The taxi grader: key and target columns, both sides sorted by key, and nothing else checked: rows
 * are paired by position after sorting, whatever their keys.
 */
export function sortedRmse(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    ensure(submission.has(target), `Submission should have a ${target} column`);
    ensure(submission.has(id), `Submission should have a ${id} column`);
    const yTrue = take(answers.get(target), sortOrder(answers.get(id)));
    const pred = take(submission.get(target), sortOrder(submission.get(id)));
    consistent(yTrue, pred);
    return rmse(finiteFloats(yTrue, 'Input'), finiteFloats(pred, 'Input'));
  };
}

/** numpy's log1p of a boolean array is computed in float16: log1p(True) is ln 2 rounded to 11 bits. */
const LOG1P_TRUE_IN_FLOAT16 = 0.693359375;

/**
 * nomad2018's grader: the mean over target columns of root_mean_squared_log_error, rows paired by
 * position (no id is checked or sorted on); negative values are refused.
 */
export function meanColumnRmsle(targets: readonly string[]): FrameGrader {
  return (submission, answers) => {
    for (const t of targets) ensure(submission.has(t), `Expected '${t}' column in submission`);
    ensure(submission.length === answers.length, `Expected ${answers.length} rows in submission, got ${submission.length}`);
    const errors = targets.map((t) => {
      const yTrue = finiteFloats(answers.get(t).values, 'Input');
      const yPred = finiteFloats(submission.get(t).values, 'Input');
      ensure(
        yTrue.every((v) => v >= 0) && yPred.every((v) => v >= 0),
        'Root Mean Squared Logarithmic Error cannot be used when targets contain negative values.',
      );
      const predLogs = submission.get(t).dtype === 'bool' ? yPred.map((v) => v * LOG1P_TRUE_IN_FLOAT16) : yPred.map(Math.log1p);
      return rmse(yTrue.map(Math.log1p), predLogs);
    });
    return average(errors);
  };
}

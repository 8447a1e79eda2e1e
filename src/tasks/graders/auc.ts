import { auc } from '../metrics.js';
import { alignById, average, numericLike, outsideUnitInterval } from './columns.js';
import { type Frame, type FrameGrader, take } from './frame.js';
import { finiteFloats } from './sklearnInputs.js';
import { ensure } from './types.js';
import { type Cell, pyKey } from './values.js';

/**
 * ROC AUC graders: mlebench's prepare_for_auroc_metric checks and scikit-learn's roc_auc_score, one
 * column at a time or averaged over several. The area itself is metrics.ts's auc (Mann–Whitney,
 * ties counting one half: the same number as scikit-learn's trapezoidal area).
 */

/** roc_auc_score on one column: the true labels must hold two classes; scores must be finite numbers. */
function columnAuc(yTrue: readonly number[], scores: readonly Cell[]): number {
  const yScore = finiteFloats(scores, 'Input');
  ensure(new Set(yTrue).size === 2, 'Only one class present in y_true. ROC AUC score is not defined in that case.');
  return auc(yTrue, yScore);
}

/** prepare_for_auroc_metric, then roc_auc_score: one probability column, rows matched by id. */
function checkedAuc(submission: Frame, answers: Frame, id: string, target: string): number {
  ensure(submission.has(id), `Submission should have an ${id} column`);
  ensure(submission.has(target), `Submission should have a ${target} column`);
  ensure(submission.length === answers.length, 'Submission and answers should have the same number of rows');
  const scores = submission.get(target);
  ensure(numericLike(scores), `Expected ${target} column to be numeric, got ${scores.dtype} instead`);
  ensure(
    !outsideUnitInterval(scores),
    `Submission ${target} column should contain probabilities, and therefore contain values between 0 and 1 inclusive`,
  );
  const rows = alignById(submission, answers, id);
  ensure(rows.idsMatch, `Submission and answers should have the same ${id} values`);
  return columnAuc(take(answers.get(target), rows.ans).map(Number), take(scores, rows.sub));
}

/** One probability column (aerial-cactus, siim-isic, …). */
export function binaryAuc(id: string, target: string): FrameGrader {
  return (submission, answers) => checkedAuc(submission, answers, id, target);
}

/** The mean of checkedAuc over several class columns (ranzcr: its config calls it plain auc-roc). */
export function meanCheckedAuc(id: string, classes: readonly string[]): FrameGrader {
  return (submission, answers) => {
    for (const c of classes) ensure(submission.has(c), `Class ${c} is not in the submission.`);
    ensure(submission.length === answers.length, `Expected ${answers.length} rows in submission, got ${submission.length}.`);
    return average(classes.map((c) => checkedAuc(submission, answers, id, c)));
  };
}

/**
 * plant-pathology's grader: exactly the id and class columns, rows matched by id, then the mean AUC
 * of the class columns, with no range check on the scores.
 */
export function meanColumnAuc(id: string, classes: readonly string[]): FrameGrader {
  return (submission, answers) => {
    const expected = [id, ...classes];
    ensure(submission.length === answers.length, `Expected submission to have ${answers.length} rows but got ${submission.length}`);
    ensure(
      submission.columns.length === new Set(submission.columns).size &&
        submission.columns.length === expected.length &&
        expected.every((c) => submission.has(c)),
      `Expected submission to have columns ${JSON.stringify(expected)} but got ${JSON.stringify(submission.columns)}`,
    );
    const rows = alignById(submission, answers, id);
    ensure(rows.idsMatch, `Submission and answers DataFrames must have matching '${id}' columns.`);
    return average(classes.map((c) => columnAuc(take(answers.get(c), rows.ans).map(Number), take(submission.get(c), rows.sub))));
  };
}

/**
 * jigsaw's grader: roc_auc_score(average="macro") of every non-id submission column, in the
 * submission's column order, against the answers' columns in theirs, on the rows whose answers are
 * not -1 (rows Kaggle did not score). An extra column cannot be paired and fails; reordered columns
 * are paired as they stand.
 */
export function macroAuc(id: string, classes: readonly string[]): FrameGrader {
  return (submission, answers) => {
    ensure(submission.has(id), `Submission is missing the column: ${id}`);
    const missing = classes.filter((c) => !submission.has(c));
    ensure(missing.length === 0, `Submission is missing the following columns: ${JSON.stringify(missing)}`);
    ensure(submission.length === answers.length, 'Submission and answers have different lengths');
    const rows = alignById(submission, answers, id);
    const answerIds = take(answers.get(id), rows.ans);
    const scored = rows.ans.map((r) => classes.reduce((sum, c) => sum + Number(answers.get(c).values[r]), 0) >= 0);
    // `submission[keep_mask]`: the mask (indexed by answer id) is looked up for each submission id.
    const keepAt = new Map(answerIds.map((v, i) => [pyKey(v!), scored[i]!]));
    const subKeep = take(submission.get(id), rows.sub).map((v) => {
      const keep = v === null ? undefined : keepAt.get(pyKey(v));
      ensure(keep !== undefined, 'Unalignable boolean Series provided as indexer (index of the boolean Series and of the indexed object do not match).');
      return keep;
    });
    const subRows = rows.sub.filter((_, i) => subKeep[i]);
    const ansRows = rows.ans.filter((_, i) => scored[i]);
    const scoreColumns = submission.columns.filter((c) => c !== id);
    const trueColumns = answers.columns.filter((c) => c !== id);
    const yScore = scoreColumns.map((c) => finiteFloats(take(submission.get(c), subRows), 'Input'));
    ensure(subRows.length === ansRows.length, `Found input variables with inconsistent numbers of samples: [${ansRows.length}, ${subRows.length}]`);
    ensure(
      scoreColumns.length <= trueColumns.length,
      `index ${trueColumns.length} is out of bounds for axis 1 with size ${trueColumns.length}`,
    );
    return average(yScore.map((scores, j) => columnAuc(take(answers.get(trueColumns[j]!), ansRows).map(Number), scores)));
  };
}

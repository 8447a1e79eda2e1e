import { alignById } from './columns.js';
import { type Frame, type FrameGrader, take } from './frame.js';
import { classLabels } from './sklearnInputs.js';
import { ensure } from './types.js';
import { type Cell, pyEquals, pyStr } from './values.js';

/**
 * Accuracy graders: mlebench's prepare_for_accuracy_metric checks (same length, the target and id
 * columns, the same ids once both are sorted), then scikit-learn's accuracy_score: the share of rows
 * whose prediction equals the answer.
 */

function alignedTargets(submission: Frame, answers: Frame, id: string, target: string): { pred: Cell[]; truth: Cell[] } {
  ensure(submission.length === answers.length, 'Submission must have the same length as the answers.');
  ensure(submission.has(target), `Submission must have a \`${target}\` column`);
  ensure(submission.has(id), `Submission must have a \`${id}\` column`);
  const rows = alignById(submission, answers, id);
  ensure(rows.idsMatch, `Submission and Answers \`${id}\`'s do not match`);
  return { pred: take(submission.get(target), rows.sub), truth: take(answers.get(target), rows.ans) };
}

function share(hits: readonly boolean[]): number {
  ensure(hits.length > 0, 'Found array with 0 sample(s) while a minimum of 1 is required.');
  return hits.filter(Boolean).length / hits.length;
}

/**
 * Class labels compared as they are (tabular-playground-series-dec-2021): fractional numbers, NaN
 * and infinity are refused as scikit-learn refuses them; text never equals a number, so text
 * predictions score, and score zero.
 */
export function labelAccuracy(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    const { pred, truth } = alignedTargets(submission, answers, id, target);
    const yTrue = classLabels(truth, answers.get(target).dtype, 'y_true').values;
    const yPred = classLabels(pred, submission.get(target).dtype, 'y_pred').values;
    return share(yTrue.map((t, i) => pyEquals(t, yPred[i]!)));
  };
}

/**
 * Text compared after `astype(str)` on both sides (the text normalization challenges): a missing
 * value becomes "nan" on either side, so an answer pandas reads as missing ("NA", "null", "n/a")
 * is matched by any other spelling of missing.
 */
export function textAccuracy(id: string, target: string): FrameGrader {
  return (submission, answers) => {
    const { pred, truth } = alignedTargets(submission, answers, id, target);
    const asText = (cells: Cell[], frame: Frame): string[] => cells.map((c) => pyStr(c, frame.get(target).dtype === 'int64'));
    const yPred = asText(pred, submission);
    return share(asText(truth, answers).map((t, i) => t === yPred[i]));
  };
}

import type { CsvTable } from '../csv.js';
import { MetricError } from '../metrics.js';
import { labelAccuracy, textAccuracy } from './accuracy.js';
import { binaryAuc, macroAuc, meanCheckedAuc, meanColumnAuc } from './auc.js';
import { Frame, type FrameGrader } from './frame.js';
import { binaryLogLoss, logLossRequiringClassColumns, logLossRequiringExactColumns, logLossRequiringShape } from './logLoss.js';
import { kappaGrader } from './qwk.js';
import { numpyRound, pythonRound } from './round.js';
import { meanColumnRmsle, pixelRmse, sortedRmse } from './rmse.js';
import { type Grader, type GradeResult, InvalidSubmission } from './types.js';

export type { Grader, GradeResult } from './types.js';

/**
 * Native graders for MLE-bench competitions, keyed by competition id, each mirroring what that
 * competition's mlebench grade.py accepts, rejects and scores (test/fixtures/mlebench-grades holds
 * mlebench's own verdicts). Keyed by competition rather than metric name because mlebench's names
 * do not say what is computed: ranzcr's "auc-roc" is a mean over nine columns, and graders with one
 * name validate differently.
 */
const FRAME_GRADERS: Readonly<Record<string, FrameGrader>> = {
  'aerial-cactus-identification': binaryAuc('id', 'has_cactus'),
  'aptos2019-blindness-detection': kappaGrader('id_code', 'diagnosis'),
  'denoising-dirty-documents': pixelRmse('id', 'value'),
  'detecting-insults-in-social-commentary': binaryAuc('Comment', 'Insult'),
  'dog-breed-identification': logLossRequiringClassColumns('id'),
  'dogs-vs-cats-redux-kernels-edition': binaryLogLoss('id', 'label'),
  'histopathologic-cancer-detection': binaryAuc('id', 'label'),
  'jigsaw-toxic-comment-classification-challenge': macroAuc('id', ['toxic', 'severe_toxic', 'obscene', 'threat', 'insult', 'identity_hate']),
  'leaf-classification': logLossRequiringExactColumns('id'),
  'mlsp-2013-birds': binaryAuc('Id', 'Probability'),
  'new-york-city-taxi-fare-prediction': sortedRmse('key', 'fare_amount'),
  'nomad2018-predict-transparent-conductors': meanColumnRmsle(['formation_energy_ev_natom', 'bandgap_energy_ev']),
  'plant-pathology-2020-fgvc7': meanColumnAuc('image_id', ['healthy', 'multiple_diseases', 'rust', 'scab']),
  'random-acts-of-pizza': binaryAuc('request_id', 'requester_received_pizza'),
  // The grader's own class list: the answers hold two more classes that it does not score.
  'ranzcr-clip-catheter-line-classification': meanCheckedAuc('StudyInstanceUID', [
    'ETT - Abnormal', 'ETT - Borderline', 'ETT - Normal',
    'NGT - Abnormal', 'NGT - Borderline', 'NGT - Incompletely Imaged', 'NGT - Normal',
    'CVC - Abnormal', 'CVC - Borderline',
  ]),
  'siim-isic-melanoma-classification': binaryAuc('image_name', 'target'),
  'spooky-author-identification': logLossRequiringShape('id'),
  'tabular-playground-series-dec-2021': labelAccuracy('Id', 'Cover_Type'),
  'tabular-playground-series-may-2022': binaryAuc('id', 'target'),
  'text-normalization-challenge-english-language': textAccuracy('id', 'after'),
  'text-normalization-challenge-russian-language': textAccuracy('id', 'after'),
  'the-icml-2013-whale-challenge-right-whale-redux': binaryAuc('clip', 'probability'),
};

/** A FrameGrader on parsed CSV: reads both as pandas would, and turns a refusal into { invalid }. */
function onCsv(grade: FrameGrader): Grader {
  return (submission: CsvTable, answers: CsvTable): GradeResult => {
    try {
      return { score: grade(new Frame(submission), new Frame(answers)) };
    } catch (err) {
      if (err instanceof InvalidSubmission || err instanceof MetricError) return { invalid: err.message };
      throw err;
    }
  };
}

/** The competitions with a native grader. */
export const NATIVE_GRADED: readonly string[] = Object.keys(FRAME_GRADERS);

/** The native grader of an MLE-bench competition, or undefined where Crucible has none. */
export function nativeGrader(competitionId: string): Grader | undefined {
  const grade = FRAME_GRADERS[competitionId];
  return grade && onCsv(grade);
}

/**
 * The competitions whose grade function returns a Python float (scikit-learn's log_loss and
 * accuracy_score); every other one returns a numpy float64 (test/fixtures/mlebench-grades records
 * each score's type). It decides how mlebench rounds the score it reports.
 */
const PYTHON_FLOAT_SCORES = new Set([
  'dog-breed-identification',
  'dogs-vs-cats-redux-kernels-edition',
  'leaf-classification',
  'spooky-author-identification',
  'tabular-playground-series-dec-2021',
  'text-normalization-challenge-english-language',
  'text-normalization-challenge-russian-language',
]);

/** The score as mlebench reports it: `round(score, 5)`, rounded as the competition's score type rounds. */
export function reportedScore(competitionId: string, score: number): number {
  return PYTHON_FLOAT_SCORES.has(competitionId) ? pythonRound(score, 5) : numpyRound(score, 5);
}

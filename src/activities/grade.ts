import type { ArtifactStore } from '../artifacts/store.js';
import { gradeSelection, gradeSubmission } from '../tasks/grade.js';
import type { GradeInput, ScoreSelectionInput, ScoreSelectionOutput } from './types.js';
import type { GradeOutput } from '../core/run.js';

/** Hidden grading against the private answers; the result never reaches a policy or a prompt. */
export function makeGrade(store: ArtifactStore) {
  return { grade: makeGradeTest(store), scoreSelection: makeScoreSelection(store) };
}

/** The selection holdout's score of a submission (final selection only; never shown to the search). */
function makeScoreSelection(store: ArtifactStore) {
  return async function scoreSelection(input: ScoreSelectionInput): Promise<ScoreSelectionOutput> {
    return gradeSelection(input.task, await store.getText(input.submissionRef));
  };
}

function makeGradeTest(store: ArtifactStore) {
  return async function grade(input: GradeInput): Promise<GradeOutput> {
    const report = await gradeSubmission(input.task, await store.getText(input.submissionRef));
    return {
      score: report.score, validSubmission: report.validSubmission, reason: report.reason, gradedBy: report.gradedBy,
      isLowerBetter: report.isLowerBetter, medal: report.medal, aboveMedian: report.aboveMedian,
      goldThreshold: report.goldThreshold, silverThreshold: report.silverThreshold,
      bronzeThreshold: report.bronzeThreshold, medianThreshold: report.medianThreshold,
    };
  };
}

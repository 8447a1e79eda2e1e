import type { ArtifactStore } from '../artifacts/store.js';
import { gradeSelection, gradeSubmission } from '../tasks/grade.js';
import type { TaskReader } from '../tasks/taskFiles.js';
import type { GradeInput, ScoreSelectionInput, ScoreSelectionOutput } from './types.js';
import type { GradeOutput } from '../core/run.js';

/**
 * Hidden grading against the private answers; the result never reaches a policy or a prompt. The
 * answers are read where `taskOf` finds them: in place, or this worker's copy from the private store.
 */
export function makeGrade(store: ArtifactStore, taskOf: TaskReader) {
  return { grade: makeGradeTest(store, taskOf), scoreSelection: makeScoreSelection(store, taskOf) };
}

/** The selection holdout's score of a submission (final selection only; never shown to the search). */
function makeScoreSelection(store: ArtifactStore, taskOf: TaskReader) {
  return async function scoreSelection(input: ScoreSelectionInput): Promise<ScoreSelectionOutput> {
    const [task, submission] = await Promise.all([taskOf(input.task, input.taskFiles), store.getText(input.submissionRef)]);
    return gradeSelection(task, submission);
  };
}

function makeGradeTest(store: ArtifactStore, taskOf: TaskReader) {
  return async function grade(input: GradeInput): Promise<GradeOutput> {
    const [task, submission] = await Promise.all([taskOf(input.task, input.taskFiles), store.getText(input.submissionRef)]);
    const report = await gradeSubmission(task, submission);
    return {
      score: report.score, validSubmission: report.validSubmission, reason: report.reason, gradedBy: report.gradedBy,
      isLowerBetter: report.isLowerBetter, medal: report.medal, aboveMedian: report.aboveMedian,
      goldThreshold: report.goldThreshold, silverThreshold: report.silverThreshold,
      bronzeThreshold: report.bronzeThreshold, medianThreshold: report.medianThreshold,
    };
  };
}

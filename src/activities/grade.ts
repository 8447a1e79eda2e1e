import type { ArtifactStore } from '../artifacts/store.js';
import { gradeSubmission } from '../tasks/grade.js';
import type { GradeInput, GradeOutput } from './types.js';

/** Hidden grading against the private answers; the result never reaches a policy or a prompt. */
export function makeGrade(store: ArtifactStore) {
  return async function grade(input: GradeInput): Promise<GradeOutput> {
    const report = await gradeSubmission(input.task, await store.getText(input.submissionRef));
    return {
      score: report.score, validSubmission: report.validSubmission, medal: report.medal, aboveMedian: report.aboveMedian,
      goldThreshold: report.goldThreshold, silverThreshold: report.silverThreshold,
      bronzeThreshold: report.bronzeThreshold, medianThreshold: report.medianThreshold,
    };
  };
}

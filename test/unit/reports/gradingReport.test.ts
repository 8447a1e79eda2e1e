import { describe, expect, it } from 'vitest';
import type { GradeOutput } from '../../../src/core/run.js';
import { gradingReport } from '../../../src/reports/gradingReport.js';

const grade = (over: Partial<GradeOutput> = {}): GradeOutput => ({
  score: 0.25, validSubmission: true, reason: null, gradedBy: 'mlebench', isLowerBetter: true, medal: 'silver', aboveMedian: true,
  goldThreshold: 0.2, silverThreshold: 0.3, bronzeThreshold: 0.4, medianThreshold: 0.5, ...over,
});
const at = new Date('2026-12-04T10:00:00.000Z');
const base = { competitionId: 'spooky-author-identification', isLowerBetter: true, submissionPath: '/runs/r/best_submission.csv', hints: 0, createdAt: at };

describe("a run's grade in MLE-bench's report format", () => {
  it('a medal: the flags follow the one medal, the thresholds and direction come from the grade', () => {
    expect(gradingReport({ ...base, grade: grade(), submissionExists: true })).toEqual({
      competition_id: 'spooky-author-identification', score: 0.25,
      gold_threshold: 0.2, silver_threshold: 0.3, bronze_threshold: 0.4, median_threshold: 0.5,
      any_medal: true, gold_medal: false, silver_medal: true, bronze_medal: false, above_median: true,
      submission_exists: true, valid_submission: true, is_lower_better: true,
      created_at: '2026-12-04T10:00:00.000Z', submission_path: '/runs/r/best_submission.csv',
      test_set_feedback: false, external_knowledge: false,
    });
  });

  it('an invalid submission: no score, no medal, still its thresholds', () => {
    const r = gradingReport({ ...base, grade: grade({ score: null, validSubmission: false, reason: 'bad', medal: null, aboveMedian: false }), submissionExists: true });
    expect(r).toMatchObject({ score: null, valid_submission: false, any_medal: false, silver_medal: false, above_median: false, gold_threshold: 0.2 });
  });

  it("external_knowledge is true once the researcher sent a hint: a person's words reached the prompts", () => {
    expect(gradingReport({ ...base, grade: grade(), submissionExists: true, hints: 2 })).toMatchObject({ test_set_feedback: false, external_knowledge: true });
  });

  it('no submission: nothing graded, the direction from the task', () => {
    const r = gradingReport({ ...base, isLowerBetter: false, grade: null, submissionExists: false });
    expect(r).toMatchObject({ score: null, submission_exists: false, valid_submission: false, any_medal: false, is_lower_better: false, gold_threshold: null });
  });
});

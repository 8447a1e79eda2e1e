/**
 * A run's grade in MLE-bench's own report format (mlebench/grade_helpers.py CompetitionReport, as
 * `to_dict` writes it), so a run folder can be read by tools made for MLE-bench's results, with
 * MLE-bench's statements about how the submission was made. Pure.
 */
import type { GradeOutput } from '../core/run.js';

export interface MlebenchStatements {
  test_set_feedback: false;
  external_knowledge: boolean;
}

/**
 * What MLE-bench asks a submission to state. test_set_feedback is false for every Crucible run by
 * construction (no hidden grade reaches the search), and so is external_knowledge (no operator or
 * prompt carries knowledge of a particular competition) unless the researcher sent hints (`crucible
 * hint`): a person's words reach the prompts. docs/architecture.md, "Grade (hidden)".
 */
export function mlebenchStatements(hints: number): MlebenchStatements {
  return { test_set_feedback: false, external_knowledge: hints > 0 };
}

export interface MlebenchGradingReport extends MlebenchStatements {
  competition_id: string;
  score: number | null;
  gold_threshold: number | null;
  silver_threshold: number | null;
  bronze_threshold: number | null;
  median_threshold: number | null;
  any_medal: boolean;
  gold_medal: boolean;
  silver_medal: boolean;
  bronze_medal: boolean;
  above_median: boolean;
  submission_exists: boolean;
  valid_submission: boolean;
  is_lower_better: boolean;
  /** ISO 8601, when the report was written. */
  created_at: string;
  submission_path: string;
}

export interface GradingReportInput {
  competitionId: string;
  isLowerBetter: boolean;
  /** The submitted node's hidden grade; null when the run submitted nothing (no working node). */
  grade: GradeOutput | null;
  /** Where the submitted file is (or would be: mlebench reports the path it looked at). */
  submissionPath: string;
  submissionExists: boolean;
  /** How many hints the researcher sent the run (mlebenchStatements). */
  hints: number;
  createdAt: Date;
}

/**
 * The report of a run's submission. With no submission the thresholds are null (the grade, which
 * carries them, was never taken); mlebench's medal rules have already been applied to `grade`.
 */
export function gradingReport(r: GradingReportInput): MlebenchGradingReport {
  const g = r.submissionExists ? r.grade : null;
  const medal = g?.medal ?? null;
  return {
    competition_id: r.competitionId,
    score: g?.score ?? null,
    gold_threshold: g?.goldThreshold ?? null,
    silver_threshold: g?.silverThreshold ?? null,
    bronze_threshold: g?.bronzeThreshold ?? null,
    median_threshold: g?.medianThreshold ?? null,
    any_medal: medal !== null,
    gold_medal: medal === 'gold',
    silver_medal: medal === 'silver',
    bronze_medal: medal === 'bronze',
    above_median: g?.aboveMedian ?? false,
    submission_exists: r.submissionExists,
    valid_submission: g?.validSubmission ?? false,
    is_lower_better: g?.isLowerBetter ?? r.isLowerBetter,
    created_at: r.createdAt.toISOString(),
    submission_path: r.submissionPath,
    ...mlebenchStatements(r.hints),
  };
}

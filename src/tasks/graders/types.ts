import type { CsvTable } from '../csv.js';

/** What a grader makes of a submission: a score, or the reason it cannot be graded. */
export type GradeResult = { score: number } | { invalid: string };

/** Grades a submission against a competition's answers, both as parsed CSV. Pure: no I/O. */
export type Grader = (submission: CsvTable, answers: CsvTable) => GradeResult;

/**
 * A submission the grader cannot score. mlebench's Grader treats every exception of a grade function
 * as an invalid submission, not only its InvalidSubmissionError, so one class stands for all of them.
 */
export class InvalidSubmission extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSubmission';
  }
}

/** Throws InvalidSubmission unless `ok`. */
export function ensure(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new InvalidSubmission(reason);
}

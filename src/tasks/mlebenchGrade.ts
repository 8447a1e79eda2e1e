/**
 * Who grades an MLE-bench competition, and the grade. mlebench is the authority: its own grader, in
 * the Python named by CRUCIBLE_MLEBENCH_PYTHON (defaultPython()), where that Python has mlebench and
 * its registry knows the competition; else Crucible's native port of that competition's grader
 * (src/tasks/graders, checked against mlebench's recorded verdicts); else nobody, and a TaskError
 * that says how to install mlebench. Never a substitute metric. The grader alone decides whether a
 * submission is valid, and why not.
 */
import { TaskError } from './errors.js';
import { nativeGrader, reportedScore } from './graders/index.js';
import { formatCsv } from './csv.js';
import { defaultPython } from './sources/mlebenchRegistry.js';
import { gradeWithMlebench, mlebenchCanGrade, type MlebenchGraderOptions } from './sources/mlebenchGrader.js';
import { idKeyer, parseSubmissionCsv, readSampleSubmission, readTaskCsv } from './submission.js';
import type { TaskSpec } from './types.js';

export interface MlebenchGradeOptions {
  /** How to reach mlebench's grader; false skips it (Crucible's native grader, or a refusal). */
  mlebench?: MlebenchGraderOptions | false;
}

/** Who would grade a task's submissions, or why nobody can. */
export type GradingAuthority =
  | { gradedBy: 'mlebench'; python: string }
  | { gradedBy: 'crucible' }
  | { gradedBy: null; why: string };

/** A grade before medals: the score as mlebench reports it (rounded to 5 places), or why there is none. */
export interface MlebenchGrade {
  score: number | null;
  reason: string | null;
  gradedBy: 'crucible' | 'mlebench';
}

function competitionOf(task: TaskSpec): string {
  if (task.mlebench === undefined) throw new TaskError(`task ${task.id} is not an MLE-bench competition`);
  return task.mlebench.competitionId;
}

function needsMlebench(competitionId: string, python: string, why: string): string {
  return `competition ${competitionId} needs mlebench's grader (Crucible has no native grader for it), and ${why}. ` +
    'Install mlebench from its repository (it is not on PyPI): ' +
    `\`git clone https://github.com/openai/mle-bench && ${python} -m pip install -e mle-bench\`, ` +
    'and name that Python in CRUCIBLE_MLEBENCH_PYTHON (the same for the CLI and every worker)';
}

/**
 * Who grades the task: asks the grading process of the named Python (starting it if needed) whether
 * mlebench can grade the competition. Cheap enough to call before a run starts, so that a run that
 * could not be graded is refused at once.
 */
export async function mlebenchGradingAuthority(task: TaskSpec, options: MlebenchGradeOptions = {}): Promise<GradingAuthority> {
  const competitionId = competitionOf(task);
  const python = (options.mlebench || undefined)?.python ?? defaultPython();
  let why = 'mlebench was not asked';
  if (options.mlebench !== false) {
    const can = await mlebenchCanGrade(task, options.mlebench);
    if (can.available) return { gradedBy: 'mlebench', python };
    why = can.why;
  }
  if (nativeGrader(competitionId) !== undefined) return { gradedBy: 'crucible' };
  return { gradedBy: null, why: needsMlebench(competitionId, python, why) };
}

/**
 * The submission without the selection-holdout rows (appended, unlabelled, to the public test):
 * mlebench's grader expects the hidden test rows only. Anything else about the submission is left to
 * the grader, so a file this cannot read goes to it as it is.
 */
function hiddenTestOnly(task: TaskSpec, submissionCsvText: string): string {
  if (task.selectionPath === null) return submissionCsvText;
  const sub = parseSubmissionCsv(submissionCsvText);
  const at = typeof sub === 'string' ? -1 : sub.header.indexOf(task.idColumn);
  if (typeof sub === 'string' || at < 0) return submissionCsvText;
  const selection = readTaskCsv(task.selectionPath);
  const selectionAt = selection.header.indexOf(task.idColumn);
  if (selectionAt < 0) throw new TaskError(`${task.selectionPath}: needs the id column \`${task.idColumn}\``);
  const sample = readSampleSubmission(task);
  const key = idKeyer(sample.rows.map((r) => r[sample.header.indexOf(task.idColumn)] ?? ''));
  const held = new Set(selection.rows.map((r) => key(r[selectionAt]!)));
  return formatCsv(sub.header, sub.rows.filter((r) => !held.has(key(r[at]!))));
}

/**
 * Grades a submission of an MLE-bench task with its grading authority (mlebenchGradingAuthority).
 * A submission the grader refuses gets its reason; a task nobody can grade is a TaskError.
 */
export async function gradeMlebenchSubmission(task: TaskSpec, submissionCsvText: string, options: MlebenchGradeOptions = {}): Promise<MlebenchGrade> {
  const competitionId = competitionOf(task);
  const authority = await mlebenchGradingAuthority(task, options);
  if (authority.gradedBy === null) throw new TaskError(authority.why);
  const submission = hiddenTestOnly(task, submissionCsvText);
  const invalid = (reason: string): MlebenchGrade => ({ score: null, reason: `submission.csv: ${reason}`, gradedBy: authority.gradedBy });

  if (authority.gradedBy === 'mlebench') {
    const graded = await gradeWithMlebench(task, submission, options.mlebench || {});
    if (!graded.available) throw new TaskError(`mlebench grader for ${competitionId}: ${graded.why}`);
    const v = graded.verdict;
    return v.valid ? { score: v.reported, reason: null, gradedBy: 'mlebench' } : invalid(v.reason);
  }
  const parsed = parseSubmissionCsv(submission);
  if (typeof parsed === 'string') return invalid(parsed);
  const result = nativeGrader(competitionId)!(parsed, readTaskCsv(task.answersPath));
  return 'invalid' in result ? invalid(result.invalid) : { score: reportedScore(competitionId, result.score), reason: null, gradedBy: 'crucible' };
}

import { statSync } from 'node:fs';
import { column, parseNumber } from './csv.js';
import { TaskError } from './errors.js';
import { readLeaderboard } from './leaderboard.js';
import { awardMedal, medalThresholds, round5, type Medal, type Thresholds } from './medals.js';
import { CLASS_METRICS, MetricError, scoreClasses, score as scoreWith, type ClassMetric } from './metrics.js';
import { gradeMlebenchSubmission, type MlebenchGradeOptions } from './mlebenchGrade.js';
import { idKeyer, parseSubmissionCsv, readSampleSubmission, readTaskCsv, validateSubmission, type SubmissionRow } from './submission.js';
import { isTableTask, notTableReason, predictsClasses, type MetricName, type TableTask, type TaskSpec } from './types.js';

/** MLE-bench's competition report, camelCased, plus the medal as one value and why a submission is invalid. */
export interface GradeReport {
  taskId: string;
  metric: MetricName | null;
  /** Rounded to 5 decimals; null when the submission is invalid. */
  score: number | null;
  goldThreshold: number | null;
  silverThreshold: number | null;
  bronzeThreshold: number | null;
  medianThreshold: number | null;
  anyMedal: boolean;
  goldMedal: boolean;
  silverMedal: boolean;
  bronzeMedal: boolean;
  aboveMedian: boolean;
  validSubmission: boolean;
  isLowerBetter: boolean;
  medal: Medal | null;
  /** Why the submission is invalid; null when valid. */
  reason: string | null;
  /** Who scored it: mlebench's own grader (MLE-bench tasks, where installed) or Crucible's (its native port of that grader, or a Crucible task's metric). */
  gradedBy: 'crucible' | 'mlebench';
}

export type GradeOptions = MlebenchGradeOptions;

/** A score on a set of rows, or why there is none. */
export interface SelectionScore {
  score: number | null;
  reason: string | null;
}

/** Medal thresholds of the task's leaderboard, or null when it has none. */
export function taskThresholds(task: TaskSpec): Thresholds | null {
  if (task.leaderboardPath === null) return null;
  return medalThresholds(readLeaderboard(task.leaderboardPath, task.direction), task.direction === 'minimize');
}

/** The task as Crucible's own grader needs it: one table, one target column, a Crucible metric. */
function tableTask(task: TaskSpec): TableTask {
  if (isTableTask(task)) return task;
  throw new TaskError(`task ${task.id}: Crucible's own grader needs one table with one target column and a metric, and ${notTableReason(task)}`);
}

/** A label as compared by accuracy and the class check: numbers by value ("1.0" is "1"), text trimmed. */
export function labelKey(s: string): string {
  const v = parseNumber(s);
  return v !== null ? `\u0000${v}` : s.trim(); // the NUL prefix keeps numbers apart from text
}

/**
 * Numbers for the metric. Accuracy compares labels through one shared code per distinct label, so
 * text labels work and "1" matches "1.0"; the other metrics need numbers on both sides.
 */
function encode(metric: MetricName, truth: string[], preds: string[]): { yTrue: number[]; yPred: number[] } {
  if (metric === 'accuracy') {
    const codes = new Map<string, number>();
    const code = (s: string) => {
      const k = labelKey(s);
      if (!codes.has(k)) codes.set(k, codes.size);
      return codes.get(k)!;
    };
    return { yTrue: truth.map(code), yPred: preds.map(code) };
  }
  const t = truth.map(parseNumber);
  const p = preds.map(parseNumber);
  if (t.every((v) => v !== null) && p.every((v) => v !== null)) return { yTrue: t as number[], yPred: p as number[] };
  throw new MetricError(`${metric} needs numeric values in both the answers and the submission`);
}

/** Known class labels of a classification task (train target ∪ answers ∪ selection), cached by file and mtime. */
const classCache = new Map<string, Set<string>>();

function taskClasses(task: TableTask): Set<string> {
  const files = [task.files.train, task.answersPath, ...(task.selectionPath === null ? [] : [task.selectionPath])];
  const cacheKey = JSON.stringify(files.map((f) => [f, statSync(f).mtimeMs]).concat([[task.target, 0]]));
  const cached = classCache.get(cacheKey);
  if (cached) return cached;
  const classes = new Set<string>();
  for (const f of files) {
    const table = readTaskCsv(f);
    const idx = table.header.indexOf(task.target);
    if (idx < 0) continue;
    for (const row of table.rows) if (row[idx]!.trim() !== '') classes.add(labelKey(row[idx]!));
  }
  classCache.set(cacheKey, classes);
  return classes;
}

function shown(values: Iterable<string>, n = 5): string {
  const all = [...values].map((v) => (v.startsWith('\u0000') ? v.slice(1) : v));
  return all.slice(0, n).join(', ') + (all.length > n ? ', …' : '');
}

/**
 * Predictions a metric would silently accept but that cannot be right: a label outside the task's
 * classes (accuracy), a probability outside [0, 1] (logloss, and every column of class
 * probabilities). Null when fine.
 */
function outOfRange(task: TableTask, ids: string[], rows: readonly SubmissionRow[]): string | null {
  const classes = predictsClasses(task);
  if (task.metric === 'accuracy' && task.type !== 'tabular-regression' && !classes) {
    const known = taskClasses(task);
    const bad = rows.findIndex((r) => !known.has(labelKey(r[task.target]!)));
    if (bad >= 0) {
      return `column \`${task.target}\`: ${JSON.stringify(rows[bad]![task.target])} for id ${ids[bad]} is not one of the classes (${shown(known)})`;
    }
  }
  if (task.metric === 'logloss' || classes) {
    for (const col of task.predictionColumns) {
      const bad = rows.findIndex((r) => {
        const v = parseNumber(r[col]!);
        return v !== null && (v < 0 || v > 1);
      });
      if (bad >= 0) return `column \`${col}\`: ${rows[bad]![col]!.trim()} for id ${ids[bad]} is not a probability in [0, 1]`;
    }
  }
  return null;
}

/**
 * Out-of-range predictions anywhere in the submission (hidden test and selection rows alike, so that
 * validity never depends on which rows are held out), as a reason; null when none.
 */
function wholeSubmissionUnfit(task: TableTask, rows: readonly SubmissionRow[]): string | null {
  const bad = outOfRange(task, rows.map((r) => r[task.idColumn]!), rows);
  return bad === null ? null : `submission.csv: ${bad}`;
}

/** Submission rows (validated, sample order) by id key, and the keyer that compares ids the way validation did. */
function predictionsById(task: TableTask, rows: readonly SubmissionRow[]): { key: (id: string) => string; byId: Map<string, SubmissionRow>; sampleKeys: Set<string> } {
  const sampleIds = column(readSampleSubmission(task), task.idColumn);
  const key = idKeyer(sampleIds);
  const byId = new Map(rows.map((row, i) => [key(sampleIds[i]!), row]));
  return { key, byId, sampleKeys: new Set(byId.keys()) };
}

/**
 * Scores validated submission rows on the rows of one answers file (the hidden test, or the
 * selection holdout); the other rows of the submission are ignored. A submission the metric cannot
 * score gets a reason; answers whose ids are not in the sample submission are the task's fault.
 */
function scoreOn(task: TableTask, answersFile: string, rows: readonly SubmissionRow[]): SelectionScore {
  const answers = readTaskCsv(answersFile);
  const idIdx = answers.header.indexOf(task.idColumn);
  const targetIdx = answers.header.indexOf(task.target);
  if (idIdx < 0 || targetIdx < 0) throw new TaskError(`${answersFile}: needs columns \`${task.idColumn}\` and \`${task.target}\``);
  if (answers.rows.length === 0) throw new TaskError(`${answersFile}: no rows to score`);
  const { key, byId } = predictionsById(task, rows);
  const missing = answers.rows.find((r) => !byId.has(key(r[idIdx]!)));
  if (missing !== undefined) {
    throw new TaskError(`${answersFile}: id ${missing[idIdx]} is not in ${task.files.sampleSubmission}; its ids must be among the sample submission's`);
  }
  const ids = answers.rows.map((r) => r[idIdx]!);
  const truth = answers.rows.map((r) => r[targetIdx]!);
  const preds = answers.rows.map((r) => byId.get(key(r[idIdx]!))!);
  return scoreRows(task, ids, truth, preds, answersFile);
}

/**
 * Class indices of the true labels and the rows of probabilities, in the order of the prediction
 * columns. A true label that is no prediction column is the task's fault (`truthFile`, or the train
 * file for a k-fold fold): its sample submission lacks a class.
 */
function encodeClasses(task: TableTask, truth: string[], preds: readonly SubmissionRow[], truthFile: string): { yTrue: number[]; probs: number[][] } {
  const index = new Map(task.predictionColumns.map((c, i) => [labelKey(c), i]));
  const yTrue = truth.map((label) => {
    const i = index.get(labelKey(label));
    if (i === undefined) {
      throw new TaskError(`${truthFile}: class ${JSON.stringify(label)} of \`${task.target}\` is not a column of ${task.files.sampleSubmission} (${task.predictionColumns.join(', ')})`);
    }
    return i;
  });
  const probs = preds.map((row) => task.predictionColumns.map((c) => parseNumber(row[c]!) ?? Number.NaN));
  return { yTrue, probs };
}

/** The metric on aligned labels and prediction rows; a reason instead of a score when it cannot be right. */
function scoreRows(task: TableTask, ids: string[], truth: string[], preds: readonly SubmissionRow[], truthFile: string): SelectionScore {
  const bad = outOfRange(task, ids, preds);
  if (bad !== null) return { score: null, reason: `submission.csv: ${bad}` };
  try {
    if (predictsClasses(task)) {
      if (!(CLASS_METRICS as readonly MetricName[]).includes(task.metric)) throw new MetricError(`class-probability columns are scored with ${CLASS_METRICS.join(' or ')}, not ${task.metric}`);
      const { yTrue, probs } = encodeClasses(task, truth, preds, truthFile);
      return { score: round5(scoreClasses(task.metric as ClassMetric, yTrue, probs)), reason: null };
    }
    const { yTrue, yPred } = encode(task.metric, truth, preds.map((r) => r[task.target]!));
    return { score: round5(scoreWith(task.metric, yTrue, yPred)), reason: null };
  } catch (err) {
    if (!(err instanceof MetricError)) throw err;
    return { score: null, reason: `submission.csv: cannot be scored with ${task.metric}: ${err.message}` };
  }
}

/**
 * Scores a submission against labels held outside the task files (a k-fold re-evaluation's fold):
 * it must hold the id and prediction columns and exactly one row per id of `truth`. Never throws on
 * a bad submission: null and a reason.
 */
export function scoreAgainst(spec: TaskSpec, truth: { ids: string[]; labels: string[] }, submissionCsvText: string): SelectionScore {
  const task = tableTask(spec);
  const invalid = (reason: string): SelectionScore => ({ score: null, reason: `submission.csv: ${reason}` });
  try {
    const sub = parseSubmissionCsv(submissionCsvText);
    if (typeof sub === 'string') return invalid(sub);
    const idIdx = sub.header.indexOf(task.idColumn);
    const wanted = [task.idColumn, ...task.predictionColumns];
    const missingCols = wanted.filter((c) => !sub.header.includes(c));
    if (missingCols.length > 0) return invalid(`missing column ${missingCols.map((c) => `\`${c}\``).join(', ')} (got: ${sub.header.join(', ')})`);
    if (sub.rows.length !== truth.ids.length) return invalid(`${sub.rows.length} rows, expected ${truth.ids.length}`);
    const key = idKeyer(truth.ids);
    const byId = new Map<string, SubmissionRow>();
    for (const row of sub.rows) {
      const k = key(row[idIdx]!);
      if (byId.has(k)) return invalid(`duplicate id ${row[idIdx]!.trim()}`);
      byId.set(k, Object.fromEntries(wanted.map((c) => [c, row[sub.header.indexOf(c)]!])));
    }
    const preds: SubmissionRow[] = [];
    for (const id of truth.ids) {
      const p = byId.get(key(id));
      if (p === undefined) return invalid(`id ${id} missing`);
      const empty = task.predictionColumns.find((c) => p[c]!.trim() === '');
      if (empty !== undefined) return invalid(`column \`${empty}\`: missing value for id ${id}`);
      preds.push(p);
    }
    return scoreRows(task, truth.ids, truth.labels, preds, task.files.train);
  } catch (err) {
    return { score: null, reason: unexpected(err) };
  }
}

/** A failure that is not the task's: the submission is recorded invalid, never crashes the grader. */
function unexpected(err: unknown): string {
  if (err instanceof TaskError) throw err;
  return `submission.csv: could not be graded: ${err instanceof Error ? err.message : String(err)}`;
}

/** The report of a score (null: invalid) with the task's thresholds and mlebench's medal rules applied. */
function report(task: TaskSpec, score: number | null, reason: string | null, gradedBy: GradeReport['gradedBy']): GradeReport {
  const isLowerBetter = task.direction === 'minimize';
  const thresholds = taskThresholds(task);
  const medals = awardMedal(score, thresholds, isLowerBetter);
  return {
    taskId: task.id,
    metric: task.metric,
    score,
    goldThreshold: thresholds?.gold ?? null,
    silverThreshold: thresholds?.silver ?? null,
    bronzeThreshold: thresholds?.bronze ?? null,
    medianThreshold: thresholds?.median ?? null,
    anyMedal: medals.anyMedal,
    goldMedal: medals.goldMedal,
    silverMedal: medals.silverMedal,
    bronzeMedal: medals.bronzeMedal,
    aboveMedian: medals.aboveMedian,
    validSubmission: score !== null,
    isLowerBetter,
    medal: medals.medal,
    reason,
    gradedBy,
  };
}

/**
 * Grades a submission on the hidden answers the way MLE-bench does: an invalid submission gets a
 * null score and no medal, but the thresholds are still reported; a valid one is scored, rounded to
 * 5 decimals, and compared with the leaderboard (inclusive thresholds, exclusive medals, strict
 * median). An MLE-bench task goes to its grading authority (mlebenchGrade.ts: mlebench's own grader,
 * else Crucible's native port of it, else a TaskError), which alone decides validity. A Crucible task
 * is validated against the sample submission, then only the rows of the answers (the hidden test)
 * are scored: selection-holdout rows are ignored. Problems with the task itself (answers,
 * leaderboard, no grader) throw TaskError; a bad submission never throws.
 */
export async function gradeSubmission(task: TaskSpec, submissionCsvText: string, options: GradeOptions = {}): Promise<GradeReport> {
  if (task.mlebench !== undefined) {
    const graded = await gradeMlebenchSubmission(task, submissionCsvText, options);
    return report(task, graded.score, graded.reason, graded.gradedBy);
  }
  const table = tableTask(task);
  let score: number | null = null;
  let reason: string | null = null;
  try {
    const check = validateSubmission(table, submissionCsvText);
    const unfit = check.valid ? wholeSubmissionUnfit(table, check.rows) : null;
    if (!check.valid) reason = check.reason;
    else if (unfit !== null) reason = unfit;
    else ({ score, reason } = scoreOn(table, table.answersPath, check.rows));
  } catch (err) {
    score = null;
    reason = unexpected(err);
  }
  return report(task, score, reason, 'crucible');
}

/**
 * Scores a submission on the selection holdout only: the rows whose inputs were appended, unlabelled,
 * to the public test file. The whole submission must be valid against the sample submission. Null
 * and a reason when it is not, when the metric cannot score it, or when the task has no selection
 * holdout. Crucible's own metric, never the mlebench grader (which knows nothing of the holdout).
 */
export async function gradeSelection(spec: TaskSpec, submissionCsvText: string): Promise<SelectionScore> {
  const task = tableTask(spec);
  if (task.selectionPath === null) return { score: null, reason: `task ${task.id} has no selection holdout (task.yaml \`selection:\`)` };
  try {
    const check = validateSubmission(task, submissionCsvText);
    if (!check.valid) return { score: null, reason: check.reason };
    const unfit = wholeSubmissionUnfit(task, check.rows);
    if (unfit !== null) return { score: null, reason: unfit };
    return scoreOn(task, task.selectionPath, check.rows);
  } catch (err) {
    return { score: null, reason: unexpected(err) };
  }
}

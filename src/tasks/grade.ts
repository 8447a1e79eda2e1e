import { column, CsvError, parseNumber, readCsvFile, type CsvTable } from './csv.js';
import { TaskError } from './errors.js';
import { readLeaderboard } from './leaderboard.js';
import { awardMedal, medalThresholds, round5, type Medal, type Thresholds } from './medals.js';
import { MetricError, score as scoreWith } from './metrics.js';
import { idKeyer, readSampleSubmission, validateSubmission } from './submission.js';
import type { MetricName, TaskSpec } from './types.js';

/** MLE-bench's competition report, camelCased, plus the medal as one value and why a submission is invalid. */
export interface GradeReport {
  taskId: string;
  metric: MetricName;
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
}

/** Medal thresholds of the task's leaderboard, or null when it has none. */
export function taskThresholds(task: TaskSpec): Thresholds | null {
  if (task.leaderboardPath === null) return null;
  return medalThresholds(readLeaderboard(task.leaderboardPath, task.direction), task.direction === 'minimize');
}

function readAnswers(task: TaskSpec): CsvTable {
  try {
    return readCsvFile(task.answersPath);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
}

/**
 * Numbers for the metric. Labels that are not numbers (e.g. "cat"/"dog") are only meaningful to
 * accuracy, which compares them through one shared code per distinct label.
 */
function encode(metric: MetricName, truth: string[], preds: string[]): { yTrue: number[]; yPred: number[] } {
  const t = truth.map(parseNumber);
  const p = preds.map(parseNumber);
  if (t.every((v) => v !== null) && p.every((v) => v !== null)) return { yTrue: t as number[], yPred: p as number[] };
  if (metric !== 'accuracy') throw new MetricError(`${metric} needs numeric values in both the answers and the submission`);
  const codes = new Map<string, number>();
  const code = (s: string) => {
    const k = s.trim();
    if (!codes.has(k)) codes.set(k, codes.size);
    return codes.get(k)!;
  };
  return { yTrue: truth.map(code), yPred: preds.map(code) };
}

/**
 * Grades a submission on the hidden answers the way MLE-bench does: an invalid submission gets a
 * null score and no medal, but the thresholds are still reported; a valid one is scored, rounded to
 * 5 decimals, and compared with the leaderboard (inclusive thresholds, exclusive medals, strict
 * median). Problems with the task itself (answers, leaderboard) throw TaskError.
 */
export async function gradeSubmission(task: TaskSpec, submissionCsvText: string): Promise<GradeReport> {
  const isLowerBetter = task.direction === 'minimize';
  const thresholds = taskThresholds(task);

  let score: number | null = null;
  let reason: string | null = null;
  const check = validateSubmission(task, submissionCsvText);
  if (!check.valid) {
    reason = check.reason;
  } else {
    const answers = readAnswers(task);
    const idIdx = answers.header.indexOf(task.idColumn);
    const targetIdx = answers.header.indexOf(task.target);
    if (idIdx < 0 || targetIdx < 0) {
      throw new TaskError(`${task.answersPath}: needs columns \`${task.idColumn}\` and \`${task.target}\``);
    }
    // Validated rows follow the sample's row order; ids compare the way validation compared them.
    const sampleIds = column(readSampleSubmission(task), task.idColumn);
    const key = idKeyer(sampleIds);
    const predicted = new Map(check.rows.map((row, i) => [key(sampleIds[i]!), row[task.target]!]));
    if (answers.rows.length !== predicted.size || answers.rows.some((r) => !predicted.has(key(r[idIdx]!)))) {
      throw new TaskError(`${task.answersPath}: its ids differ from those of ${task.files.sampleSubmission}`);
    }
    const truth = answers.rows.map((r) => r[targetIdx]!);
    const preds = answers.rows.map((r) => predicted.get(key(r[idIdx]!))!);
    try {
      const { yTrue, yPred } = encode(task.metric, truth, preds);
      score = round5(scoreWith(task.metric, yTrue, yPred));
    } catch (err) {
      if (!(err instanceof MetricError)) throw err;
      reason = `submission.csv: cannot be scored with ${task.metric}: ${err.message}`;
    }
  }

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
  };
}

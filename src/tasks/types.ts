import type { Direction } from '../core/node.js';

/**
 * What a task's rows hold. tabular-*: feature columns. text-classification: a `text` column of raw
 * text. image-classification: an `image` column holding a path relative to the data folder (an 8-bit
 * grayscale or RGB PNG under public/, e.g. images/17.png). The target is a class label (classification)
 * or a number (regression); submissions hold one value per row (a label, or for auc/logloss the
 * probability of class 1), or one probability column per class (predictsClasses). other: an MLE-bench competition whose data is not one table of rows to
 * predict (images or audio in folders, JSON, sequence outputs, …); `mlebench.shape` says what it holds.
 */
export type TaskType = 'tabular-classification' | 'tabular-regression' | 'text-classification' | 'image-classification' | 'other';
export type MetricName = 'accuracy' | 'auc' | 'logloss' | 'rmse' | 'mae' | 'f1';

/** A loaded, validated task (Crucible layout: task.yaml + description.md + public/ + private/; or an MLE-bench prepared competition). */
export interface TaskSpec {
  id: string;
  name: string;
  type: TaskType;
  /**
   * The metric a solution reports on its own validation split, and what grades a Crucible task. An
   * MLE-bench competition is graded by its own grader whatever this says; null where no Crucible
   * metric is its grader's (quadratic weighted kappa, MAP@k, …).
   */
  metric: MetricName | null;
  direction: Direction;
  /**
   * The train column a solution learns: the one prediction column, or for class-probability
   * submissions the label column whose classes are the prediction columns. Null when no train
   * table holds it (MLE-bench competitions of type other, or several target columns).
   */
  target: string | null;
  /** Row id column of the sample submission (and of test and answers, where those are tables). */
  idColumn: string;
  /** The sample submission's columns a solution fills in, in order: one or more. */
  predictionColumns: string[];
  /** Absolute path of the task folder. */
  dir: string;
  /** Absolute paths. */
  descriptionPath: string;
  publicDir: string;
  /** Train and test tables (CSV), where the public folder has them; the sample submission always. */
  files: { train: string | null; test: string | null; sampleSubmission: string };
  answersPath: string;
  /**
   * Answers of the selection holdout: rows whose inputs are appended to the public test file (and
   * sample submission) without labels, so no agent can tell them apart; grading scores the test rows
   * against answersPath only, and selection strategies score these rows. Null when the task has none.
   */
  selectionPath: string | null;
  leaderboardPath: string | null;
  /** Executions need a GPU: they go to the GPU exec queue. */
  gpu: boolean;
  /**
   * Set when the task is a competition prepared by `mlebench prepare` (prepared/public +
   * prepared/private): grading then goes through the mlebench grader when it is installed.
   */
  mlebench?: {
    competitionId: string;
    /** mlebench's data dir: the folder holding `<competitionId>/prepared/`. */
    dataDir: string;
    /** Registry folder of the competition: config.yaml, and leaderboard.csv where mlebench has it. */
    registryDir: string;
    /** config.yaml `grader.name`. */
    graderName: string;
    /** What the public folder holds, in one line (formats, counts, sizes): for people and prompts. */
    shape: string;
    /** Why medals cannot be awarded (no leaderboard, or a Git LFS pointer in its place); null when they can. */
    leaderboardProblem: string | null;
  };
}

/**
 * A task that is one table of rows with one target column and a Crucible metric: every Crucible task,
 * and the MLE-bench competitions of that shape. What the offline operators, k-fold re-evaluation
 * and Crucible's own grader work on.
 */
export interface TableTask extends TaskSpec {
  type: Exclude<TaskType, 'other'>;
  metric: MetricName;
  target: string;
  files: { train: string; test: string; sampleSubmission: string };
}

export function isTableTask(task: TaskSpec): task is TableTask {
  return task.type !== 'other' && task.metric !== null && task.target !== null && task.files.train !== null && task.files.test !== null;
}

/**
 * The prediction columns are the classes of the target (one probability per class, scored with
 * multi-class logloss or one-vs-rest auc) rather than the target itself.
 */
export function predictsClasses(task: Pick<TaskSpec, 'target' | 'predictionColumns'>): boolean {
  return task.target !== null && !(task.predictionColumns.length === 1 && task.predictionColumns[0] === task.target);
}

/** Why a task is not a TableTask, in words; null when it is one. */
export function notTableReason(task: TaskSpec): string | null {
  if (isTableTask(task)) return null;
  if (task.type === 'other') return task.mlebench?.shape ?? 'its data is not one table of rows to predict';
  if (task.target === null) return `it predicts several columns (${task.predictionColumns.join(', ')})`;
  if (task.metric === null) return `its grader (${task.mlebench?.graderName ?? 'unknown'}) has no Crucible metric to validate with`;
  return 'it has no train and test tables';
}

/** What a task's scores are called in summaries and reports: an MLE-bench competition's grader, else the metric. */
export function scoreName(task: TaskSpec): string {
  return task.mlebench?.graderName ?? task.metric ?? 'unknown';
}

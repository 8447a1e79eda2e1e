import type { Direction } from '../core/node.js';

/**
 * What a task's rows hold. tabular-*: feature columns. text-classification: a `text` column of raw
 * text. image-classification: an `image` column holding a path relative to the data folder (an 8-bit
 * grayscale or RGB PNG under public/, e.g. images/17.png). The target is a class label (classification)
 * or a number (regression); submissions hold one value per row (a label, or for auc/logloss the
 * probability of class 1).
 */
export type TaskType = 'tabular-classification' | 'tabular-regression' | 'text-classification' | 'image-classification';
export type MetricName = 'accuracy' | 'auc' | 'logloss' | 'rmse' | 'mae' | 'f1';

/** A loaded, validated task (Crucible layout: task.yaml + description.md + public/ + private/; or an MLE-bench prepared competition). */
export interface TaskSpec {
  id: string;
  name: string;
  type: TaskType;
  metric: MetricName;
  direction: Direction;
  /** Column to predict, present in train and in the answers. */
  target: string;
  /** Row id column, present in test, sample submission and answers. */
  idColumn: string;
  /** Absolute path of the task folder. */
  dir: string;
  /** Absolute paths. */
  descriptionPath: string;
  publicDir: string;
  files: { train: string; test: string; sampleSubmission: string };
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
    /** Registry folder used for config.yaml and leaderboard.csv, or null. */
    registryDir: string | null;
    /** config.yaml `grader.name`, or null. */
    graderName: string | null;
  };
}

import type { Direction } from '../search/types.js';

export type TaskType = 'tabular-classification' | 'tabular-regression';
export type MetricName = 'accuracy' | 'auc' | 'logloss' | 'rmse' | 'mae' | 'f1';

/** A loaded, validated task (Crucible layout: task.yaml + description.md + public/ + private/). */
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
  leaderboardPath: string | null;
  /** Executions need a GPU: they go to the GPU exec queue. */
  gpu: boolean;
}

import { z } from 'zod';
import type { MetricName, TaskType } from './types.js';

// `satisfies` ties the accepted words to the contract in types.ts.
const TASK_TYPES = ['tabular-classification', 'tabular-regression', 'text-classification', 'image-classification'] as const satisfies readonly TaskType[];
const METRIC_NAMES = ['accuracy', 'auc', 'logloss', 'rmse', 'mae', 'f1'] as const satisfies readonly MetricName[];

const relativeFile = z.string().trim().min(1);

/**
 * task.yaml, as written by a task's prepare script. Unknown keys are rejected so that a misspelt
 * field fails loudly instead of silently taking its default.
 */
export const taskYamlSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit'),
  name: z.string().trim().min(1),
  type: z.enum(TASK_TYPES),
  metric: z.enum(METRIC_NAMES),
  direction: z.enum(['maximize', 'minimize']).optional(),
  target: z.string().min(1),
  id_column: z.string().min(1),
  /** Relative to public/. */
  files: z.strictObject({
    train: relativeFile,
    test: relativeFile,
    sample_submission: relativeFile,
  }),
  /** Relative to the task folder. */
  answers: relativeFile.default('private/answers.csv'),
  /** Relative to the task folder: answers of the selection holdout (rows appended, unlabelled, to the public test file). */
  selection: relativeFile.optional(),
  /** Relative to the task folder; when absent, leaderboard.csv is used if it exists. */
  leaderboard: relativeFile.optional(),
  /** What a solution needs to run; `gpu: true` routes its executions to GPU exec workers. */
  resources: z.strictObject({ gpu: z.boolean().default(false) }).default({ gpu: false }),
});

export type TaskYaml = z.infer<typeof taskYamlSchema>;

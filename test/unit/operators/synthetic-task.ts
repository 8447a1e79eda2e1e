import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRng } from '../../../src/operators/offline/rng.js';
import type { MetricName, TaskSpec, TaskType } from '../../../src/tasks/types.js';

/** Small synthetic tasks in the Crucible layout, for running generated solutions in tests. */

export interface SyntheticTaskOptions {
  type: TaskType;
  metric: MetricName;
  trainRows?: number;
  testRows?: number;
  /** Classification only: label values for the two classes. */
  labels?: [string, string];
}

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export function makeSyntheticTask(root: string, id: string, options: SyntheticTaskOptions): TaskSpec {
  const { type, metric, trainRows = 400, testRows = 170 } = options;
  const rng = createRng(7, id);
  const dir = path.join(root, id);
  const publicDir = path.join(dir, 'public');
  mkdirSync(publicDir, { recursive: true });
  mkdirSync(path.join(dir, 'private'), { recursive: true });

  const header = ['id', 'x1', 'x2', 'x3', 'x4', 'color', 'target'];
  const rows: string[][] = [];
  for (let i = 0; i < trainRows + testRows; i++) {
    const x = [normal(rng.next), normal(rng.next), normal(rng.next), normal(rng.next)] as [number, number, number, number];
    const color = rng.pick(['red', 'green', 'blue']);
    const signal = 1.5 * x[0] - x[1] + 0.5 * x[2] * x[3] + (color === 'red' ? 0.8 : 0) + 0.5 * normal(rng.next);
    const target =
      type === 'tabular-classification'
        ? (options.labels ?? ['0', '1'])[signal > 0 ? 1 : 0]
        : (10 + 3 * signal).toFixed(4);
    // Some missing values, so imputation has work to do.
    const x3 = rng.chance(0.08) ? '' : x[2].toFixed(4);
    const c = rng.chance(0.05) ? '' : color;
    rows.push([String(1000 + i), x[0].toFixed(4), x[1].toFixed(4), x3, x[3].toFixed(4), c, target]);
  }
  const csv = (lines: string[][]): string => lines.map((l) => l.join(',')).join('\n') + '\n';
  const train = rows.slice(0, trainRows);
  const test = rows.slice(trainRows);
  writeFileSync(path.join(publicDir, 'train.csv'), csv([header, ...train]));
  writeFileSync(path.join(publicDir, 'test.csv'), csv([header.slice(0, -1), ...test.map((r) => r.slice(0, -1))]));
  const placeholder = type === 'tabular-classification' && metric !== 'auc' && metric !== 'logloss' ? (options.labels ?? ['0', '1'])[0] : '0';
  writeFileSync(path.join(publicDir, 'sample_submission.csv'), csv([['id', 'target'], ...test.map((r) => [r[0] as string, placeholder])]));
  writeFileSync(path.join(dir, 'private', 'answers.csv'), csv([['id', 'target'], ...test.map((r) => [r[0] as string, r[6] as string])]));
  writeFileSync(path.join(dir, 'description.md'), `# ${id}\n\nSynthetic ${type} task for tests.\n`);

  return {
    id,
    name: id,
    type,
    metric,
    direction: metric === 'logloss' || metric === 'rmse' || metric === 'mae' ? 'minimize' : 'maximize',
    target: 'target',
    idColumn: 'id',
    dir,
    descriptionPath: path.join(dir, 'description.md'),
    publicDir,
    files: {
      train: path.join(publicDir, 'train.csv'),
      test: path.join(publicDir, 'test.csv'),
      sampleSubmission: path.join(publicDir, 'sample_submission.csv'),
    },
    answersPath: path.join(dir, 'private', 'answers.csv'),
    gpu: false,
    selectionPath: null,
    leaderboardPath: null,
  };
}

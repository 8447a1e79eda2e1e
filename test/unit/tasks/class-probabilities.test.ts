import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/tasks/csv.js';
import { materializeFold, samplePlaceholder, splitFold } from '../../../src/tasks/folds.js';
import { gradeSelection, gradeSubmission, scoreAgainst } from '../../../src/tasks/grade.js';
import { loadTask, TaskError } from '../../../src/tasks/load.js';
import { predictsClasses, type TableTask, type TaskSpec } from '../../../src/tasks/types.js';
import { DEFAULT_YAML, tempDir, writeTask } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir()));
afterAll(() => cleanup());

/**
 * Three classes, one with a space in its name (as diamonds' `Very Good`): the sample submission has
 * one uniform probability column per class; answers keep the label. Ids 1..6 are the hidden test,
 * 7..8 the selection holdout.
 */
const CLASSES = ['a', 'b', 'c d'];
const HIDDEN = ['a', 'c d', 'b', 'c d', 'a', 'b'];
const HOLDOUT = ['b', 'a'];
// The case of test/unit/tasks/metrics.test.ts: scikit-learn's log_loss is 0.8337778540745132 and
// roc_auc_score(multi_class='ovr', average='macro') 0.8333333333333334.
const PROBS = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3], [0.5, 0.4, 0.1]];
const HOLDOUT_PROBS = [[0.1, 0.8, 0.1], [0.6, 0.2, 0.2]];

const yaml = (metric: string) => DEFAULT_YAML.replace('metric: accuracy', `metric: ${metric}`).replace('target: target', 'target: grade') + 'selection: private/selection.csv\n';
const third = (1 / 3).toString();

function classTask(name: string, opts: { metric?: string; sampleHeader?: string; answers?: readonly string[] } = {}): string {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8];
  const header = opts.sampleHeader ?? `id,${CLASSES.join(',')}`;
  const width = header.split(',').length - 1;
  const dir = writeTask(path.join(root, name), {
    yaml: yaml(opts.metric ?? 'logloss'),
    train: 'id,x,grade\n10,0.1,a\n11,0.5,b\n12,0.9,c d\n',
    test: 'id,x\n' + ids.map((i) => `${i},${i / 10}`).join('\n') + '\n',
    sample: header + '\n' + ids.map((i) => [i, ...Array<string>(width).fill(third)].join(',')).join('\n') + '\n',
    answers: 'id,grade\n' + (opts.answers ?? HIDDEN).map((y, i) => `${i + 1},${y}`).join('\n') + '\n',
  });
  writeFileSync(path.join(dir, 'private/selection.csv'), 'id,grade\n' + HOLDOUT.map((y, i) => `${HIDDEN.length + i + 1},${y}`).join('\n') + '\n');
  return dir;
}

function submission(rows: readonly (readonly number[])[], header = `id,${CLASSES.join(',')}`): string {
  return header + '\n' + rows.map((r, i) => [i + 1, ...r].join(',')).join('\n') + '\n';
}

describe('a Crucible task whose sample submission has one probability column per class', () => {
  let task: TaskSpec;
  beforeAll(async () => {
    task = await loadTask(classTask('logloss'));
  });

  it('loads its prediction columns from the sample submission header: the classes of the target', () => {
    expect(task.predictionColumns).toEqual(CLASSES);
    expect(task.target).toBe('grade');
    expect(predictsClasses(task)).toBe(true);
  });

  it('grades the hidden rows with multi-class logloss, as scikit-learn computes it', async () => {
    const report = await gradeSubmission(task, submission([...PROBS, ...HOLDOUT_PROBS]));
    expect(report).toMatchObject({ score: 0.83378, validSubmission: true, reason: null, isLowerBetter: true });
  });

  it('scores the selection holdout on its own rows', async () => {
    // -(log 0.8 + log 0.6) / 2
    const expected = Math.round((-(Math.log(0.8) + Math.log(0.6)) / 2) * 1e5) / 1e5;
    expect(await gradeSelection(task, submission([...PROBS, ...HOLDOUT_PROBS]))).toEqual({ score: expected, reason: null });
  });

  it('matches class columns by name, in any order', async () => {
    const reordered = submission([...PROBS, ...HOLDOUT_PROBS].map(([a, b, c]) => [c!, a!, b!]), 'id,c d,a,b');
    expect((await gradeSubmission(task, reordered)).score).toBe(0.83378);
  });

  it('refuses a probability outside [0, 1] in any class column, naming the column and id', async () => {
    const rows = [...PROBS, ...HOLDOUT_PROBS].map((r) => [...r]);
    rows[7]![2] = 1.5; // a holdout row: validity never depends on which rows are scored
    const report = await gradeSubmission(task, submission(rows));
    expect(report).toMatchObject({ score: null, validSubmission: false, reason: 'submission.csv: column `c d`: 1.5 for id 8 is not a probability in [0, 1]' });
  });

  it('refuses a submission that lacks a class column or gives the label instead', async () => {
    const missing = await gradeSubmission(task, submission([...PROBS, ...HOLDOUT_PROBS].map((r) => r.slice(0, 2)), 'id,a,b'));
    expect(missing.reason).toMatch(/missing column `c d`/);
    const labels = await gradeSubmission(task, 'id,grade\n' + [...HIDDEN, ...HOLDOUT].map((y, i) => `${i + 1},${y}`).join('\n') + '\n');
    expect(labels.validSubmission).toBe(false);
    expect(labels.reason).toMatch(/missing columns `a`, `b`, `c d`/);
  });

  it('grades with macro one-vs-rest auc when the metric is auc', async () => {
    const aucTask = await loadTask(classTask('auc', { metric: 'auc' }));
    expect((await gradeSubmission(aucTask, submission([...PROBS, ...HOLDOUT_PROBS]))).score).toBe(0.83333);
  });

  it('scores a k-fold fold (labels outside the task files) on the class columns', () => {
    const truth = { ids: ['10', '11', '12'], labels: ['a', 'b', 'c d'] };
    const sub = 'id,a,b,c d\n10,0.5,0.25,0.25\n11,0.25,0.5,0.25\n12,0.25,0.25,0.5\n';
    expect(scoreAgainst(task, truth, sub)).toEqual({ score: Math.round(-Math.log(0.5) * 1e5) / 1e5, reason: null });
    expect(scoreAgainst(task, truth, 'id,a,b\n10,1,0\n11,0,1\n12,0,1\n')).toEqual({ score: null, reason: 'submission.csv: missing column `c d` (got: id, a, b)' });
    expect(scoreAgainst(task, truth, 'id,a,b,c d\n10,x,0,0\n11,0,1,0\n12,0,0,1\n').reason).toMatch(/not a finite number/);
  });
});

describe('loading refuses a class-probability task that cannot be graded', () => {
  it('a metric that does not score probabilities', async () => {
    await expect(loadTask(classTask('accuracy', { metric: 'accuracy' }))).rejects.toThrow(
      /field `metric`: accuracy cannot score the class-probability columns .* use logloss or auc/,
    );
  });

  it('an answer whose class has no column, naming the file and the class', async () => {
    const dir = classTask('unknown-class', { answers: ['a', 'b', 'e', 'a', 'b', 'a'] });
    const err = await loadTask(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toContain(`${path.join(dir, 'private/answers.csv')}: class "e" of \`grade\` is not a column of`);
  });

  it('a sample submission with the target and further columns', async () => {
    await expect(loadTask(classTask('target-and-more', { sampleHeader: 'id,grade,a' }))).rejects.toThrow(/either the target `grade` alone, or one probability column per class/);
  });
});

describe('k-fold data of a class-probability task', () => {
  const train = { header: ['id', 'x', 'grade'], rows: Array.from({ length: 30 }, (_, i) => [String(i + 1), String(i), CLASSES[i % 3]!]) };

  it("the fold's sample submission holds the task's placeholder values, never the fold's labels", () => {
    const split = splitFold(train, { idColumn: 'id', target: 'grade' }, 3, 0, { columns: CLASSES, values: [third, third, third] });
    expect(split.sample.header).toEqual(['id', ...CLASSES]);
    expect(split.sample.rows.every((r) => r.slice(1).every((v) => v === third))).toBe(true);
    expect(split.truth.labels).toEqual(split.test.rows.map((r) => CLASSES[(Number(r[0]) - 1) % 3]));
    // A single-column task gets the default placeholder 0, not its labels.
    const plain = splitFold(train, { idColumn: 'id', target: 'grade' }, 3, 0);
    expect(plain.sample.rows.map((r) => r[1])).toEqual(plain.sample.rows.map(() => '0'));
  });

  it('materializeFold writes that sample submission from the task data folder', async () => {
    const task = (await loadTask(classTask('fold-data'))) as TableTask;
    expect(samplePlaceholder(task, task.files.sampleSubmission)).toEqual({ columns: CLASSES, values: [third, third, third] });
    const { dir } = await materializeFold(task, task.publicDir, 2, 0, path.join(root, 'fold-data-0'));
    const sample = parseCsv(readFileSync(path.join(dir, 'sample_submission.csv'), 'utf8'));
    expect(sample.header).toEqual(['id', ...CLASSES]);
    expect(sample.rows.every((r) => r.slice(1).every((v) => v === third))).toBe(true);
  });
});

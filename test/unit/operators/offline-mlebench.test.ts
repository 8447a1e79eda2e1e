import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOffline, offlineTask, readGenome, UnfitTaskError } from '../../../src/operators/offline/index.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import { column, parseCsv, readCsvFile, type CsvTable } from '../../../src/tasks/csv.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { loadTask } from '../../../src/tasks/load.js';
import type { TaskSpec } from '../../../src/tasks/types.js';

/**
 * The offline operators on the MLE-bench lite competitions: drafts for those that are one table of
 * rows to predict run with the venv's Python on the fixture's public folder and write a submission
 * in the sample submission's shape that the native grader accepts; every other competition is
 * refused at once, saying why and how to run it with an LLM endpoint.
 */

const LITE = path.resolve('test/fixtures/mlebench-lite');
const REGISTRY = path.resolve('test/fixtures/mlebench-registry');

/** The solvable ones, with the metric their solution validates with and whether its columns are class probabilities. */
const SOLVABLE: Record<string, { metric: string; classes?: true }> = {
  'detecting-insults-in-social-commentary': { metric: 'auc' },
  'jigsaw-toxic-comment-classification-challenge': { metric: 'auc' },
  'leaf-classification': { metric: 'logloss', classes: true },
  'new-york-city-taxi-fare-prediction': { metric: 'rmse' },
  'nomad2018-predict-transparent-conductors': { metric: 'rmse' },
  'siim-isic-melanoma-classification': { metric: 'auc' },
  'spooky-author-identification': { metric: 'logloss', classes: true },
  'tabular-playground-series-dec-2021': { metric: 'accuracy' },
  'tabular-playground-series-may-2022': { metric: 'auc' },
};
const ALL = readdirSync(LITE, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const OTHER = ALL.filter((id) => !(id in SOLVABLE));

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-mlebench-'));
const executor = new ProcessExecutor({ logger: { warn: () => {} } });
const tasks = new Map<string, TaskSpec>();
let previousRegistry: string | undefined;

beforeAll(async () => {
  previousRegistry = process.env.MLEBENCH_COMPETITIONS_DIR;
  process.env.MLEBENCH_COMPETITIONS_DIR = REGISTRY;
  for (const id of ALL) tasks.set(id, await loadTask(path.join(LITE, id)));
});
afterAll(() => {
  if (previousRegistry === undefined) delete process.env.MLEBENCH_COMPETITIONS_DIR;
  else process.env.MLEBENCH_COMPETITIONS_DIR = previousRegistry;
  rmSync(root, { recursive: true, force: true });
});

const taskOf = (id: string): TaskSpec => tasks.get(id)!;
const draft = (task: TaskSpec, seed: number) =>
  generateOffline({ op: 'draft', task, parents: [], seed, remainingSeconds: 3600, memory: [] }, { draftFaultRate: 0 });

/**
 * The first fault-free draft whose model family suits tens of rows: k-nearest neighbours (31
 * neighbours) and calibrated SVMs (5 calibration folds per class) need more rows than these fixtures hold.
 */
function smallDataDraft(task: TaskSpec): { code: string; plan: string } {
  for (let seed = 0; seed < 50; seed++) {
    const d = draft(task, seed);
    const family = readGenome(d.code, offlineTask(task).type)?.model.family;
    if (family !== 'knn' && family !== 'svm' && family !== 'linear_svm') return d;
  }
  throw new Error(`no small-data draft for ${task.id}`);
}

describe('offline operators on the MLE-bench lite competitions: one table of rows to predict', () => {
  it.each(Object.keys(SOLVABLE))('%s: a draft runs and writes the sample submission\'s shape', async (id) => {
    const task = taskOf(id);
    const { code, plan } = smallDataDraft(task);
    const workDir = path.join(root, id);
    const exec = await executor.execute({ code, dataDir: task.publicDir, workDir, timeoutMs: 120_000, maxOutputBytes: 64 * 1024 });
    expect(exec.exitCode, exec.stderr.text).toBe(0);

    const sample = readCsvFile(task.files.sampleSubmission);
    const test = readCsvFile(task.files.test!);
    const text = readFileSync(path.join(workDir, 'submission.csv'), 'utf8');
    const submission: CsvTable = parseCsv(text);
    expect(submission.header).toEqual(sample.header);
    expect(submission.rows).toHaveLength(test.rows.length);
    // The columns the test table has (the id, and keys such as insults' Date) are copied from its rows.
    for (const key of sample.header.filter((c) => test.header.includes(c))) expect(column(submission, key)).toEqual(column(test, key));
    expect(new Set(column(submission, task.idColumn))).toEqual(new Set(column(sample, task.idColumn)));

    const predicted = task.predictionColumns.map((c) => column(submission, c).map(Number));
    for (const values of predicted) expect(values.every(Number.isFinite)).toBe(true);
    const { metric, classes } = SOLVABLE[id]!;
    if (metric === 'auc' || metric === 'logloss') {
      for (const values of predicted) expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    if (classes) {
      for (let row = 0; row < submission.rows.length; row++) {
        expect(predicted.reduce((sum, values) => sum + values[row]!, 0)).toBeCloseTo(1, 6);
      }
    }
    if (id === 'nomad2018-predict-transparent-conductors') {
      // No metric is known (the grader is RMSLE): targets never negative in training are never predicted negative.
      for (const values of predicted) expect(values.every((v) => v >= 0)).toBe(true);
      expect(plan).toContain('the task names no metric');
    }

    const metrics = JSON.parse(readFileSync(path.join(workDir, 'metrics.json'), 'utf8')) as { metric: string; score: number };
    expect(metrics.metric).toBe(metric);
    expect(Number.isFinite(metrics.score)).toBe(true);
    const grade = await gradeSubmission(task, text, { mlebench: false });
    expect(grade, grade.reason ?? '').toMatchObject({ validSubmission: true, gradedBy: 'crucible' });
    expect(Number.isFinite(grade.score)).toBe(true);
  }, 150_000);

  it.each([
    ['tabular-playground-series-may-2022', 'logloss'],
    ['tabular-playground-series-dec-2021', 'accuracy'],
  ])('%s with no metric: its sample submission decides, probabilities (floats in 0..1) or labels; validated by %s', async (id, metric) => {
    const task = { ...taskOf(id), metric: null };
    const workDir = path.join(root, `${id}-no-metric`);
    const exec = await executor.execute({ code: smallDataDraft(task).code, dataDir: task.publicDir, workDir, timeoutMs: 120_000, maxOutputBytes: 64 * 1024 });
    expect(exec.exitCode, exec.stderr.text).toBe(0);
    expect(JSON.parse(readFileSync(path.join(workDir, 'metrics.json'), 'utf8'))).toMatchObject({ metric });
    const values = column(readCsvFile(path.join(workDir, 'submission.csv')), task.predictionColumns[0]!).map(Number);
    if (metric === 'logloss') expect(values.every((v) => v >= 0 && v <= 1) && values.some((v) => !Number.isInteger(v))).toBe(true);
    else expect(values.every(Number.isInteger)).toBe(true);
  }, 150_000);

  it('predicts several train columns with one model each, and the classes of one column as probabilities', () => {
    const jigsaw = draft(taskOf('jigsaw-toxic-comment-classification-challenge'), 1);
    expect(jigsaw.code).toContain('TARGETS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]');
    expect(jigsaw.code).toContain('class PerColumn:');
    expect(jigsaw.plan).toContain("one per target column, predicting 'toxic', 'severe_toxic'");
    const leaf = draft(taskOf('leaf-classification'), 1);
    expect(leaf.code).toContain('TARGET = "species"');
    expect(leaf.code).toContain('probabilities.reindex(columns=prediction_columns, fill_value=0.0)');
    expect(leaf.plan).toContain("predicting the probability of each class of 'species'");
  });
});

describe('offline operators on the MLE-bench lite competitions: anything else', () => {
  it('lists 13 competitions that are not one table of rows to predict', () => {
    expect(OTHER).toHaveLength(13);
    for (const id of OTHER) expect(taskOf(id).type).toBe('other');
  });

  it.each(OTHER)('%s: every operator refuses at once, saying why and how to run it with an LLM endpoint', (id) => {
    const task = taskOf(id);
    for (const op of ['draft', 'improve', 'debug', 'crossover'] as const) {
      const run = () => generateOffline({ op, task, parents: [], seed: 1, remainingSeconds: 3600, memory: [] });
      expect(run).toThrow(UnfitTaskError);
      expect(run).toThrow(
        `the offline operators cannot work on ${id}: ${task.mlebench!.shape}. Run it with an LLM endpoint: ` +
          `crucible run --task ${task.dir} --llm-url <OpenAI-compatible URL> --llm-model <model> (and CRUCIBLE_LLM_API_KEY)`,
      );
    }
  });
});

import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOffline, readGenome, renderSolution, type Genome } from '../../../src/operators/offline/index.js';
import { modelsFor, type ModelSpec } from '../../../src/operators/offline/models.js';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, dockerAvailable } from '../../../src/sandbox/docker.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import type { Executor } from '../../../src/sandbox/executor.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { validateSubmission } from '../../../src/tasks/submission.js';
import type { MetricName, TableTask } from '../../../src/tasks/types.js';

/**
 * Column roles come from the data, never from a column's name. Small tasks cut from bundled data
 * (test/fixtures/offline-shapes, built by its build.py) have the shapes a name-based generator got
 * wrong: a text column named `body`, the same data declared a table, categories only, integer
 * targets, image paths in a column named `scan`, a date column beside a column that only names the
 * row. Generated solutions run for real in both environments solutions meet: the venv (pandas 3,
 * scikit-learn 1.9) and the Docker sandbox image (Debian's pandas 1.5, scikit-learn 1.2), and are
 * graded against the fixtures' answers.
 */

const FIXTURES = path.resolve('test/fixtures/offline-shapes');
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-shapes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const docker = new Docker();
const EXECUTORS: [string, Executor][] = [
  ['venv', new ProcessExecutor({ logger: { warn: () => {} } })],
  ['docker', new DockerExecutor({ docker })],
];

beforeAll(async () => {
  if (!(await dockerAvailable(docker))) throw new Error('No Docker engine answers on this machine: run scripts/docker-engine.sh (then scripts/sandbox-image.sh).');
  await docker.getImage(DEFAULT_SANDBOX_IMAGE).inspect();
});

function fixture(dir: string, type: TableTask['type'], metric: MetricName, target: string): TableTask {
  const publicDir = path.join(FIXTURES, dir, 'public');
  return {
    id: `${dir}-${type}-${metric}`, name: dir, type, metric,
    direction: metric === 'rmse' || metric === 'mae' || metric === 'logloss' ? 'minimize' : 'maximize',
    target, idColumn: 'id', predictionColumns: [target], dir: path.join(FIXTURES, dir),
    descriptionPath: path.join(FIXTURES, dir, 'description.md'), publicDir,
    files: { train: path.join(publicDir, 'train.csv'), test: path.join(publicDir, 'test.csv'), sampleSubmission: path.join(publicDir, 'sample_submission.csv') },
    answersPath: path.join(FIXTURES, dir, 'private', 'answers.csv'),
    gpu: false, selectionPath: null, leaderboardPath: null,
  };
}

interface Outcome {
  output: string;
  /** The prediction column's values as written. */
  values: string[];
  /** The hidden score against the fixture's answers. */
  score: number;
}

let runs = 0;
async function run(executor: Executor, task: TableTask, code: string): Promise<Outcome> {
  const workDir = path.join(root, `run-${runs++}`);
  const exec = await executor.execute({ code, dataDir: task.publicDir, workDir, timeoutMs: 120_000, maxOutputBytes: 64 * 1024 });
  const output = `${exec.stdout.text}\n${exec.stderr.text}`;
  expect(exec.exitCode, output).toBe(0);
  const submission = path.join(workDir, 'submission.csv');
  expect(existsSync(submission), output).toBe(true);
  const text = readFileSync(submission, 'utf8');
  const check = validateSubmission(task, text);
  if (!check.valid) throw new Error(`${check.reason}\n${output}`);
  const grade = await gradeSubmission(task, text);
  expect(grade.reason, output).toBeNull();
  return { output, values: check.rows.map((r) => r[task.target] as string), score: grade.score as number };
}

/** The first draft (seed 1 up) of this family, or any draft when null. */
function draft(task: TableTask, family: string | null = null): string {
  for (let seed = 1; seed < 300; seed++) {
    const d = generateOffline({ op: 'draft', task, parents: [], seed, remainingSeconds: 600, memory: [] });
    if (family === null || readGenome(d.code, task.type)?.model.family === family) return d.code;
  }
  throw new Error(`no draft of ${family}`);
}

/**
 * A classifier of this family in a plain pipeline, each hyperparameter in the middle of its range:
 * whether a family reads text, not whether a sampled draft is weak (an RBF SVM at C=0.3 or k-NN on
 * half the terms can sit at the majority class whatever the text path).
 */
function plain(spec: ModelSpec): Genome {
  const params = Object.fromEntries(spec.params.map((p) => [p.name, p.values[Math.floor(p.values.length / 2)] ?? null]));
  return {
    v: 1, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'none',
    model: { family: spec.family, params }, validation: 'holdout-20', fault: null,
  };
}

const answers = (task: TableTask): string[] => readFileSync(task.answersPath, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1] as string);
/** The share of the commonest answer: what predicting the majority class scores in accuracy. */
function majorityShare(task: TableTask): number {
  const counts = new Map<string, number>();
  for (const a of answers(task)) counts.set(a, (counts.get(a) ?? 0) + 1);
  return Math.max(...counts.values()) / answers(task).length;
}

const textBody = fixture('text-body', 'text-classification', 'f1', 'target');
const textTable = fixture('text-body', 'tabular-classification', 'accuracy', 'target');
const categorical = fixture('categorical', 'tabular-classification', 'accuracy', 'affair');
const counts = fixture('counts', 'tabular-regression', 'rmse', 'progression');
const countsExact = fixture('counts', 'tabular-regression', 'accuracy', 'progression');
const intLabels = fixture('int-labels', 'tabular-classification', 'accuracy', 'cultivar');
const imageScan = fixture('image-scan', 'image-classification', 'accuracy', 'target');
const dated = fixture('dated', 'tabular-classification', 'accuracy', 'weather');

describe.each(EXECUTORS)('offline solutions read column roles from the data (%s)', (_name, executor) => {
  it('text classification whose text column is named body', async () => {
    const r = await run(executor, textBody, draft(textBody));
    expect(r.output).toContain('text columns (1): body');
    expect(r.output).toContain('documents in column body');
    // Predicting the majority (ham) everywhere scores f1 0 on the spam class.
    expect(r.score).toBeGreaterThan(0.6);
  });

  it('the same data declared a table: every model family TF-IDFs the text and beats the majority class clearly', async () => {
    const floor = majorityShare(textTable) + 0.1;
    for (const spec of modelsFor(textTable.type)) {
      const r = await run(executor, textTable, renderSolution(plain(spec), textTable));
      expect(r.output, spec.family).toContain('1 features (0 categorical, 1 free text, 0 dates)');
      expect(r.score, spec.family).toBeGreaterThan(floor);
    }
  });

  it('a table of categorical columns only, integer 0/1 labels written as integers', async () => {
    const r = await run(executor, categorical, draft(categorical));
    expect(r.output).toContain('categorical columns (8): rate_marriage, age, yrs_married');
    expect(new Set(r.values)).toEqual(new Set(['0', '1']));
    expect(r.score).toBeGreaterThan(0.6);
  });

  it('integer class labels come back as the same integers', async () => {
    const r = await run(executor, intLabels, draft(intLabels));
    expect([...new Set(r.values)].sort()).toEqual(['0', '1', '2']);
    expect(r.score).toBeGreaterThan(majorityShare(intLabels) + 0.3);
  });

  it('regression on an integer target: rmse keeps real-valued predictions, better than the training mean', async () => {
    const r = await run(executor, counts, draft(counts));
    expect(r.values.some((v) => !Number.isInteger(Number(v)))).toBe(true);
    const train = readFileSync(counts.files.train, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    const truth = answers(counts).map(Number);
    const meanRmse = Math.sqrt(truth.reduce((s, t) => s + (t - mean) ** 2, 0) / truth.length);
    expect(r.score).toBeLessThan(meanRmse * 0.9);
  });

  it('regression on an integer target scored by exact matches: integer predictions within the training range', async () => {
    const r = await run(executor, countsExact, draft(countsExact));
    const train = readFileSync(counts.files.train, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
    for (const v of r.values) {
      expect(v).toMatch(/^\d+$/);
      expect(Number(v)).toBeGreaterThanOrEqual(Math.min(...train));
      expect(Number(v)).toBeLessThanOrEqual(Math.max(...train));
    }
  });

  it('an image task whose path column is named scan', async () => {
    const r = await run(executor, imageScan, draft(imageScan));
    expect(r.output).toContain('images: column scan');
    expect(r.score).toBeGreaterThan(0.7);
  });

  it('a date column becomes its parts and a column that only names the row is dropped', async () => {
    // The fitted preprocessing names the columns it passes on: the date's parts must be among them.
    const inputs = 'print("model inputs:", [c for name, _, cols in final_model.named_steps["preprocess"].transformers_ if name == "numeric" for c in cols])';
    const r = await run(executor, dated, `${draft(dated)}\n${inputs}\n`);
    expect(r.output).toMatch(/model inputs: \[.*'date_year', 'date_month', 'date_day', 'date_day_of_week'\]/);
    expect(r.output).toContain('date columns (1): date');
    expect(r.output).toContain('id columns (1): reading');
    expect(r.output).toContain('8 features (0 categorical, 0 free text, 1 dates)');
    expect(r.score).toBeGreaterThan(majorityShare(dated) + 0.05);
  });
});

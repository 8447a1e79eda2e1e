import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOffline, readGenome, renderSolution, type Genome } from '../../../src/operators/offline/index.js';
import { closestColumn, dataColumns } from '../../../src/operators/offline/columns.js';
import { diagnose } from '../../../src/operators/offline/diagnose.js';
import { geneValue } from '../../../src/operators/offline/genome.js';
import { offlineTask } from '../../../src/operators/offline/task.js';
import type { OperatorResult, ParentContext } from '../../../src/operators/types.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { makeSyntheticTask, makeSyntheticTextTask } from './synthetic-task.js';

/** Debug's diagnosis from the error text and the data, and the change each cause gets. */

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-diagnose-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const classification = makeSyntheticTask(root, 'cls', { type: 'tabular-classification', metric: 'auc' });
const regression = makeSyntheticTask(root, 'reg', { type: 'tabular-regression', metric: 'rmse' });

const tabular: Genome = {
  v: 1, impute: 'mean', scale: 'robust', encode: 'onehot', features: 'poly2', target: 'log1p',
  model: { family: 'ridge', params: { alpha: 1.0 } }, validation: 'holdout-20', fault: null,
};

/** Debug of a parent that rendered `genome` and failed with this bug reason and output. */
function debug(task: TableTask, genome: Genome, bugReason: string, output = ''): OperatorResult & { genome: Genome } {
  const parent: ParentContext = { nodeId: 4, plan: 'p', code: renderSolution(genome, task), score: null, buggy: true, bugReason, output };
  const child = generateOffline({ op: 'debug', task, parents: [parent], seed: 3, remainingSeconds: 3600, memory: [] });
  const g = readGenome(child.code, task.type);
  if (!g) throw new Error('no genome');
  return { ...child, genome: g };
}

/** The same pipeline with a classifier, for the classification task. */
const classifier: Genome = { ...tabular, target: 'none', model: { family: 'logistic', params: { C: 1.0, class_weight: null } } };

const genes = (g: Genome, names: string[]): unknown[] => names.map((n) => geneValue(g, n));

describe('offline Debug: what the error shows', () => {
  it.each([
    ['exit code 1: KeyError: \'colour\'', { kind: 'missing-column', column: 'colour' }],
    ['exit code 1: KeyError: "[\'x9\'] not in index"', { kind: 'missing-column', column: 'x9' }],
    ['exit code 1: ValueError: could not convert string to float: \'?\'', { kind: 'dtype' }],
    ['exit code 1: ValueError: Input X contains NaN.', { kind: 'nan' }],
    ['exit code 1: ValueError: Input contains infinity or a value too large for dtype(\'float64\').', { kind: 'nan' }],
    ['exit code 1: ValueError: Found unknown categories [\'teal\'] in column 0 during transform', { kind: 'unseen-category' }],
    ['out of memory: the solution was killed at its memory limit', { kind: 'memory' }],
    ['timeout: execution exceeded its limit of 600 s', { kind: 'timeout' }],
    ['invalid submission: submission.csv: 34 rows, expected 170', { kind: 'submission', problem: 'invalid submission: submission.csv: 34 rows, expected 170' }],
    ['metrics.json missing: the solution must write {"metric": ..., "score": ...} to metrics.json', { kind: 'metrics', problem: 'the script ends without writing metrics.json' }],
    ['metrics.json: "score" must be a finite number, got null', { kind: 'metrics', problem: 'metrics.json holds no usable score (metrics.json: "score" must be a finite number, got null)' }],
    ['exit code 1: TypeError: Object of type float32 is not JSON serializable', { kind: 'metrics' }],
    ['exit code 1: LinAlgError: SVD did not converge', { kind: 'unknown' }],
  ])('%s', (bugReason, cause) => {
    expect(diagnose(bugReason, '').cause).toMatchObject(cause);
  });

  it('reads a MemoryError from the output when the bug reason is only an exit code', () => {
    expect(diagnose('exit code 1: see the output', 'Traceback (most recent call last):\nMemoryError: Unable to allocate 3.2 GiB').cause.kind).toBe('memory');
  });
});

describe('offline Debug: the data', () => {
  it('reads the train and test headers and picks the closest real column', () => {
    const columns = dataColumns(offlineTask(classification));
    expect(columns).toEqual(['id', 'x1', 'x2', 'x3', 'x4', 'color', 'target']);
    expect(closestColumn('colour', columns)).toBe('color');
    expect(closestColumn('targte', columns)).toBe('target');
    expect(closestColumn('TARGET', columns)).toBe('target');
    expect(closestColumn('price', columns)).toBeNull();
  });
});

describe('offline Debug: the change each cause gets', () => {
  it('a dtype error: categories are ordinal-coded and no feature step runs on raw values', () => {
    const child = debug(regression, tabular, "exit code 1: ValueError: could not convert string to float: 'red'");
    expect(genes(child.genome, ['encode', 'features', 'impute', 'scale', 'target'])).toEqual(['ordinal', 'none', 'mean', 'robust', 'log1p']);
    expect(child.plan).toContain('a value of the wrong type');
  });

  it('NaN or infinity: median imputation, no polynomial expansion or target transform', () => {
    const child = debug(regression, tabular, 'exit code 1: ValueError: Input X contains NaN.');
    expect(genes(child.genome, ['impute', 'features', 'target', 'encode', 'scale'])).toEqual(['median', 'none', 'none', 'onehot', 'robust']);
    expect(child.plan).toContain('missing or infinite values');
  });

  it('an unseen category: an ordinal encoder that maps it to -1', () => {
    const child = debug(classification, classifier, "exit code 1: ValueError: Found unknown categories ['teal'] in column 0 during transform");
    expect(geneValue(child.genome, 'encode')).toBe('ordinal');
    expect(child.code).toContain('OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)');
    expect(child.plan).toContain('unseen in training becomes -1');
  });

  it('memory: a cheaper pipeline, narrower one-hot matrix included', () => {
    const child = debug(regression, tabular, 'exit code 1: see the output', 'MemoryError: Unable to allocate 3.2 GiB');
    expect(genes(child.genome, ['features', 'encode'])).toEqual(['none', 'ordinal']);
    expect(child.plan).toContain('ran out of memory');
  });

  it('a timeout: a cheaper pipeline (fewer trees, one holdout instead of k folds), never the same genome', () => {
    const forest: Genome = { ...classifier, features: 'none', model: { family: 'random_forest', params: { n_estimators: 300, max_depth: null, min_samples_leaf: 1, max_features: 'sqrt' } }, validation: 'kfold-5' };
    const child = debug(classification, forest, 'timeout: execution exceeded its limit of 600 s');
    expect(child.genome.model.params.n_estimators).toBeLessThanOrEqual(150);
    expect(child.genome.validation).toBe('holdout-20');
    expect(child.plan).toContain('ran out of time');
  });

  it('a timeout of an ensemble: halves the sizes of the members it has, and only those', () => {
    const ensemble: Genome = {
      ...classifier, features: 'none',
      model: { family: 'ensemble', params: { members: 'hgb+linear', max_iter: 300, learning_rate: 0.1, n_estimators: 300, min_samples_leaf: 2, C: 1.0 } },
    };
    const child = debug(classification, ensemble, 'timeout: execution exceeded its limit of 600 s');
    expect(child.genome.model.params).toEqual({ ...ensemble.model.params, max_iter: 100 });
    expect(child.plan).toMatch(/max_iter goes from 300 to 100/i);
    expect(child.plan).not.toContain('n_estimators');
  });

  it('a timeout of a pipeline with nothing left to cut: a linear model', () => {
    const svm: Genome = { ...classifier, features: 'none', model: { family: 'svm', params: { C: 1.0 } } };
    const child = debug(classification, svm, 'timeout: execution exceeded its limit of 600 s');
    expect(child.genome.model.family).toBe('logistic');
  });

  it('a submission of the wrong shape from hand-written code: the same pipeline rewritten to the sample submission\'s columns', () => {
    const code = renderSolution(classifier, classification).replace('submission.to_csv("submission.csv", index=False)', 'pd.DataFrame({"prediction": predictions[TARGET]}).to_csv("submission.csv")');
    const parent: ParentContext = { nodeId: 4, plan: 'p', code, score: null, buggy: true, bugReason: 'invalid submission: submission.csv: columns [, prediction], expected [id, target]', output: '' };
    const child = generateOffline({ op: 'debug', task: classification, parents: [parent], seed: 3, remainingSeconds: 3600, memory: [] });
    expect(child.code).toBe(renderSolution(classifier, classification));
    expect(child.plan).toContain("write the sample submission's columns in its order");
  });

  it('a score JSON cannot write: the same pipeline rewritten to write a plain float', () => {
    const code = renderSolution(classifier, classification).replace('"score": float(valid_score)', '"score": np.float32(valid_score)');
    const parent: ParentContext = { nodeId: 4, plan: 'p', code, score: null, buggy: true, bugReason: 'exit code 1: TypeError: Object of type float32 is not JSON serializable', output: '' };
    const child = generateOffline({ op: 'debug', task: classification, parents: [parent], seed: 3, remainingSeconds: 3600, memory: [] });
    expect(child.code).toBe(renderSolution(classifier, classification));
    expect(child.plan).toContain('as a plain Python float');
  });

  it('a column the data lacks, when rewriting would give the same code: names the closest column, then the defensive variant', () => {
    const child = debug(classification, classifier, "exit code 1: KeyError: 'colour'");
    expect(child.plan).toContain("neither the train nor the test table has a column 'colour'; the closest real column is 'color'");
    expect(child.plan).toContain('would write the parent\'s code again, so it falls back to a defensive variant');
    expect(geneValue(child.genome, 'impute')).toBe('median');
  });

  it('a wrong submission from code that is already what the generator writes: the cause, then the defensive variant', () => {
    const child = debug(regression, tabular, 'invalid submission: submission.csv: 34 rows, expected 170');
    expect(child.plan).toContain('does not match the sample submission (invalid submission: submission.csv: 34 rows, expected 170)');
    expect(child.plan).toContain('falls back to a defensive variant');
  });

  it('a table cause on a text pipeline, which has no gene for it: says so and falls back', () => {
    const text = makeSyntheticTextTask(root, 'txt', { labels: ['neg', 'pos'], metric: 'accuracy', trainRows: 40, testRows: 10 });
    const parent = generateOffline({ op: 'draft', task: text, parents: [], seed: 1, remainingSeconds: 3600, memory: [] });
    const g = readGenome(parent.code, text.type);
    if (!g) throw new Error('no genome');
    const child = debug(text, g, 'exit code 1: ValueError: Input X contains NaN.');
    expect(child.plan).toContain('The failure shows missing or infinite values, which this pipeline has no gene to change for');
  });
});

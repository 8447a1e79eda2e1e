import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, generateOffline, geneDiff, readGenome, renderSolution, type FaultKind, type Genome } from '../../../src/operators/offline/index.js';
import { PLANTED_FAULT_RATES } from '../../../src/config/offlineFaults.js';
import { misspell } from '../../../src/operators/offline/faults.js';
import { geneValue } from '../../../src/operators/offline/genome.js';
import { modelSpec } from '../../../src/operators/offline/models.js';
import { draftPlan } from '../../../src/operators/offline/plan.js';
import { offlineTask } from '../../../src/operators/offline/task.js';
import type { OperatorRequest, ParentContext } from '../../../src/operators/types.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { stripFaultRecord } from './planted.js';
import { makeSyntheticTask } from './synthetic-task.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const classification = makeSyntheticTask(root, 'cls', { type: 'tabular-classification', metric: 'auc' });
const regression = makeSyntheticTask(root, 'reg', { type: 'tabular-regression', metric: 'rmse' });
const TASKS: TableTask[] = [classification, regression];

const draft = (task: TableTask, seed: number, faultRate?: number, remainingSeconds = 3600) =>
  generateOffline({ op: 'draft', task, parents: [], seed, remainingSeconds, memory: [] }, { draftFaultRate: faultRate });

function parentOf(code: string, extra: Partial<ParentContext> = {}): ParentContext {
  return { nodeId: 3, plan: 'parent plan', code, score: 0.9, buggy: false, bugReason: null, output: '', ...extra };
}

function genomeOf(code: string, task: TableTask): Genome {
  const g = readGenome(code, task.type);
  if (!g) throw new Error('code carries no readable genome');
  return g;
}

/** A draft (scanning seeds) whose planted fault is the given kind. */
function faultyDraft(task: TableTask, kind: FaultKind): { code: string; seed: number } {
  for (let seed = 1; seed < 500; seed++) {
    const { code } = draft(task, seed, 1);
    if (genomeOf(code, task).fault === kind) return { code, seed };
  }
  throw new Error(`no draft with fault ${kind}`);
}

const sentences = (plan: string): number => plan.split(/(?<=[.!?])\s+(?=[A-Z])/).length;

describe('offline generator: determinism and diversity', () => {
  it('gives byte-identical output for the same request, for every operator', () => {
    for (const task of TASKS) {
      const parent = parentOf(draft(task, 11).code, { buggy: true, bugReason: 'exit code 1: ValueError: boom' });
      const other = parentOf(draft(task, 12).code, { nodeId: 4 });
      for (const op of ['draft', 'improve', 'debug', 'crossover'] as const) {
        const parents = op === 'draft' ? [] : op === 'crossover' ? [parent, other] : [parent];
        const request: OperatorRequest = { op, task, parents, seed: 42, remainingSeconds: 1800, memory: [] };
        const a = generateOffline(request);
        const b = generateOffline(structuredClone(request));
        expect(b).toEqual(a);
      }
    }
  });

  it('samples different genomes and model families for different seeds', () => {
    for (const task of TASKS) {
      const genomes = Array.from({ length: 12 }, (_, i) => genomeOf(draft(task, i + 1, 0).code, task));
      expect(new Set(genomes.map((g) => JSON.stringify(g))).size).toBeGreaterThanOrEqual(10);
      expect(new Set(genomes.map((g) => g.model.family)).size).toBeGreaterThanOrEqual(4);
    }
  });

  it('plants no fault by default, in any operator', () => {
    for (const task of TASKS) {
      const parent = parentOf(draft(task, 5).code);
      const other = parentOf(draft(task, 6).code, { nodeId: 4 });
      for (let seed = 0; seed < 300; seed++) {
        const { code } = draft(task, seed);
        expect(genomeOf(code, task).fault).toBeNull();
        expect(code.split('\n')[0]).not.toContain('fault');
        for (const op of ['improve', 'crossover'] as const) {
          const child = generateOffline({ op, task, parents: op === 'improve' ? [parent] : [parent, other], seed, remainingSeconds: 3600, memory: [] });
          expect(genomeOf(child.code, task).fault).toBeNull();
        }
      }
    }
  });

  it('with the test switch on, plants faults in about 20% of drafts and 5% of improves', () => {
    const task = classification;
    const parent = parentOf(draft(task, 5, 0).code);
    let drafts = 0;
    let improves = 0;
    for (let seed = 0; seed < 300; seed++) {
      if (genomeOf(draft(task, seed, PLANTED_FAULT_RATES.draftFaultRate).code, task).fault) drafts++;
      const child = generateOffline({ op: 'improve', task, parents: [parent], seed, remainingSeconds: 3600, memory: [] }, PLANTED_FAULT_RATES);
      if (genomeOf(child.code, task).fault) improves++;
    }
    expect(drafts / 300).toBeGreaterThan(0.12);
    expect(drafts / 300).toBeLessThan(0.28);
    expect(improves / 300).toBeGreaterThan(0.01);
    expect(improves / 300).toBeLessThan(0.1);
  });
});

describe('offline generator: genome in the code', () => {
  it('round-trips: the genome read back from the code re-renders the same code', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 40; seed++) {
        const { code } = draft(task, seed, 0.5);
        expect(code.split('\n')[0]).toMatch(/^# crucible-genome: \{/);
        const g = genomeOf(code, task);
        expect(renderSolution(g, task)).toBe(code);
      }
    }
  });

  it('rejects a genome that does not fit the task type', () => {
    const ridge: Genome = {
      v: 1, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'log1p',
      model: { family: 'ridge', params: { alpha: 1.0 } }, validation: 'holdout-20', fault: null,
    };
    const code = renderSolution(ridge, regression);
    expect(readGenome(code, 'tabular-regression')).toEqual(ridge);
    expect(readGenome(code, 'tabular-classification')).toBeNull();
    expect(readGenome(code.replace('"alpha":1', '"alpha":2'), 'tabular-regression')).toBeNull();
    expect(readGenome('print("hello")\n', 'tabular-regression')).toBeNull();
    expect(readGenome('# crucible-genome: {not json\n', 'tabular-regression')).toBeNull();
  });

  it('reads the data file names, target and id from the task, never absolute host paths', () => {
    const { code } = draft(classification, 3, 0);
    expect(code).toContain('TRAIN_FILE = "train.csv"');
    expect(code).toContain('SAMPLE_SUBMISSION_FILE = "sample_submission.csv"');
    expect(code).toContain('DATA_DIR = os.environ.get("CRUCIBLE_DATA_DIR", "/data")');
    expect(code).not.toContain(root);
  });
});

describe('offline generator: plans', () => {
  it('writes 3 to 5 sentences for every operator and never claims to be an LLM', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 10; seed++) {
        const d = draft(task, seed);
        const parent = parentOf(d.code, { bugReason: 'exit code 1: KeyError: x', buggy: true });
        const plans = [
          d.plan,
          generateOffline({ op: 'improve', task, parents: [parent], seed, remainingSeconds: 3600, memory: [] }).plan,
          generateOffline({ op: 'debug', task, parents: [parent], seed, remainingSeconds: 3600, memory: [] }).plan,
        ];
        for (const plan of plans) {
          expect(sentences(plan), plan).toBeGreaterThanOrEqual(3);
          expect(sentences(plan), plan).toBeLessThanOrEqual(5);
        }
      }
    }
  });
});

describe('offline generator: improve', () => {
  it('changes exactly one gene of the parent genome, and says which', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 60; seed++) {
        const parentCode = draft(task, seed, 0).code;
        const child = generateOffline({ op: 'improve', task, parents: [parentOf(parentCode)], seed: seed + 1000, remainingSeconds: 3600, memory: [] });
        const diff = geneDiff(genomeOf(parentCode, task), genomeOf(child.code, task));
        expect(diff).toHaveLength(1);
        expect(child.plan).toContain(`${diff[0]} goes from`);
        expect(child.plan).toMatch(/^Improve node 3 \(validation auc 0\.9|^Improve node 3 \(validation rmse 0\.9/);
      }
    }
  });

  it('mutates every kind of gene over many seeds', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const parentCode = draft(regression, seed % 20, 0).code;
      const child = generateOffline({ op: 'improve', task: regression, parents: [parentOf(parentCode)], seed, remainingSeconds: 3600, memory: [] });
      const [gene] = geneDiff(genomeOf(parentCode, regression), genomeOf(child.code, regression));
      seen.add((gene as string).startsWith('model.') ? 'param' : (gene as string));
    }
    expect([...seen].sort()).toEqual(['encode', 'features', 'impute', 'model', 'param', 'scale', 'target', 'validation']);
  });

  it('falls back to a fresh pipeline when the parent code has no genome, and says so', () => {
    const child = generateOffline({ op: 'improve', task: regression, parents: [parentOf('print("hand-written")\n')], seed: 1, remainingSeconds: 3600, memory: [] });
    expect(child.plan).toContain('carries no crucible-genome line');
    expect(readGenome(child.code, 'tabular-regression')).not.toBeNull();
  });

  it('needs a parent', () => {
    expect(() => generateOffline({ op: 'improve', task: regression, parents: [], seed: 1, remainingSeconds: 3600, memory: [] })).toThrow(/needs a parent/);
  });
});

describe('offline generator: ensemble family', () => {
  const ensembleGenome = (task: TableTask, members: string): Genome => ({
    v: 1, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'none',
    model: {
      family: 'ensemble',
      params: { members, max_iter: 100, learning_rate: 0.05, n_estimators: 200, min_samples_leaf: 4, ...(task === regression ? { alpha: 3.0 } : { C: 0.3 }) },
    },
    validation: 'kfold-3', fault: null,
  });

  it('renders a soft vote of the members its genome names, each with the parameters it takes', () => {
    const code = renderSolution(ensembleGenome(classification, 'hgb+forest+linear'), classification);
    expect(code).toContain(
      '("model", VotingClassifier([("hgb", HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, random_state=RANDOM_STATE)), ' +
        '("forest", RandomForestClassifier(n_estimators=200, min_samples_leaf=4, random_state=RANDOM_STATE)), ' +
        '("linear", LogisticRegression(C=0.3, max_iter=2000))], voting="soft")),',
    );
    expect(code).toContain('from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier, VotingClassifier');
    expect(code).not.toContain('ExtraTrees');
    const reg = renderSolution(ensembleGenome(regression, 'hgb+forest+extra+linear'), regression);
    expect(reg).toContain('("extra", ExtraTreesRegressor(n_estimators=200, min_samples_leaf=4, random_state=RANDOM_STATE)), ("linear", Ridge(alpha=3.0))]))');
    expect(readGenome(reg, regression.type)).toEqual(ensembleGenome(regression, 'hgb+forest+extra+linear'));
  });

  it('is drawn by Draft often, as the strongest default on small tables', () => {
    for (const task of TASKS) {
      const families = Array.from({ length: 200 }, (_, i) => genomeOf(draft(task, i + 1, 0).code, task).model.family);
      const share = families.filter((f) => f === 'ensemble').length / families.length;
      expect(share).toBeGreaterThan(0.15);
      expect(share).toBeLessThan(0.45);
    }
  });

  it('moves and shows only the parameters its members take', () => {
    const parent = parentOf(renderSolution(ensembleGenome(classification, 'hgb+linear'), classification));
    const moved = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const child = generateOffline({ op: 'improve', task: classification, parents: [parent], seed, remainingSeconds: 3600, memory: [] });
      const childGenome = genomeOf(child.code, classification);
      if (childGenome.model.family === 'ensemble') for (const gene of geneDiff(genomeOf(parent.code, classification), childGenome)) moved.add(gene);
    }
    expect([...moved].filter((g) => g.startsWith('model.')).sort()).toEqual(['model.C', 'model.learning_rate', 'model.max_iter', 'model.members']);
    expect(draftPlan(ensembleGenome(classification, 'hgb+linear'), offlineTask(classification)))
      .toContain('(VotingClassifier(members="hgb+linear", max_iter=100, learning_rate=0.05, C=0.3))');
  });
});

describe('offline generator: crossover', () => {
  it('takes every gene from one of the two parents, and at least one differing gene from each', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 40; seed++) {
        const a = parentOf(draft(task, seed, 0).code, { nodeId: 5 });
        const b = parentOf(draft(task, seed + 100, 0).code, { nodeId: 6 });
        const child = generateOffline({ op: 'crossover', task, parents: [a, b], seed, remainingSeconds: 3600, memory: [] });
        const [ga, gb, gc] = [genomeOf(a.code, task), genomeOf(b.code, task), genomeOf(child.code, task)];
        const fromA = geneDiff(gb, gc);
        const fromB = geneDiff(ga, gc);
        // Every gene the child does not share with b, it shares with a, and vice versa.
        for (const gene of fromA) expect(geneDiff(ga, gb)).toContain(gene);
        for (const gene of fromB) expect(geneDiff(ga, gb)).toContain(gene);
        if (geneDiff(ga, gb).length >= 2) {
          expect(fromA.length).toBeGreaterThan(0);
          expect(fromB.length).toBeGreaterThan(0);
        }
        expect(child.plan).toMatch(/^Crossover of node 5 \(validation (auc|rmse) 0\.9\) and node 6/);
      }
    }
  });

  it('mixes hyperparameters one by one when both parents share the model family', () => {
    const forest = (n: number, depth: number | null): Genome => ({
      v: 1, impute: 'median', scale: 'none', encode: 'ordinal', features: 'none', target: 'none',
      model: { family: 'random_forest', params: { n_estimators: n, max_depth: depth, min_samples_leaf: 1, max_features: 'sqrt' } },
      validation: 'holdout-20', fault: null,
    });
    const a = parentOf(renderSolution(forest(50, 4), regression), { nodeId: 1 });
    const b = parentOf(renderSolution(forest(300, null), regression), { nodeId: 2 });
    const child = generateOffline({ op: 'crossover', task: regression, parents: [a, b], seed: 3, remainingSeconds: 3600, memory: [] }, { improveFaultRate: 0 });
    const params = genomeOf(child.code, regression).model.params;
    expect([params.n_estimators, params.max_depth].sort()).toEqual([300, 4].sort());
  });

  it('mutates the readable parent when the other has no genome, and needs two parents', () => {
    const a = parentOf(draft(classification, 8, 0).code, { nodeId: 5 });
    const b = parentOf('print("hand-written")\n', { nodeId: 6 });
    const child = generateOffline({ op: 'crossover', task: classification, parents: [b, a], seed: 1, remainingSeconds: 3600, memory: [] }, { improveFaultRate: 0 });
    expect(geneDiff(genomeOf(a.code, classification), genomeOf(child.code, classification))).toHaveLength(1);
    expect(child.plan).toContain('Node 6 carries no crucible-genome line');
    expect(() => generateOffline({ op: 'crossover', task: classification, parents: [a], seed: 1, remainingSeconds: 3600, memory: [] })).toThrow(/two parents/);
  });
});

describe('offline generator: debug', () => {
  it.each(FAULT_KINDS)('never reads the record of a planted %s fault: an error it cannot place gets the defensive variant', (kind) => {
    for (const task of TASKS) {
      const { code, seed } = faultyDraft(task, kind);
      const failed = { buggy: true, score: null, bugReason: 'exit code 1: RuntimeError: something failed', output: 'Traceback ...\nRuntimeError: something failed' };
      const request = (parentCode: string): OperatorRequest => ({ op: 'debug', task, parents: [parentOf(parentCode, failed)], seed, remainingSeconds: 3600, memory: [] });
      const child = generateOffline(request(code));
      expect(generateOffline(request(stripFaultRecord(code)))).toEqual(child);
      expect(genomeOf(child.code, task).fault).toBeNull();
      expect(child.plan).toContain('Debug node 3, which failed with: exit code 1: RuntimeError: something failed');
      expect(child.plan).toContain('shows none of the causes Debug recognises');
      expect(child.plan).toContain('falls back to a defensive variant');
    }
  });

  it('makes a timed-out pipeline cheaper: smaller ensemble, holdout instead of k-fold, no polynomial features', () => {
    const parent: Genome = {
      v: 1, impute: 'median', scale: 'none', encode: 'onehot', features: 'poly2', target: 'none',
      model: { family: 'random_forest', params: { n_estimators: 300, max_depth: null, min_samples_leaf: 1, max_features: 1.0 } },
      validation: 'kfold-5', fault: null,
    };
    const code = renderSolution(parent, regression);
    const ctx = parentOf(code, { buggy: true, score: null, bugReason: 'timeout: execution exceeded its limit of 600 s' });
    const child = generateOffline({ op: 'debug', task: regression, parents: [ctx], seed: 9, remainingSeconds: 3600, memory: [] });
    const g = genomeOf(child.code, regression);
    expect(g.model.family).toBe('random_forest');
    expect(g.model.params.n_estimators).toBe(100);
    expect(g.validation).toBe('holdout-20');
    expect(geneValue(g, 'features')).toBe('none');
    expect(child.plan).toContain('ran out of time');
  });

  it('swaps in a linear model when a timed-out pipeline has nothing left to cut', () => {
    const parent: Genome = {
      v: 1, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'none',
      model: { family: 'svm', params: { C: 1.0 } }, validation: 'holdout-20', fault: null,
    };
    const ctx = parentOf(renderSolution(parent, classification), { buggy: true, bugReason: 'timeout: execution exceeded its limit of 60 s' });
    const child = generateOffline({ op: 'debug', task: classification, parents: [ctx], seed: 2, remainingSeconds: 3600, memory: [] });
    expect(genomeOf(child.code, classification).model.family).toBe('logistic');
  });

  it('rebuilds the preprocessing defensively for an error it cannot place', () => {
    const parent: Genome = {
      v: 1, impute: 'most_frequent', scale: 'robust', encode: 'ordinal', features: 'select50', target: 'log1p',
      model: { family: 'ridge', params: { alpha: 1.0 } }, validation: 'kfold-3', fault: null,
    };
    const ctx = parentOf(renderSolution(parent, regression), { buggy: true, bugReason: 'exit code 1: LinAlgError: SVD did not converge' });
    const child = generateOffline({ op: 'debug', task: regression, parents: [ctx], seed: 2, remainingSeconds: 3600, memory: [] });
    const g = genomeOf(child.code, regression);
    expect(['impute', 'scale', 'encode', 'features', 'target'].map((gene) => geneValue(g, gene))).toEqual(['median', 'standard', 'onehot', 'none', 'none']);
    expect(child.plan).toContain('LinAlgError: SVD did not converge');
    expect(child.plan).toContain('falls back to a defensive variant');
  });

  it('never plants a fault, even without a parent genome', () => {
    for (let seed = 0; seed < 50; seed++) {
      const ctx = parentOf('import this\n', { buggy: true, bugReason: 'exit code 1: NameError' });
      const child = generateOffline({ op: 'debug', task: classification, parents: [ctx], seed, remainingSeconds: 3600, memory: [] });
      expect(genomeOf(child.code, classification).fault).toBeNull();
      expect(child.plan).toContain('starts from a freshly sampled pipeline');
    }
  });
});

describe('offline generator: time budget', () => {
  it('keeps drafts small when little time is left', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 40; seed++) {
        const g = genomeOf(draft(task, seed, 0, 60).code, task);
        const spec = modelSpec(task.type, g.model.family);
        for (const p of spec?.params ?? []) if (p.costly) expect(g.model.params[p.name]).toBeLessThanOrEqual(50);
        expect(g.validation.startsWith('holdout')).toBe(true);
        expect(geneValue(g, 'features')).not.toBe('poly2');
      }
    }
  });
});

describe('offline generator: faults', () => {
  it('misspells a column name into a different, plausible one', () => {
    expect(misspell('target')).toBe('targte');
    expect(misspell('SalePrice')).toBe('saleprice');
    expect(misspell('class')).toBe('clas');
    expect(misspell('y')).toBe('y_');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, generateOffline, geneDiff, readGenome, renderSolution, type FaultKind, type Genome } from '../../../src/operators/offline/index.js';
import { pipelineGenes } from '../../../src/operators/offline/genes.js';
import { geneValue, type ImageGenome, type TextGenome } from '../../../src/operators/offline/genome.js';
import { modelSpec, modelsFor } from '../../../src/operators/offline/models.js';
import { draftPlan } from '../../../src/operators/offline/plan.js';
import { offlineTask } from '../../../src/operators/offline/task.js';
import type { OperatorRequest, ParentContext } from '../../../src/operators/types.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { stripFaultRecord } from './planted.js';
import { makeSyntheticImageTask, makeSyntheticTask, makeSyntheticTextTask } from './synthetic-task.js';

/** The offline generator on text- and image-classification tasks: genomes, operators, plans, budget. */

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-ti-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const text = makeSyntheticTextTask(root, 'text', { metric: 'accuracy', labels: ['sport', 'money', 'space'], trainRows: 60, testRows: 20 });
const image = makeSyntheticImageTask(root, 'image', { metric: 'auc', labels: ['0', '1'], trainRows: 30, testRows: 10 });
const TASKS: TableTask[] = [text, image];

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

const sentences = (plan: string): number => plan.split(/(?<=[.!?])\s+(?=[A-Z])/).length;

const textGenome = (over: Partial<TextGenome> = {}): TextGenome => ({
  v: 1, vectorizer: 'word+char', min_df: 3, max_features: 200000, sublinear_tf: false,
  model: { family: 'logistic', params: { C: 1.0, class_weight: null } }, validation: 'kfold-5', fault: null, ...over,
});
const imageGenome = (over: Partial<ImageGenome> = {}): ImageGenome => ({
  v: 1, side: 24, extras: 'gradients', scale: 'none', reduce: 'pca-32',
  model: { family: 'svm', params: { C: 1.0 } }, validation: 'kfold-3', fault: null, ...over,
});

describe('offline generator, text and images: determinism and diversity', () => {
  it('gives byte-identical output for the same request, for every operator', () => {
    for (const task of TASKS) {
      const parent = parentOf(draft(task, 11).code, { buggy: true, bugReason: 'exit code 1: ValueError: boom' });
      const other = parentOf(draft(task, 12).code, { nodeId: 4 });
      for (const op of ['draft', 'improve', 'debug', 'crossover'] as const) {
        const parents = op === 'draft' ? [] : op === 'crossover' ? [parent, other] : [parent];
        const request: OperatorRequest = { op, task, parents, seed: 42, remainingSeconds: 1800, memory: [] };
        const a = generateOffline(request);
        expect(generateOffline(structuredClone(request))).toEqual(a);
        expect(readGenome(a.code, task.type)).not.toBeNull();
      }
    }
  });

  it('samples different genomes and model families for different seeds, from the task type only', () => {
    for (const task of TASKS) {
      const genomes = Array.from({ length: 16 }, (_, i) => genomeOf(draft(task, i + 1, 0).code, task));
      expect(new Set(genomes.map((g) => JSON.stringify(g))).size).toBeGreaterThanOrEqual(14);
      const families = new Set(genomes.map((g) => g.model.family));
      expect(families.size).toBeGreaterThanOrEqual(4);
      for (const family of families) expect(modelSpec(task.type, family)).toBeDefined();
    }
  });

  it('covers the model families the brief names', () => {
    expect(modelsFor('text-classification').map((m) => m.className)).toEqual(['LogisticRegression', 'LinearSVC', 'SGDClassifier', 'MultinomialNB', 'ComplementNB']);
    expect(modelsFor('image-classification').map((m) => m.className)).toEqual([
      'LogisticRegression', 'RandomForestClassifier', 'ExtraTreesClassifier', 'KNeighborsClassifier', 'SVC', 'MLPClassifier',
    ]);
  });
});

describe('offline generator, text and images: genome in the code', () => {
  it('round-trips: the genome read back from the code re-renders the same code', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 30; seed++) {
        const { code } = draft(task, seed, 0.5);
        const g = genomeOf(code, task);
        expect(renderSolution(g, task)).toBe(code);
        expect(Object.keys(g)).toEqual(['v', ...pipelineGenes(task.type).map((gene) => gene.name), 'model', 'validation', 'fault']);
      }
    }
  });

  it('rejects a genome of another task type', () => {
    const tabular = makeSyntheticTask(root, 'tab', { type: 'tabular-classification', metric: 'accuracy', trainRows: 20, testRows: 5 });
    const tabularCode = draft(tabular, 1).code;
    const textCode = renderSolution(textGenome(), text);
    const imageCode = renderSolution(imageGenome(), image);
    expect(readGenome(tabularCode, 'text-classification')).toBeNull();
    expect(readGenome(tabularCode, 'image-classification')).toBeNull();
    expect(readGenome(textCode, 'image-classification')).toBeNull();
    expect(readGenome(textCode, 'tabular-classification')).toBeNull();
    expect(readGenome(imageCode, 'text-classification')).toBeNull();
    expect(readGenome(textCode, 'text-classification')).toEqual(textGenome());
    expect(readGenome(imageCode, 'image-classification')).toEqual(imageGenome());
    // A gene value outside the search space is not this generator's genome.
    expect(readGenome(imageCode.replace('"side":24', '"side":25'), 'image-classification')).toBeNull();
    expect(readGenome(textCode.replace('"min_df":3', '"min_df":"3"'), 'text-classification')).toBeNull();
  });

  it('renders the text pipeline as TF-IDF plus a linear model, and images as pixels read with PIL', () => {
    const code = renderSolution(textGenome({ model: { family: 'linear_svm', params: { C: 1.0, class_weight: 'balanced' } } }), text);
    // The text column is found at run time (the longest string column train and test share): `text` in Crucible's tasks.
    expect(code).toContain('TEXT_COLUMN = text_column()');
    expect(code).toContain('FeatureUnion([');
    expect(code).toContain('TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=3, max_features=200000, sublinear_tf=False');
    expect(code).toContain('LinearSVC(C=1.0, class_weight="balanced", max_iter=5000, random_state=RANDOM_STATE)');
    expect(code).not.toContain('CalibratedClassifierCV');
    const img = renderSolution(imageGenome(), image);
    expect(img).toContain('from PIL import Image');
    expect(img).toContain('def read_png(path):');
    expect(img).toContain('SIDE = 24');
    expect(img).toContain('PCA(n_components=PCA_COMPONENTS');
    // auc needs probabilities: the SVM is calibrated.
    expect(img).toContain('CalibratedClassifierCV(SVC(C=1.0), ensemble=False)');
    expect(img).toContain('X[train_index]');
  });

  it('calibrates margin models for auc and logloss only', () => {
    for (const family of ['linear_svm', 'sgd']) {
      const spec = modelSpec('text-classification', family);
      const params = Object.fromEntries((spec?.params ?? []).map((p) => [p.name, p.values[0] ?? null]));
      const g = textGenome({ model: { family, params } });
      expect(renderSolution(g, { ...text, metric: 'auc' })).toContain('CalibratedClassifierCV(');
      expect(renderSolution(g, { ...text, metric: 'logloss' })).toContain('CalibratedClassifierCV(');
      expect(renderSolution(g, { ...text, metric: 'f1' })).not.toContain('CalibratedClassifierCV(');
    }
  });
});

describe('offline generator, text and images: plans', () => {
  it('describe the pipeline in 3 to 5 sentences for every operator', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 10; seed++) {
        const d = draft(task, seed);
        const parent = parentOf(d.code, { bugReason: 'exit code 1: KeyError: x', buggy: true });
        const other = parentOf(draft(task, seed + 50).code, { nodeId: 4 });
        const plans = [
          d.plan,
          generateOffline({ op: 'improve', task, parents: [parent], seed, remainingSeconds: 3600, memory: [] }).plan,
          generateOffline({ op: 'crossover', task, parents: [parent, other], seed, remainingSeconds: 3600, memory: [] }).plan,
          generateOffline({ op: 'debug', task, parents: [parent], seed, remainingSeconds: 3600, memory: [] }).plan,
        ];
        for (const plan of plans) {
          expect(sentences(plan), plan).toBeGreaterThanOrEqual(3);
          expect(sentences(plan), plan).toBeLessThanOrEqual(5);
          // Debug plans name the failure, the fix and the model; the others the whole pipeline.
          if (plan.startsWith('Debug')) expect(plan).toContain('Model: ');
          else if (task === text) expect(plan).toMatch(/TF-IDF features of (word|character)/);
          else expect(plan).toMatch(/each PNG image is read as grayscale, resampled to \d+x\d+/i);
        }
      }
    }
  });

  it('names the text and image specifics', () => {
    expect(draft(text, 1, 0).plan).toMatch(/stratified cross-validation|holdout split/);
    const textPlan = draftPlan(textGenome(), offlineTask(text));
    expect(textPlan).toContain('word unigrams and bigrams side by side with character 2- to 4-grams');
    expect(textPlan).toContain('at least 3 documents');
    expect(textPlan).toContain('200000 most frequent');
    const imagePlan = draftPlan(imageGenome(), offlineTask(image));
    expect(imagePlan).toContain('resampled to 24x24');
    expect(imagePlan).toContain('gradient energy');
    expect(imagePlan).toContain('PCA reduces them to 32 components');
  });
});

describe('offline generator, text and images: improve and crossover', () => {
  it('changes exactly one gene, and over many seeds every kind of gene', () => {
    for (const task of TASKS) {
      const seen = new Set<string>();
      for (let seed = 0; seed < 200; seed++) {
        const parentCode = draft(task, seed % 25, 0).code;
        const child = generateOffline({ op: 'improve', task, parents: [parentOf(parentCode)], seed: seed + 1000, remainingSeconds: 3600, memory: [] });
        const diff = geneDiff(genomeOf(parentCode, task), genomeOf(child.code, task));
        expect(diff).toHaveLength(1);
        expect(child.plan).toContain(`${diff[0]} goes from`);
        seen.add((diff[0] as string).startsWith('model.') ? 'param' : (diff[0] as string));
      }
      const expected = [...pipelineGenes(task.type).map((g) => g.name), 'validation', 'model', 'param'].sort();
      expect([...seen].sort()).toEqual(expected);
    }
  });

  it('takes every gene of a crossover child from one of the two parents', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 30; seed++) {
        const a = parentOf(draft(task, seed, 0).code, { nodeId: 5 });
        const b = parentOf(draft(task, seed + 100, 0).code, { nodeId: 6 });
        const child = generateOffline({ op: 'crossover', task, parents: [a, b], seed, remainingSeconds: 3600, memory: [] });
        const [ga, gb, gc] = [genomeOf(a.code, task), genomeOf(b.code, task), genomeOf(child.code, task)];
        for (const gene of [...geneDiff(gb, gc), ...geneDiff(ga, gc)]) expect(geneDiff(ga, gb)).toContain(gene);
        if (geneDiff(ga, gb).length >= 2) {
          expect(geneDiff(gb, gc).length).toBeGreaterThan(0);
          expect(geneDiff(ga, gc).length).toBeGreaterThan(0);
        }
        expect(child.plan).toMatch(/^Crossover of node 5 \(validation (accuracy|auc) 0\.9\) and node 6/);
      }
    }
  });
});

describe('offline generator, text and images: debug', () => {
  function faultyDraft(task: TableTask, kind: FaultKind): { code: string; seed: number } {
    for (let seed = 1; seed < 500; seed++) {
      const { code } = draft(task, seed, 1);
      if (genomeOf(code, task).fault === kind) return { code, seed };
    }
    throw new Error(`no draft with fault ${kind}`);
  }

  it.each(FAULT_KINDS)('never reads the record of a planted %s fault: an error it cannot place gets the defensive variant', (kind) => {
    for (const task of TASKS) {
      const { code, seed } = faultyDraft(task, kind);
      const failed = { buggy: true, score: null, bugReason: 'exit code 1: RuntimeError: something failed', output: 'Traceback ...\nRuntimeError: something failed' };
      const request = (parentCode: string): OperatorRequest => ({ op: 'debug', task, parents: [parentOf(parentCode, failed)], seed, remainingSeconds: 3600, memory: [] });
      const child = generateOffline(request(code));
      expect(generateOffline(request(stripFaultRecord(code)))).toEqual(child);
      expect(genomeOf(child.code, task).fault).toBeNull();
      expect(child.plan).toContain('falls back to a defensive variant');
    }
  });

  it('makes a timed-out text pipeline cheaper: word n-grams only, a smaller vocabulary, a holdout', () => {
    const ctx = parentOf(renderSolution(textGenome(), text), { buggy: true, bugReason: 'timeout: execution exceeded its limit of 600 s' });
    const g = genomeOf(generateOffline({ op: 'debug', task: text, parents: [ctx], seed: 1, remainingSeconds: 3600, memory: [] }).code, text);
    expect(['vectorizer', 'max_features', 'validation'].map((gene) => geneValue(g, gene))).toEqual(['word-1-2', 20000, 'holdout-20']);
    expect(g.model.family).toBe('logistic');
  });

  it('makes a timed-out image pipeline cheaper, then swaps in logistic regression', () => {
    const ctx = parentOf(renderSolution(imageGenome(), image), { buggy: true, bugReason: 'timeout: execution exceeded its limit of 600 s' });
    const child = generateOffline({ op: 'debug', task: image, parents: [ctx], seed: 1, remainingSeconds: 3600, memory: [] });
    const g = genomeOf(child.code, image);
    expect(['side', 'extras', 'validation'].map((gene) => geneValue(g, gene))).toEqual([12, 'projections', 'holdout-20']);
    expect(child.plan).toContain('ran out of time');
    const again = parentOf(child.code, { buggy: true, bugReason: 'timeout: execution exceeded its limit of 600 s' });
    const cheapest = genomeOf(generateOffline({ op: 'debug', task: image, parents: [again], seed: 2, remainingSeconds: 3600, memory: [] }).code, image);
    expect(cheapest.model.family).toBe('logistic');
  });

  it('rebuilds text and image preprocessing defensively for an unknown error', () => {
    const textCtx = parentOf(renderSolution(textGenome(), text), { buggy: true, bugReason: 'exit code 1: ValueError: After pruning, no terms remain.' });
    const t = genomeOf(generateOffline({ op: 'debug', task: text, parents: [textCtx], seed: 1, remainingSeconds: 3600, memory: [] }).code, text);
    expect(['vectorizer', 'min_df', 'max_features', 'sublinear_tf'].map((gene) => geneValue(t, gene))).toEqual(['word-1-2', 1, 50000, true]);
    const imageCtx = parentOf(renderSolution(imageGenome(), image), { buggy: true, bugReason: 'exit code 1: ValueError: bad image' });
    const i = genomeOf(generateOffline({ op: 'debug', task: image, parents: [imageCtx], seed: 1, remainingSeconds: 3600, memory: [] }).code, image);
    expect(['side', 'extras', 'scale', 'reduce'].map((gene) => geneValue(i, gene))).toEqual([16, 'none', 'standard', 'none']);
  });
});

describe('offline generator, text and images: time budget', () => {
  it('keeps drafts small when little time is left', () => {
    for (const task of TASKS) {
      for (let seed = 0; seed < 40; seed++) {
        const g = genomeOf(draft(task, seed, 0, 60).code, task);
        for (const p of modelSpec(task.type, g.model.family)?.params ?? []) if (p.costly) expect(g.model.params[p.name]).toBeLessThanOrEqual(50);
        expect(g.validation.startsWith('holdout')).toBe(true);
        expect(geneValue(g, 'vectorizer')).not.toBe('word+char');
        expect(geneValue(g, 'side')).not.toBe(24);
        expect(geneValue(g, 'extras')).not.toBe('gradients');
      }
    }
  });
});

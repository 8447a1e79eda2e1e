import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { allowedGeneValues, pipelineGenes, type GeneValue } from './genes.js';
import { validationScheme, type Genome, type Validation, VALIDATION } from './genome.js';
import { modelsFor, type ModelSpec, type ParamSpec, type ParamValue } from './models.js';
import type { Rng } from './rng.js';

/** Draft-time sampling of a fresh genome (no fault: faults are drawn separately). */

/** The values of a hyperparameter that the budget allows (never empty: the cheapest always fits). */
export function allowedValues(param: ParamSpec, budget: Budget): readonly ParamValue[] {
  if (!param.costly) return param.values;
  const fitting = param.values.filter((v) => typeof v === 'number' && v <= budget.maxEstimators);
  return fitting.length > 0 ? fitting : param.values.slice(0, 1);
}

export function allowedValidations(budget: Budget): readonly Validation[] {
  return VALIDATION.filter((v) => {
    const s = validationScheme(v);
    return s.scheme === 'holdout' || s.folds <= budget.maxFolds;
  });
}

export function sampleParams(spec: ModelSpec, rng: Rng, budget: Budget): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  for (const p of spec.params) params[p.name] = rng.pick(allowedValues(p, budget));
  return params;
}

/** A family by draft weight, none of `exclude`; null when every family is excluded. */
export function sampleFamily(type: TableTask['type'], rng: Rng, exclude: readonly string[] = []): ModelSpec | null {
  const candidates = modelsFor(type).filter((m) => !exclude.includes(m.family));
  return candidates.length > 0 ? rng.weighted(candidates.map((m) => [m, m.weight] as const)) : null;
}

type Weights = readonly (readonly [GeneValue, number])[];

/** Draft-time preferences per pipeline gene; a gene without an entry is drawn uniformly. */
function geneWeights(type: TableTask['type'], spec: ModelSpec, budget: Budget): Record<string, Weights> {
  switch (type) {
    case 'tabular-classification':
    case 'tabular-regression':
      return {
        impute: [['median', 0.5], ['mean', 0.3], ['most_frequent', 0.2]],
        scale: spec.scaleSensitive
          ? [['standard', 0.7], ['robust', 0.25], ['none', 0.05]]
          : [['none', 0.6], ['standard', 0.25], ['robust', 0.15]],
        encode: spec.scaleSensitive ? [['onehot', 0.85], ['ordinal', 0.15]] : [['onehot', 0.5], ['ordinal', 0.5]],
        features: [['none', 0.6], ['poly2', budget.allowPoly ? (spec.scaleSensitive ? 0.25 : 0.1) : 0], ['select50', 0.2]],
        target: type === 'tabular-regression' ? [['none', 0.5], ['standardize', 0.25], ['log1p', 0.25]] : [['none', 1]],
      };
    case 'text-classification':
      return {
        vectorizer: [['word-1', 0.15], ['word-1-2', 0.35], ['char-2-4', 0.15], ['char-3-5', 0.15], ['word+char', 0.2]],
        min_df: [[1, 0.3], [2, 0.4], [3, 0.2], [5, 0.1]],
        max_features: [[5000, 0.15], [20000, 0.3], [50000, 0.35], [200000, 0.2]],
        sublinear_tf: [[true, 0.65], [false, 0.35]],
      };
    case 'image-classification':
      return {
        side: [[8, 0.2], [12, 0.25], [16, 0.35], [24, 0.2]],
        extras: [['none', 0.5], ['projections', 0.3], ['gradients', 0.2]],
        scale: spec.scaleSensitive ? [['standard', 0.85], ['none', 0.15]] : [['none', 0.7], ['standard', 0.3]],
        reduce: spec.family === 'knn' || spec.family === 'svm'
          ? [['none', 0.4], ['pca-16', 0.15], ['pca-32', 0.25], ['pca-64', 0.2]]
          : [['none', 0.7], ['pca-16', 0.05], ['pca-32', 0.1], ['pca-64', 0.15]],
      };
  }
}

export function sampleGenome(type: TableTask['type'], rng: Rng, budget: Budget): Genome {
  const spec = sampleFamily(type, rng);
  if (!spec) throw new Error(`no model family fits a ${type} task`);
  const validationWeights: Record<Validation, number> = { 'holdout-20': 0.35, 'holdout-25': 0.15, 'kfold-3': 0.25, 'kfold-5': 0.25 };
  const weights = geneWeights(type, spec, budget);
  const genome: Record<string, unknown> = { v: 1 };
  for (const gene of pipelineGenes(type)) {
    const allowed = allowedGeneValues(gene, budget);
    const w = weights[gene.name]?.filter(([v, p]) => p > 0 && allowed.includes(v));
    // A gene with one possible value (tabular classification's target) draws nothing.
    if (allowed.length === 1) genome[gene.name] = allowed[0];
    else genome[gene.name] = w && w.length > 0 ? rng.weighted(w) : rng.pick(allowed);
  }
  genome.model = { family: spec.family, params: sampleParams(spec, rng, budget) };
  genome.validation = rng.weighted(allowedValidations(budget).map((v) => [v, validationWeights[v]] as const));
  genome.fault = null;
  return genome as unknown as Genome;
}

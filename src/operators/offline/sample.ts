import type { TaskType } from '../../tasks/types.js';
import type { Budget } from './budget.js';
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

export function sampleFamily(type: TaskType, rng: Rng, exclude?: string): ModelSpec {
  const candidates = modelsFor(type).filter((m) => m.family !== exclude);
  return rng.weighted(candidates.map((m) => [m, m.weight] as const));
}

export function sampleGenome(type: TaskType, rng: Rng, budget: Budget): Genome {
  const spec = sampleFamily(type, rng);
  const validationWeights: Record<Validation, number> = { 'holdout-20': 0.35, 'holdout-25': 0.15, 'kfold-3': 0.25, 'kfold-5': 0.25 };
  return {
    v: 1,
    impute: rng.weighted([['median', 0.5], ['mean', 0.3], ['most_frequent', 0.2]] as const),
    scale: spec.scaleSensitive
      ? rng.weighted([['standard', 0.7], ['robust', 0.25], ['none', 0.05]] as const)
      : rng.weighted([['none', 0.6], ['standard', 0.25], ['robust', 0.15]] as const),
    encode: spec.scaleSensitive
      ? rng.weighted([['onehot', 0.85], ['ordinal', 0.15]] as const)
      : rng.weighted([['onehot', 0.5], ['ordinal', 0.5]] as const),
    features: rng.weighted([
      ['none', 0.6],
      ['poly2', budget.allowPoly ? (spec.scaleSensitive ? 0.25 : 0.1) : 0],
      ['select50', 0.2],
    ] as const),
    target: type === 'tabular-regression' ? rng.weighted([['none', 0.5], ['standardize', 0.25], ['log1p', 0.25]] as const) : 'none',
    model: { family: spec.family, params: sampleParams(spec, rng, budget) },
    validation: rng.weighted(allowedValidations(budget).map((v) => [v, validationWeights[v]] as const)),
    fault: null,
  };
}

import type { TaskType } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { ENCODE, FEATURES, IMPUTE, SCALE, TARGET, type Genome, type PipelineGene } from './genome.js';
import { modelSpec, pythonLiteral, type ParamSpec, type ParamValue } from './models.js';
import type { Rng } from './rng.js';
import { allowedValidations, allowedValues, sampleFamily, sampleParams } from './sample.js';

/** Improve's mutation: change exactly one gene of the parent's genome, and say why. */

export interface Mutation {
  genome: Genome;
  /** 'impute' … 'validation', 'model' (the family) or 'model.<param>'. */
  gene: string;
  from: string;
  to: string;
  why: string;
}

/** Why moving a pipeline gene to a value may help; quoted in the plan. */
const REASONS: Record<PipelineGene, Record<string, string>> = {
  impute: {
    mean: 'mean imputation keeps the column averages unchanged',
    median: 'median imputation is robust to outliers in the observed values',
    most_frequent: 'most-frequent imputation suits columns with a few repeated values',
  },
  scale: {
    none: 'raw feature scales are enough for split-based models and keep the pipeline simpler',
    standard: 'standard scaling puts every feature on unit variance',
    robust: 'robust scaling uses medians and quartiles, so outliers no longer dominate',
  },
  encode: {
    onehot: 'one-hot encoding lets the model weigh each category separately',
    ordinal: 'ordinal codes keep the feature count small, which suits tree models',
  },
  features: {
    none: 'the plain feature set is simpler and less prone to overfitting',
    poly2: 'pairwise products and squares let the model use feature interactions',
    select50: 'dropping the weaker half of the features by an F-test removes noise',
  },
  target: {
    none: 'fitting the target on its own scale avoids back-transformation bias',
    standardize: 'a standardized target helps scale-sensitive regressors',
    log1p: 'a log1p target compresses skew so large values do not dominate the fit',
  },
  validation: {
    'holdout-20': 'a single 20% holdout is cheaper and leaves time for more experiments',
    'holdout-25': 'a larger 25% holdout gives a steadier single-split estimate',
    'kfold-3': '3-fold cross-validation gives a less noisy score than one split',
    'kfold-5': '5-fold cross-validation gives the steadiest score estimate',
  },
};


function mutateParam(parent: Genome, type: TaskType, rng: Rng, budget: Budget): Mutation | null {
  const spec = modelSpec(type, parent.model.family);
  if (!spec) return null;
  const moves: { name: string; param: ParamSpec; value: ParamValue; why: string }[] = [];
  for (const p of spec.params) {
    const allowed = allowedValues(p, budget);
    const current = parent.model.params[p.name] as ParamValue;
    const i = p.values.indexOf(current);
    for (const j of [i - 1, i + 1]) {
      const value = p.values[j];
      if (j >= 0 && value !== undefined && allowed.includes(value)) moves.push({ name: p.name, param: p, value, why: j > i ? p.up : p.down });
    }
  }
  if (moves.length === 0) return null;
  const move = rng.pick(moves);
  return {
    genome: { ...parent, model: { family: parent.model.family, params: { ...parent.model.params, [move.name]: move.value } } },
    gene: `model.${move.name}`,
    from: pythonLiteral(parent.model.params[move.name] as ParamValue, move.param),
    to: pythonLiteral(move.value, move.param),
    why: move.why,
  };
}

function mutateFamily(parent: Genome, type: TaskType, rng: Rng, budget: Budget): Mutation {
  const spec = sampleFamily(type, rng, parent.model.family);
  return {
    genome: { ...parent, model: { family: spec.family, params: sampleParams(spec, rng, budget) } },
    gene: 'model',
    from: parent.model.family,
    to: spec.family,
    why: `switching to ${spec.label} brings a different inductive bias`,
  };
}

function mutatePipeline(parent: Genome, gene: PipelineGene, rng: Rng, options: readonly string[]): Mutation | null {
  const others = options.filter((v) => v !== parent[gene]);
  if (others.length === 0) return null;
  const to = rng.pick(others);
  return { genome: { ...parent, [gene]: to }, gene, from: parent[gene], to, why: REASONS[gene][to] ?? '' };
}

export function mutate(parent: Genome, type: TaskType, rng: Rng, budget: Budget): Mutation {
  const options: Record<PipelineGene, readonly string[]> = {
    impute: IMPUTE,
    scale: SCALE,
    encode: ENCODE,
    features: FEATURES.filter((f) => f !== 'poly2' || budget.allowPoly),
    target: type === 'tabular-regression' ? TARGET : ['none'],
    validation: allowedValidations(budget),
  };
  const preprocessing: PipelineGene[] = ['impute', 'scale', 'encode', 'features', 'target'];
  type Kind = 'param' | 'family' | 'preprocessing' | 'validation';
  let kinds: [Kind, number][] = [['param', 0.5], ['family', 0.15], ['preprocessing', 0.28], ['validation', 0.07]];
  // A kind can run out of moves (e.g. a one-value search space under a tight budget): try the others.
  while (kinds.length > 0) {
    const kind = rng.weighted(kinds);
    let m: Mutation | null = null;
    if (kind === 'param') m = mutateParam(parent, type, rng, budget);
    else if (kind === 'family') m = mutateFamily(parent, type, rng, budget);
    else if (kind === 'validation') m = mutatePipeline(parent, 'validation', rng, options.validation);
    else {
      const genes = preprocessing.filter((g) => options[g].some((v) => v !== parent[g]));
      const gene = genes.length > 0 ? rng.pick(genes) : null;
      m = gene ? mutatePipeline(parent, gene, rng, options[gene]) : null;
    }
    if (m) return m;
    kinds = kinds.filter(([k]) => k !== kind);
  }
  throw new Error('no gene of this genome can be mutated');
}

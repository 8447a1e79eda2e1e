import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { allowedGeneValues, geneText, pipelineGenes, VALIDATION_GENE, type GeneSpec, type GeneValue } from './genes.js';
import { geneValue, withGene, type Genome } from './genome.js';
import { modelSpec, pythonLiteral, type ParamSpec, type ParamValue } from './models.js';
import type { Rng } from './rng.js';
import { allowedValidations, allowedValues, sampleFamily, sampleParams } from './sample.js';

/** Improve's mutation: change exactly one gene of the parent's genome, and say why. */

export interface Mutation {
  genome: Genome;
  /** A pipeline gene (genes.ts, e.g. 'impute', 'vectorizer', 'side'), 'validation', 'model' (the family) or 'model.<param>'. */
  gene: string;
  from: string;
  to: string;
  why: string;
}

function mutateParam(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget): Mutation | null {
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

function mutateFamily(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget): Mutation {
  const spec = sampleFamily(type, rng, parent.model.family);
  return {
    genome: { ...parent, model: { family: spec.family, params: sampleParams(spec, rng, budget) } },
    gene: 'model',
    from: parent.model.family,
    to: spec.family,
    why: `switching to ${spec.label} brings a different inductive bias`,
  };
}

function mutatePipeline(parent: Genome, gene: GeneSpec, rng: Rng, options: readonly GeneValue[]): Mutation | null {
  const current = geneValue(parent, gene.name);
  const others = options.filter((v) => v !== current);
  if (others.length === 0) return null;
  const to = rng.pick(others);
  return {
    genome: withGene(parent, gene.name, to),
    gene: gene.name,
    from: geneText(current ?? ''),
    to: geneText(to),
    why: gene.why[String(to)] ?? '',
  };
}

export function mutate(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget): Mutation {
  const preprocessing = pipelineGenes(type).map((gene) => ({ gene, options: allowedGeneValues(gene, budget) }));
  type Kind = 'param' | 'family' | 'preprocessing' | 'validation';
  let kinds: [Kind, number][] = [['param', 0.5], ['family', 0.15], ['preprocessing', 0.28], ['validation', 0.07]];
  // A kind can run out of moves (e.g. a one-value search space under a tight budget): try the others.
  while (kinds.length > 0) {
    const kind = rng.weighted(kinds);
    let m: Mutation | null = null;
    if (kind === 'param') m = mutateParam(parent, type, rng, budget);
    else if (kind === 'family') m = mutateFamily(parent, type, rng, budget);
    else if (kind === 'validation') m = mutatePipeline(parent, VALIDATION_GENE, rng, allowedValidations(budget));
    else {
      const movable = preprocessing.filter(({ gene, options }) => options.some((v) => v !== geneValue(parent, gene.name)));
      const pick = movable.length > 0 ? rng.pick(movable) : null;
      m = pick ? mutatePipeline(parent, pick.gene, rng, pick.options) : null;
    }
    if (m) return m;
    kinds = kinds.filter(([k]) => k !== kind);
  }
  throw new Error('no gene of this genome can be mutated');
}

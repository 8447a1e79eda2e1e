import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { allowedGeneValues, geneText, pipelineGenes, VALIDATION_GENE, type GeneSpec, type GeneValue } from './genes.js';
import { geneValue, withGene, type Genome } from './genome.js';
import { activeParams, modelSpec, modelsFor, pythonLiteral, type ParamSpec, type ParamValue } from './models.js';
import type { Rng } from './rng.js';
import { allowedValidations, allowedValues, sampleFamily, sampleParams } from './sample.js';

/**
 * Improve's mutation: change exactly one gene of the parent's genome, and say why. A move an earlier
 * Improve child of the same parent already made (`tried`, mutation keys) is passed over while an
 * untried one is left, so repeated Improves of one node explore instead of repeating.
 */

export interface Mutation {
  genome: Genome;
  /** A pipeline gene (genes.ts, e.g. 'impute', 'vectorizer', 'side'), 'validation', 'model' (the family) or 'model.<param>'. */
  gene: string;
  from: string;
  to: string;
  why: string;
}

/** What a mutation did, as a key: the gene and its new value ('model=<family>' for a family switch). */
export const mutationKey = (gene: string, to: string): string => `${gene}=${to}`;

function mutateParam(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget, tried: ReadonlySet<string>): Mutation | null {
  const spec = modelSpec(type, parent.model.family);
  if (!spec) return null;
  const moves: { name: string; param: ParamSpec; value: ParamValue; why: string }[] = [];
  // A parameter no member of the model takes would change nothing: only those in use move.
  for (const p of activeParams(spec, parent.model.params)) {
    const allowed = allowedValues(p, budget);
    const current = parent.model.params[p.name] as ParamValue;
    const i = p.values.indexOf(current);
    for (const j of [i - 1, i + 1]) {
      const value = p.values[j];
      const fresh = value !== undefined && !tried.has(mutationKey(`model.${p.name}`, pythonLiteral(value, p)));
      if (j >= 0 && value !== undefined && allowed.includes(value) && fresh) moves.push({ name: p.name, param: p, value, why: j > i ? p.up : p.down });
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

function mutateFamily(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget, tried: ReadonlySet<string>): Mutation | null {
  const spec = sampleFamily(type, rng, modelsFor(type).map((m) => m.family).filter((f) => f === parent.model.family || tried.has(mutationKey('model', f))));
  if (!spec) return null;
  return {
    genome: { ...parent, model: { family: spec.family, params: sampleParams(spec, rng, budget) } },
    gene: 'model',
    from: parent.model.family,
    to: spec.family,
    why: `switching to ${spec.label} brings a different inductive bias`,
  };
}

/** The values a pipeline gene may move to: allowed, not its current one, not tried. */
function pipelineMoves(parent: Genome, gene: GeneSpec, options: readonly GeneValue[], tried: ReadonlySet<string>): GeneValue[] {
  const current = geneValue(parent, gene.name);
  return options.filter((v) => v !== current && !tried.has(mutationKey(gene.name, geneText(v))));
}

function mutatePipeline(parent: Genome, gene: GeneSpec, rng: Rng, options: readonly GeneValue[], tried: ReadonlySet<string>): Mutation | null {
  const current = geneValue(parent, gene.name);
  const others = pipelineMoves(parent, gene, options, tried);
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

function draw(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget, tried: ReadonlySet<string>): Mutation | null {
  const preprocessing = pipelineGenes(type).map((gene) => ({ gene, options: allowedGeneValues(gene, budget) }));
  type Kind = 'param' | 'family' | 'preprocessing' | 'validation';
  let kinds: [Kind, number][] = [['param', 0.5], ['family', 0.15], ['preprocessing', 0.28], ['validation', 0.07]];
  // A kind can run out of moves (e.g. a one-value search space under a tight budget, or all tried): try the others.
  while (kinds.length > 0) {
    const kind = rng.weighted(kinds);
    let m: Mutation | null = null;
    if (kind === 'param') m = mutateParam(parent, type, rng, budget, tried);
    else if (kind === 'family') m = mutateFamily(parent, type, rng, budget, tried);
    else if (kind === 'validation') m = mutatePipeline(parent, VALIDATION_GENE, rng, allowedValidations(budget), tried);
    else {
      const movable = preprocessing.filter(({ gene, options }) => pipelineMoves(parent, gene, options, tried).length > 0);
      const pick = movable.length > 0 ? rng.pick(movable) : null;
      m = pick ? mutatePipeline(parent, pick.gene, rng, pick.options, tried) : null;
    }
    if (m) return m;
    kinds = kinds.filter(([k]) => k !== kind);
  }
  return null;
}

/** One mutation of the parent, an untried one while any is left (`tried`: mutationKey of earlier children's moves). */
export function mutate(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget, tried: ReadonlySet<string> = new Set()): Mutation {
  const m = draw(parent, type, rng, budget, tried) ?? draw(parent, type, rng, budget, new Set());
  if (!m) throw new Error('no gene of this genome can be mutated');
  return m;
}

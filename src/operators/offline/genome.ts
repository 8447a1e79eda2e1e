import { z } from 'zod';
import type { TableTask } from '../../tasks/types.js';
import { FAULT_KINDS, type FaultKind } from './faults.js';
import {
  ENCODE,
  EXTRAS,
  FEATURES,
  GENE_ORDER,
  IMAGE_SCALE,
  IMPUTE,
  MAX_FEATURES,
  MIN_DF,
  REDUCE,
  SCALE,
  SIDE,
  SUBLINEAR_TF,
  TARGET,
  VALIDATION,
  VECTORIZER,
  pipelineGenes,
  type GeneValue,
  type Validation,
} from './genes.js';
import { modelSpec, type ParamValue } from './models.js';

export { ENCODE, EXTRAS, FEATURES, IMAGE_SCALE, IMPUTE, MAX_FEATURES, MIN_DF, REDUCE, SCALE, SIDE, SUBLINEAR_TF, TARGET, VALIDATION, VECTORIZER };
export type { Validation };

/**
 * A solution's genome: every choice the renderer needs besides the task itself. It travels in the
 * code's first line, so Improve and Debug can recover it from the parent's code alone. Its pipeline
 * genes depend on the task type (genes.ts); the model and validation are common to all. `fault` is
 * the test-only fault injection's record (faults.ts): on the line only when one was planted.
 */

interface GenomeBase {
  v: 1;
  model: { family: string; params: Record<string, ParamValue> };
  validation: Validation;
  fault: FaultKind | null;
}

export type TabularGenome = GenomeBase & {
  impute: (typeof IMPUTE)[number];
  scale: (typeof SCALE)[number];
  encode: (typeof ENCODE)[number];
  features: (typeof FEATURES)[number];
  target: (typeof TARGET)[number];
};

export type TextGenome = GenomeBase & {
  vectorizer: (typeof VECTORIZER)[number];
  min_df: (typeof MIN_DF)[number];
  max_features: (typeof MAX_FEATURES)[number];
  sublinear_tf: boolean;
};

export type ImageGenome = GenomeBase & {
  side: (typeof SIDE)[number];
  extras: (typeof EXTRAS)[number];
  scale: (typeof IMAGE_SCALE)[number];
  reduce: (typeof REDUCE)[number];
};

export type Genome = TabularGenome | TextGenome | ImageGenome;

export const isTabular = (g: Genome): g is TabularGenome => 'impute' in g;
export const isText = (g: Genome): g is TextGenome => 'vectorizer' in g;
export const isImage = (g: Genome): g is ImageGenome => 'side' in g;

/** A pipeline gene's value, by name (undefined when the genome's type has no such gene). */
export function geneValue(g: Genome, gene: string): GeneValue | undefined {
  return (g as unknown as Record<string, GeneValue | undefined>)[gene];
}

/** The same genome with one pipeline gene set. */
export function withGene(g: Genome, gene: string, value: GeneValue): Genome {
  return { ...g, [gene]: value } as Genome;
}

export function validationScheme(v: Validation): { scheme: 'holdout'; fraction: number } | { scheme: 'kfold'; folds: number } {
  const [scheme, n] = v.split('-') as ['holdout' | 'kfold', string];
  return scheme === 'holdout' ? { scheme, fraction: Number(n) / 100 } : { scheme, folds: Number(n) };
}

const oneOf = <T extends GeneValue>(values: readonly T[]) => z.custom<T>((v) => (values as readonly unknown[]).includes(v));
const paramValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const model = z.object({ family: z.string(), params: z.record(z.string(), paramValue) }).strict();

/** A genome's schema: version, the type's pipeline genes, then model, validation and fault (the canonical key order; no fault: null). */
function schema(genes: Record<string, z.ZodType>): z.ZodType<Genome> {
  const shape = { v: z.literal(1), ...genes, model, validation: oneOf(VALIDATION), fault: oneOf(FAULT_KINDS).nullable().default(null) };
  return z.object(shape).strict() as unknown as z.ZodType<Genome>;
}

const SCHEMAS: Record<'tabular' | 'text' | 'image', z.ZodType<Genome>> = {
  tabular: schema({ impute: oneOf(IMPUTE), scale: oneOf(SCALE), encode: oneOf(ENCODE), features: oneOf(FEATURES), target: oneOf(TARGET) }),
  text: schema({ vectorizer: oneOf(VECTORIZER), min_df: oneOf(MIN_DF), max_features: oneOf(MAX_FEATURES), sublinear_tf: z.boolean() }),
  image: schema({ side: oneOf(SIDE), extras: oneOf(EXTRAS), scale: oneOf(IMAGE_SCALE), reduce: oneOf(REDUCE) }),
};

const schemaFor = (type: TableTask['type']): z.ZodType<Genome> =>
  type === 'text-classification' ? SCHEMAS.text : type === 'image-classification' ? SCHEMAS.image : SCHEMAS.tabular;

/** The same genome with keys in one fixed order, so its JSON (and the code) is byte-stable. */
export function canonical(g: Genome, type: TableTask['type']): Genome {
  const spec = modelSpec(type, g.model.family);
  const params: Record<string, ParamValue> = {};
  for (const p of spec?.params ?? []) {
    const value = g.model.params[p.name];
    if (value !== undefined) params[p.name] = value;
  }
  const out: Record<string, unknown> = { v: 1 };
  for (const gene of pipelineGenes(type)) out[gene.name] = geneValue(g, gene.name);
  out.model = { family: g.model.family, params };
  out.validation = g.validation;
  out.fault = g.fault;
  return out as unknown as Genome;
}

const GENOME_LINE = /^# crucible-genome: (.*)$/m;

export function genomeLine(g: Genome, type: TableTask['type']): string {
  const { fault, ...genes } = canonical(g, type);
  return `# crucible-genome: ${JSON.stringify(fault === null ? genes : { ...genes, fault })}`;
}

/** The pipeline a genome stands for, without any planted fault: what Improve, Crossover and Debug start from. */
export const withoutFault = (g: Genome): Genome => ({ ...g, fault: null });

/**
 * The genome recorded in a solution's code, or null when the code has none, or one that does not
 * fit this task type (its genes, family or hyperparameters are unknown here).
 */
export function readGenome(code: string, type: TableTask['type']): Genome | null {
  const match = GENOME_LINE.exec(code);
  if (!match?.[1]) return null;
  let json: unknown;
  try {
    json = JSON.parse(match[1]);
  } catch {
    return null;
  }
  const parsed = schemaFor(type).safeParse(json);
  if (!parsed.success) return null;
  const g = parsed.data;
  const spec = modelSpec(type, g.model.family);
  if (!spec) return null;
  for (const gene of pipelineGenes(type)) {
    if (!gene.values.includes(geneValue(g, gene.name) as GeneValue)) return null;
  }
  const names = Object.keys(g.model.params);
  if (names.length !== spec.params.length) return null;
  for (const p of spec.params) {
    if (!(p.name in g.model.params) || !p.values.includes(g.model.params[p.name] as ParamValue)) return null;
  }
  return g;
}

/** The pipeline genes (validation included) that either genome has, in genome order. */
export function genesOf(a: Genome, b: Genome = a): string[] {
  const present = new Set([...Object.keys(a), ...Object.keys(b)]);
  return GENE_ORDER.filter((gene) => present.has(gene));
}

/**
 * Which genes differ between two genomes. A family change is one gene ('model'): the new family
 * brings its own hyperparameters. The fault is a planted bug, not a gene, and is ignored.
 */
export function geneDiff(a: Genome, b: Genome): string[] {
  const changed = genesOf(a, b).filter((gene) => geneValue(a, gene) !== geneValue(b, gene));
  if (a.model.family !== b.model.family) return ['model', ...changed];
  const names = new Set([...Object.keys(a.model.params), ...Object.keys(b.model.params)]);
  for (const name of names) {
    if (a.model.params[name] !== b.model.params[name]) changed.push(`model.${name}`);
  }
  return changed;
}

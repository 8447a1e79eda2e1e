import { z } from 'zod';
import type { TaskType } from '../../tasks/types.js';
import { FAULT_KINDS } from './faults.js';
import { modelSpec, type ParamValue } from './models.js';

/**
 * A solution's genome: every choice the renderer needs besides the task itself. It travels in the
 * code's first line, so Improve and Debug can recover it from the parent's code alone.
 */

export const IMPUTE = ['mean', 'median', 'most_frequent'] as const;
export const SCALE = ['none', 'standard', 'robust'] as const;
export const ENCODE = ['onehot', 'ordinal'] as const;
/** Optional feature step: degree-2 polynomial expansion of numeric columns, or keep the top 50% by a univariate F-test. */
export const FEATURES = ['none', 'poly2', 'select50'] as const;
/** Target transform; regression only (classification always has 'none'). */
export const TARGET = ['none', 'standardize', 'log1p'] as const;
export const VALIDATION = ['holdout-20', 'holdout-25', 'kfold-3', 'kfold-5'] as const;

export type Validation = (typeof VALIDATION)[number];

const paramValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

const genomeSchema = z
  .object({
    v: z.literal(1),
    impute: z.enum(IMPUTE),
    scale: z.enum(SCALE),
    encode: z.enum(ENCODE),
    features: z.enum(FEATURES),
    target: z.enum(TARGET),
    model: z.object({ family: z.string(), params: z.record(z.string(), paramValue) }).strict(),
    validation: z.enum(VALIDATION),
    fault: z.enum(FAULT_KINDS).nullable(),
  })
  .strict();

export type Genome = z.infer<typeof genomeSchema>;

/** Genes that Improve may mutate; 'model' is the family, 'model.<param>' one hyperparameter. */
export type PipelineGene = 'impute' | 'scale' | 'encode' | 'features' | 'target' | 'validation';
export const PIPELINE_GENES: readonly PipelineGene[] = ['impute', 'scale', 'encode', 'features', 'target', 'validation'];

export function validationScheme(v: Validation): { scheme: 'holdout'; fraction: number } | { scheme: 'kfold'; folds: number } {
  const [scheme, n] = v.split('-') as ['holdout' | 'kfold', string];
  return scheme === 'holdout' ? { scheme, fraction: Number(n) / 100 } : { scheme, folds: Number(n) };
}

/** The same genome with keys in one fixed order, so its JSON (and the code) is byte-stable. */
export function canonical(g: Genome, type: TaskType): Genome {
  const spec = modelSpec(type, g.model.family);
  const params: Record<string, ParamValue> = {};
  for (const p of spec?.params ?? []) {
    const value = g.model.params[p.name];
    if (value !== undefined) params[p.name] = value;
  }
  return {
    v: 1,
    impute: g.impute,
    scale: g.scale,
    encode: g.encode,
    features: g.features,
    target: g.target,
    model: { family: g.model.family, params },
    validation: g.validation,
    fault: g.fault,
  };
}

const GENOME_LINE = /^# crucible-genome: (.*)$/m;

export function genomeLine(g: Genome, type: TaskType): string {
  return `# crucible-genome: ${JSON.stringify(canonical(g, type))}`;
}

/**
 * The genome recorded in a solution's code, or null when the code has none, or one that does not
 * fit this task type (its family or hyperparameters are unknown here).
 */
export function readGenome(code: string, type: TaskType): Genome | null {
  const match = GENOME_LINE.exec(code);
  if (!match?.[1]) return null;
  let json: unknown;
  try {
    json = JSON.parse(match[1]);
  } catch {
    return null;
  }
  const parsed = genomeSchema.safeParse(json);
  if (!parsed.success) return null;
  const g = parsed.data;
  const spec = modelSpec(type, g.model.family);
  if (!spec) return null;
  if (type === 'tabular-classification' && g.target !== 'none') return null;
  const names = Object.keys(g.model.params);
  if (names.length !== spec.params.length) return null;
  for (const p of spec.params) {
    if (!(p.name in g.model.params) || !p.values.includes(g.model.params[p.name] as ParamValue)) return null;
  }
  return g;
}

/**
 * Which genes differ between two genomes. A family change is one gene ('model'): the new family
 * brings its own hyperparameters. The fault is a planted bug, not a gene, and is ignored.
 */
export function geneDiff(a: Genome, b: Genome): string[] {
  if (a.model.family !== b.model.family) {
    return ['model', ...PIPELINE_GENES.filter((gene) => a[gene] !== b[gene])];
  }
  const changed: string[] = PIPELINE_GENES.filter((gene) => a[gene] !== b[gene]);
  const names = new Set([...Object.keys(a.model.params), ...Object.keys(b.model.params)]);
  for (const name of names) {
    if (a.model.params[name] !== b.model.params[name]) changed.push(`model.${name}`);
  }
  return changed;
}

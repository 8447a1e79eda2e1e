import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { closestColumn, dataColumns } from './columns.js';
import { diagnose, type Cause, type Failure } from './diagnose.js';
import { geneDiff, isImage, isTabular, isText, validationScheme, type Genome } from './genome.js';
import { activeParams, cheapestFamily, modelSpec } from './models.js';
import { renderFor } from './render.js';
import type { Rng } from './rng.js';
import { allowedValues, sampleParams } from './sample.js';
import type { OfflineTask } from './task.js';

/**
 * Debug's repair: diagnose the parent's failure from its bug reason, its output and the task's data
 * (diagnose.ts, columns.ts), then change what caused it. The parent's genome comes in without any
 * planted fault's record: Debug knows only what the error shows.
 */

export interface Repair {
  genome: Genome;
  failure: Failure;
  /** Sentences for the plan: what went wrong, and what changed. */
  cause: string;
  fix: string;
}

/** The cheapest change that swaps in a linear model, for when nothing else is left to cut. */
function cheapFamily(g: Genome, type: TableTask['type'], rng: Rng, budget: Budget): { genome: Genome; change: string } | null {
  if (modelSpec(type, g.model.family)?.cheap) return null;
  const spec = cheapestFamily(type);
  return {
    genome: { ...g, model: { family: spec.family, params: sampleParams(spec, rng, budget) } },
    change: `the ${modelSpec(type, g.model.family)?.label ?? g.model.family} is replaced by ${spec.label}, which trains in a fraction of the time`,
  };
}

/**
 * Halves ensemble sizes, drops k-fold and the costly feature steps (polynomial expansion; word plus
 * character n-grams and large vocabularies; large images and gradient features); the last resort is
 * a linear model.
 */
function cheapen(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget, memory: boolean): { genome: Genome; changes: string[] } {
  const spec = modelSpec(type, parent.model.family);
  const params = { ...parent.model.params };
  const changes: string[] = [];
  // Only the sizes that reach the model: halving an ensemble's absent forest would save nothing.
  for (const p of spec ? activeParams(spec, params) : []) {
    const current = params[p.name];
    if (!p.costly || typeof current !== 'number') continue;
    const allowed = allowedValues(p, budget).filter((v): v is number => typeof v === 'number');
    const halved = allowed.filter((v) => v <= current / 2);
    const next = halved.length > 0 ? Math.max(...halved) : Math.min(...allowed);
    if (next < current) {
      params[p.name] = next;
      changes.push(`${p.name} goes from ${current} to ${next}`);
    }
  }
  let genome: Genome = { ...parent, model: { family: parent.model.family, params } };
  const scheme = validationScheme(genome.validation);
  if (scheme.scheme === 'kfold') {
    changes.push(`${scheme.folds}-fold cross-validation becomes a single 20% holdout`);
    genome = { ...genome, validation: 'holdout-20' };
  }
  if (isTabular(genome) && genome.features === 'poly2') {
    changes.push('the polynomial feature expansion is dropped');
    genome = { ...genome, features: 'none' };
  }
  if (isTabular(genome) && memory && genome.encode === 'onehot') {
    changes.push('categories are ordinal-coded instead of one-hot encoded, which keeps the matrix narrow');
    genome = { ...genome, encode: 'ordinal' };
  }
  if (isText(genome) && genome.vectorizer === 'word+char') {
    changes.push('the character n-grams are dropped, leaving word unigrams and bigrams');
    genome = { ...genome, vectorizer: 'word-1-2' };
  }
  if (isText(genome) && genome.max_features > 20000) {
    changes.push(`the vocabulary cap goes from ${genome.max_features} to 20000 terms`);
    genome = { ...genome, max_features: 20000 };
  }
  if (isImage(genome) && genome.side > 12) {
    changes.push(`images are resampled to 12x12 instead of ${genome.side}x${genome.side}`);
    genome = { ...genome, side: 12 };
  }
  if (isImage(genome) && genome.extras === 'gradients') {
    changes.push('the gradient features are dropped, keeping the row and column profiles');
    genome = { ...genome, extras: 'projections' };
  }
  if (changes.length === 0) {
    const swap = cheapFamily(genome, type, rng, budget);
    if (swap) return { genome: swap.genome, changes: [swap.change] };
  }
  return { genome, changes };
}

/** The most defensive preprocessing of each type, and how a plan says it. */
function safest(parent: Genome): { genome: Genome; what: string } {
  if (isText(parent)) {
    // min_df above 1 can prune every term of a small or short corpus ("no terms remain").
    return {
      genome: { ...parent, vectorizer: 'word-1-2', min_df: 1, max_features: 50000, sublinear_tf: true },
      what: 'word unigrams and bigrams, every term kept down to min_df=1, 50000 terms at most, sublinear term frequency',
    };
  }
  if (isImage(parent)) {
    return {
      genome: { ...parent, side: 16, extras: 'none', scale: 'standard', reduce: 'none' },
      what: '16x16 grayscale pixels, standard scaling, no extra features or PCA',
    };
  }
  return {
    genome: { ...parent, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'none' },
    what: 'median imputation, standard scaling, one-hot encoding, no feature step or target transform',
  };
}

/** For a failure with no cause this generator can fix: rebuild the preprocessing with the most defensive settings. */
function defensive(parent: Genome, type: TableTask['type'], rng: Rng, budget: Budget): { genome: Genome; change: string } {
  const { genome: safe, what } = safest(parent);
  if (geneDiff(parent, safe).length > 0) {
    return { genome: safe, change: `the preprocessing is rebuilt with the most defensive settings (${what})` };
  }
  const swap = cheapFamily(safe, type, rng, budget);
  if (swap) return swap;
  return { genome: safe, change: 'the pipeline is already as plain as this generator makes it, so it is retried unchanged' };
}

const sentence = (parts: string[]): string => {
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
};

type Found = Omit<Repair, 'failure'>;

/** A change of preprocessing genes aimed at one cause of tabular data, or null where it changes nothing. */
function tabularFix(parent: Genome, genes: Partial<Genome>, change: string, cause: string): Found | null {
  if (!isTabular(parent)) return null;
  const genome = { ...parent, ...genes } as Genome;
  return geneDiff(parent, genome).length > 0 ? { genome, cause, fix: sentence([change]) } : null;
}

/** Where the pipeline is right and the code around it failed: the same genome, its code written anew. */
const rewritten = (parent: Genome, cause: string, fix: string): Found => ({ genome: parent, cause, fix: sentence([fix]) });

function missingColumn(parent: Genome, task: OfflineTask, column: string): Found {
  const columns = dataColumns(task);
  const closest = closestColumn(column, columns);
  const declared = [...(task.learn.kind === 'columns' ? task.learn.columns : [task.learn.column]), task.idColumn];
  const where = columns.length > 0 ? `neither the train nor the test table has a column '${column}'` : `the frame has no column '${column}'`;
  const nearest = closest === null ? 'no real column is close to that name' : `the closest real column is '${closest}'`;
  // The generator writes the task's own column names and the columns it finds in the data.
  if (declared.includes(column)) {
    return rewritten(parent, `The cause: a KeyError; the task itself names column '${column}', yet ${where}; ${nearest}.`, 'the code is rewritten as this generator writes it, though the task\'s own name for the column stays');
  }
  const fix = closest !== null && declared.includes(closest)
    ? `the code is rewritten to read '${closest}', the task's own name for it, where it read '${column}'`
    : `the code is rewritten to read only the columns the task names and the data holds, so '${column}' is no longer asked for`;
  return rewritten(parent, `The cause: a KeyError, ${where}; ${nearest}.`, fix);
}

/** What the diagnosed cause asks for, or null when this generator has no fix for it. */
function fixFor(cause: Cause, parent: Genome, task: OfflineTask): Found | null {
  switch (cause.kind) {
    case 'missing-column':
      return missingColumn(parent, task, cause.column);
    case 'dtype':
      return tabularFix(
        parent, { encode: 'ordinal', features: 'none' },
        'every categorical column is ordinal-coded, so each value reaches the model as a number, and no feature step runs on the raw values',
        'The cause: a value of the wrong type (a string where a number was expected, or a failed cast).',
      );
    case 'nan':
      return tabularFix(
        parent, { impute: 'median', features: 'none', target: 'none' },
        'missing values are median-imputed, and neither a polynomial expansion nor a target transform can overflow into infinities',
        'The cause: missing or infinite values reached the model.',
      );
    case 'unseen-category':
      return tabularFix(
        parent, { encode: 'ordinal' },
        'categories are ordinal-coded with handle_unknown="use_encoded_value", so a category unseen in training becomes -1',
        'The cause: a category at prediction time that fitting never saw.',
      );
    case 'submission':
      return rewritten(
        parent, `The cause: the submission does not match the sample submission (${cause.problem.replace(/\.$/, '')}).`,
        "the code is rewritten to predict the test rows and write the sample submission's columns in its order, one row per test id, without the pandas index",
      );
    case 'metrics':
      return rewritten(
        parent, `The cause: ${cause.problem.replace(/\.$/, '')}.`,
        'the code is rewritten to write the validation score to metrics.json as a plain Python float',
      );
    case 'timeout':
    case 'memory':
    case 'unknown':
      return null;
  }
}

/** A cause in words, where a pipeline may have no gene aimed at it (text and image pipelines for a table's causes). */
const SHOWN: Record<Cause['kind'], string> = {
  timeout: 'a timeout', memory: 'a memory limit', 'missing-column': 'a missing column', dtype: 'a value of the wrong type',
  nan: 'missing or infinite values', 'unseen-category': 'an unseen category', submission: 'a wrong submission', metrics: 'a metrics.json problem', unknown: 'no known cause',
};

const RECOGNISED = 'a missing or renamed column, a dtype, NaN, an unseen category, memory, time, the submission or metrics.json';

export function repair(parent: Genome, task: OfflineTask, parentCode: string, bugReason: string | null, output: string, rng: Rng, budget: Budget): Repair {
  const failure = diagnose(bugReason, output);
  const { cause } = failure;
  if (cause.kind === 'timeout' || cause.kind === 'memory') {
    const { genome, changes } = cheapen(parent, task.type, rng, budget, cause.kind === 'memory');
    const what = cause.kind === 'timeout' ? 'ran out of time' : 'ran out of memory';
    const fixes = changes.length > 0 ? changes : ['nothing is left to cut, so the same pipeline is retried'];
    return { genome, failure, cause: `The parent ${what}, so the model must get cheaper.`, fix: sentence(fixes) };
  }
  const found = fixFor(cause, parent, task);
  // A fix that would write the parent's code again does not reach the cause.
  if (found && renderFor(found.genome, task) !== parentCode) return { ...found, failure };
  const why = found
    ? `${found.cause} Yet this generator would write the parent's code again, so it falls back to a defensive variant.`
    : cause.kind === 'unknown'
      ? `The failure shows none of the causes Debug recognises (${RECOGNISED}), so it falls back to a defensive variant.`
      : `The failure shows ${SHOWN[cause.kind]}, which this pipeline has no gene to change for, so it falls back to a defensive variant.`;
  const { genome, change } = defensive(parent, task.type, rng, budget);
  return { genome, failure, cause: why, fix: sentence([change]) };
}

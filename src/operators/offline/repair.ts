import type { TableTask } from '../../tasks/types.js';
import type { Budget } from './budget.js';
import { FAULT_EXPLANATIONS } from './faults.js';
import { geneDiff, isImage, isTabular, isText, validationScheme, type Genome } from './genome.js';
import { cheapestFamily, modelSpec } from './models.js';
import type { Rng } from './rng.js';
import { allowedValues, sampleParams } from './sample.js';

/** Debug's repair: read the parent's recorded failure and change what caused it. */

export interface Failure {
  kind: 'timeout' | 'memory' | 'error';
  /** The line that shows the failure (bug reason or last error line of the output), if any. */
  symptom: string | null;
}

export interface Repair {
  genome: Genome;
  failure: Failure;
  /** Sentences for the plan: what went wrong, and what changed. */
  cause: string;
  fix: string;
}

const TIMEOUT = /timed? ?out|timeout|time limit|deadline exceeded/i;
const MEMORY = /MemoryError|out of memory|\boom\b|Cannot allocate memory/i;
const ERROR_LINE = /^\s*(\w+(Error|Exception|Interrupt)\b.*|Killed.*)$/;

function diagnose(bugReason: string | null, output: string): Failure {
  const text = `${bugReason ?? ''}\n${output}`;
  const errorLines = output.split('\n').filter((l) => ERROR_LINE.test(l));
  const lastError = errorLines[errorLines.length - 1]?.trim() ?? null;
  const symptom = (bugReason?.trim() || lastError)?.slice(0, 200) ?? null;
  if (TIMEOUT.test(bugReason ?? '') || (lastError === null && TIMEOUT.test(text))) return { kind: 'timeout', symptom };
  if (MEMORY.test(text)) return { kind: 'memory', symptom };
  return { kind: 'error', symptom };
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
  for (const p of spec?.params ?? []) {
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

/** For an error with no planted fault: rebuild the preprocessing with the most defensive settings. */
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

export function repair(parent: Genome, type: TableTask['type'], bugReason: string | null, output: string, rng: Rng, budget: Budget): Repair {
  const failure = diagnose(bugReason, output);
  const base: Genome = { ...parent, fault: null };
  const faultFix = parent.fault ? FAULT_EXPLANATIONS[parent.fault] : null;
  if (failure.kind === 'timeout' || failure.kind === 'memory') {
    const { genome, changes } = cheapen(base, type, rng, budget, failure.kind === 'memory');
    const what = failure.kind === 'timeout' ? 'ran out of time' : 'ran out of memory';
    const fixes = changes.length > 0 ? changes : ['nothing is left to cut, so the same pipeline is retried'];
    if (faultFix) fixes.push(`separately, ${faultFix.fix}`);
    return { genome, failure, cause: `The parent ${what}, so the model must get cheaper.`, fix: sentence(fixes) };
  }
  if (faultFix) {
    return { genome: base, failure, cause: `The cause: ${faultFix.cause}.`, fix: sentence([faultFix.fix]) };
  }
  const { genome, change } = defensive(base, type, rng, budget);
  return {
    genome,
    failure,
    cause: 'The failure matches none of the known bug patterns, so it is treated as a data-handling problem.',
    fix: sentence([change]),
  };
}

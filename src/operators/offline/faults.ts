import type { Rng } from './rng.js';

/**
 * Realistic bugs that Draft (and, more rarely, Improve) plant on purpose so that Debug has real
 * work in an offline run. Each one is recorded in the genome; rendering turns it into code and
 * Debug removes it.
 */
export const FAULT_KINDS = [
  /** The target column name is misspelled: KeyError before training. */
  'misspelled-column',
  /** metrics.json is never written: the run exits 0 with no score. */
  'missing-metrics',
  /** Predicts the validation rows instead of the test rows: the submission has the wrong length. */
  'wrong-row-count',
  /** Writes a numpy float32 into metrics.json: TypeError, not JSON serializable. */
  'float32-json',
  /** Writes the pandas index as an extra, unnamed submission column. */
  'index-column',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const DRAFT_FAULT_RATE = 0.2;
export const IMPROVE_FAULT_RATE = 0.05;

export function drawFault(rng: Rng, rate: number): FaultKind | null {
  return rng.chance(rate) ? rng.pick(FAULT_KINDS) : null;
}

/** What Debug says it found and what it changes, per fault. */
export const FAULT_EXPLANATIONS: Record<FaultKind, { cause: string; fix: string }> = {
  'misspelled-column': {
    cause: 'the code reads the target through a misspelled column name, so pandas raises a KeyError',
    fix: 'the target column name is restored to the exact spelling from the task',
  },
  'missing-metrics': {
    cause: 'the script trains and prints a score but never writes metrics.json',
    fix: 'the validation score is now written to metrics.json',
  },
  'wrong-row-count': {
    cause: 'the submission is built from predictions on the validation rows, not the test rows',
    fix: 'the refit model now predicts the test set, one row per test id',
  },
  'float32-json': {
    cause: 'the score is a numpy float32, which json cannot serialize',
    fix: 'the score is converted to a Python float before it is written',
  },
  'index-column': {
    cause: 'submission.csv is written with the pandas index as an extra column',
    fix: 'the submission is written with index=False',
  },
};

/** A plausible typo of a column name that differs from it. */
export function misspell(name: string): string {
  const lower = name.toLowerCase();
  if (lower !== name) return lower;
  const n = name.length;
  if (n >= 4 && name[n - 1] !== name[n - 2]) return name.slice(0, n - 2) + name[n - 1] + name[n - 2];
  if (n >= 4) return name.slice(0, n - 1);
  return `${name}_`;
}

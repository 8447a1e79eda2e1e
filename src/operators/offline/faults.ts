import type { Rng } from './rng.js';

/**
 * Fault injection, for tests only: realistic bugs that Draft (and Improve and Crossover) can plant so
 * that a test has failures whose cause it knows. It is off unless asked for (OfflineBackendOptions'
 * rates, or CRUCIBLE_OFFLINE_FAULTS=on for the workers: config/offlineFaults.ts); a normal run plants
 * nothing. A planted fault is recorded in the genome line so that a test can find one; Debug never
 * reads that record (it strips it and diagnoses from the error output and the data, repair.ts).
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

export function drawFault(rng: Rng, rate: number): FaultKind | null {
  return rng.chance(rate) ? rng.pick(FAULT_KINDS) : null;
}

/** A plausible typo of a column name that differs from it. */
export function misspell(name: string): string {
  const lower = name.toLowerCase();
  if (lower !== name) return lower;
  const n = name.length;
  if (n >= 4 && name[n - 1] !== name[n - 2]) return name.slice(0, n - 2) + name[n - 1] + name[n - 2];
  if (n >= 4) return name.slice(0, n - 1);
  return `${name}_`;
}

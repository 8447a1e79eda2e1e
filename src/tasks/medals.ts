/**
 * MLE-bench's medal rules (Kaggle's progression table), pure so that they are testable without files.
 * Thresholds are scores at ranks of the leaderboard; a score earns a medal when it is at least as good
 * as the threshold (inclusive), medals are exclusive (gold, else silver, else bronze), and "above
 * median" is strict.
 */

export type Medal = 'gold' | 'silver' | 'bronze';

export interface Thresholds {
  gold: number;
  silver: number;
  bronze: number;
  median: number;
}

export interface MedalResult {
  medal: Medal | null;
  goldMedal: boolean;
  silverMedal: boolean;
  bronzeMedal: boolean;
  anyMedal: boolean;
  aboveMedian: boolean;
}

/** 1-based leaderboard ranks whose scores are the gold, silver and bronze thresholds for N teams. */
export function medalRanks(n: number): { gold: number; silver: number; bronze: number } {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`leaderboard size must be a positive integer, got ${n}`);
  // Math.trunc of the same IEEE products is exactly Python's int() on them, fractions included.
  const frac = (f: number) => Math.max(1, Math.trunc(n * f));
  if (n < 100) return { gold: frac(0.1), silver: frac(0.2), bronze: frac(0.4) };
  if (n < 250) return { gold: 10, silver: frac(0.2), bronze: frac(0.4) };
  if (n < 1000) return { gold: 10 + Math.trunc(n * 0.002), silver: 50, bronze: 100 };
  return { gold: 10 + Math.trunc(n * 0.002), silver: frac(0.05), bronze: frac(0.1) };
}

/** pandas' median: the middle score, or the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Thresholds from leaderboard scores. The scores are ranked best first for the direction (a Kaggle
 * leaderboard in final rank order already is, so this only guards against unsorted input).
 */
export function medalThresholds(scores: readonly number[], isLowerBetter: boolean): Thresholds {
  if (scores.length === 0) throw new RangeError('leaderboard has no scores');
  if (scores.some((s) => !Number.isFinite(s))) throw new RangeError('leaderboard scores must be finite numbers');
  const ranked = [...scores].sort((a, b) => (isLowerBetter ? a - b : b - a));
  const ranks = medalRanks(ranked.length);
  const at = (rank: number) => ranked[rank - 1]!;
  return { gold: at(ranks.gold), silver: at(ranks.silver), bronze: at(ranks.bronze), median: median(ranked) };
}

/** Medal flags for a score; a null score (invalid submission) or a task without leaderboard earns nothing. */
export function awardMedal(score: number | null, t: Thresholds | null, isLowerBetter: boolean): MedalResult {
  if (score === null || !Number.isFinite(score) || t === null) {
    return { medal: null, goldMedal: false, silverMedal: false, bronzeMedal: false, anyMedal: false, aboveMedian: false };
  }
  const atLeast = (threshold: number) => (isLowerBetter ? score <= threshold : score >= threshold);
  const goldMedal = atLeast(t.gold);
  const silverMedal = !goldMedal && atLeast(t.silver);
  const bronzeMedal = !goldMedal && !silverMedal && atLeast(t.bronze);
  const medal: Medal | null = goldMedal ? 'gold' : silverMedal ? 'silver' : bronzeMedal ? 'bronze' : null;
  return {
    medal,
    goldMedal,
    silverMedal,
    bronzeMedal,
    anyMedal: medal !== null,
    aboveMedian: isLowerBetter ? score < t.median : score > t.median,
  };
}

/**
 * Python's round(x, 5): the nearest 5-decimal value, exact ties to even. toFixed rounds the exact
 * binary value but breaks ties away from zero; an exact tie needs x to be a multiple of 1/64, so
 * only those values take the half-even path.
 */
export function round5(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Number.isInteger(x * 64) && Math.abs(x) < 2 ** 30) {
    const scaled = (x * 64 * 100000) / 64; // exact: small integer times 1e5, divided by a power of two
    const floor = Math.floor(scaled);
    if (scaled - floor === 0.5) return (floor % 2 === 0 ? floor : floor + 1) / 100000;
  }
  return Number(x.toFixed(5));
}

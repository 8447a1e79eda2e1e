import { type Frame, type Series, sortOrder, take } from './frame.js';
import { ensure, InvalidSubmission } from './types.js';
import { type Cell, pyEquals, pyFloat, pyKey } from './values.js';

/** Operations on whole columns that several mlebench graders share, with pandas' semantics. */

/** Both frames' rows sorted by their id column (`sort_values(id)`), and whether the sorted ids agree. */
export function alignById(submission: Frame, answers: Frame, id: string): { sub: number[]; ans: number[]; idsMatch: boolean } {
  const sub = sortOrder(submission.get(id));
  const ans = sortOrder(answers.get(id));
  const subIds = take(submission.get(id), sub);
  const ansIds = take(answers.get(id), ans);
  // `(a.values != b.values).any()`: arrays of different lengths do not compare at all.
  ensure(subIds.length === ansIds.length, `operands could not be broadcast together with shapes (${subIds.length},) (${ansIds.length},)`);
  return { sub, ans, idsMatch: subIds.every((v, i) => pyEquals(v, ansIds[i]!)) };
}

/** Python's `set(a) != set(b)` on two columns: equal numbers and booleans are one element, NaN never matches. */
export function sameSet(a: Series, b: Series): boolean {
  // Each NaN pandas yields is a new float object, so no two are one element of a set.
  if (a.values.includes(null) || b.values.includes(null)) return false;
  const x = new Set(a.values.map((c) => pyKey(c!)));
  const y = new Set(b.values.map((c) => pyKey(c!)));
  return x.size === y.size && [...x].every((k) => y.has(k));
}

/** A cell compared with a number, as Python compares it: a string does not compare with a number. */
function orderable(c: Cell): number {
  if (typeof c === 'string') throw new InvalidSubmission(`'>=' not supported between instances of 'str' and 'int' (${JSON.stringify(c)})`);
  return c === null ? NaN : Number(c);
}

/** `(s >= 0) & (s <= 1)` over every cell of the columns: false for NaN; a string raises. */
export function allInUnitInterval(frame: Frame, columns: readonly string[]): boolean {
  return columns.every((c) => frame.get(c).values.map(orderable).every((v) => v >= 0 && v <= 1));
}

/** `s.min() < 0 or s.max() > 1` on one column, missing values skipped. */
export function outsideUnitInterval(series: Series): boolean {
  const values = series.values.filter((c) => c !== null).map(orderable);
  return values.length > 0 && (Math.min(...values) < 0 || Math.max(...values) > 1);
}

/** Whether `pd.to_numeric(s)` succeeds: every value is a number, a boolean, or text that reads as one. */
export function numericLike(series: Series): boolean {
  return series.values.every((c) => {
    try {
      pyFloat(c);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `np.isclose(df[columns].sum(axis=1), 1, atol=1e-6)` for every row: pandas skips missing values in
 * the sum, a string in the sum raises, and isclose's default rtol (1e-5) adds to the tolerance.
 */
export function rowsSumToOne(frame: Frame, columns: readonly string[]): boolean {
  const series = columns.map((c) => frame.get(c));
  for (let r = 0; r < frame.length; r++) {
    let sum = 0;
    for (const s of series) {
      const c = s.values[r]!;
      if (typeof c === 'string') throw new InvalidSubmission(`unsupported operand type(s) for +: 'float' and 'str' (${JSON.stringify(c)})`);
      if (c !== null) sum += Number(c);
    }
    if (!(Math.abs(sum - 1) <= 1e-6 + 1e-5)) return false;
  }
  return true;
}

/** np.average of a list of scores. */
export function average(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

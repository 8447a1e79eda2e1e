import { InvalidSubmission } from './types.js';

/**
 * A CSV field as pandas holds it after reading: a number (an int64 or float64 column), a boolean, a
 * string (an object column), or null for a missing value (NaN). The graders mirror Python code, so
 * the helpers here give Python's meaning of equality, ordering, str() and float() on these values.
 */
export type Cell = number | boolean | string | null;

/** Python's `a == b` on two cells: NaN equals nothing, a boolean equals its number, a string only a string. */
export function pyEquals(a: Cell, b: Cell): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Number(a) === Number(b);
}

/** A key under which Python's set and dict treat cells as one: equal numbers and booleans share one. */
export function pyKey(c: Exclude<Cell, null>): string {
  return typeof c === 'string' ? `s:${c}` : `n:${Number(c)}`;
}

/** Python's ordering of two non-missing cells, by code point for strings; strings and numbers do not compare. */
export function pyCompare(a: Exclude<Cell, null>, b: Exclude<Cell, null>): number {
  if (typeof a === 'string' && typeof b === 'string') {
    // By code point, as Python compares; JavaScript's < compares UTF-16 units, which differs past U+FFFF.
    const x = Array.from(a);
    const y = Array.from(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }
  if (typeof a === 'string' || typeof b === 'string') {
    throw new InvalidSubmission(`'<' not supported between a string and a number (${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
  return Number(a) - Number(b);
}

/** Python's repr() of a float: the shortest round-trip digits, in exponent form below 1e-4 or from 1e16 on. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const e = Number(exp);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

/** Python's str() of a cell; `integer` says the column is int64 (3 prints as "3", not "3.0"). */
export function pyStr(cell: Cell, integer: boolean): string {
  if (cell === null) return 'nan';
  if (typeof cell === 'boolean') return cell ? 'True' : 'False';
  if (typeof cell === 'string') return cell;
  return integer ? String(cell) : pyFloatRepr(cell);
}

const FLOAT_TEXT = /^[+-]?((\d+\.?\d*|\.\d+)(e[+-]?\d+)?|inf|infinity|nan)$/i;

/** Python's float() of a cell, as numpy applies it converting an object column; NaN for a missing value. */
export function pyFloat(cell: Cell): number {
  if (cell === null) return NaN;
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'number') return cell;
  const s = cell.trim();
  if (!FLOAT_TEXT.test(s)) throw new InvalidSubmission(`could not convert string to float: ${JSON.stringify(cell)}`);
  const body = s.replace(/^[+-]/, '').toLowerCase();
  const negative = s.startsWith('-');
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return negative ? -Infinity : Infinity;
  return Number(s);
}

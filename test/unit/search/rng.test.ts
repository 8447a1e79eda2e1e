import { describe, expect, it } from 'vitest';
import { Rng, createRng, deriveSeed, type RngState } from '../../../src/search/rng.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('Rng', () => {
  it('matches the reference sfc32 outputs for a raw state', () => {
    // From the C reference (tmp = a + b + counter++; ...) started at a=1, b=2, c=3, counter=4.
    const rng = new Rng([1, 2, 3, 4]);
    const outputs = Array.from({ length: 5 }, () => rng.next() * 2 ** 32);
    expect(outputs).toEqual([7, 34, 56623200, 188882296, 3431242869]);
  });

  it('gives the same sequence for the same seed', () => {
    expect(draws(new Rng(createRng(42)), 1000)).toEqual(draws(new Rng(createRng(42)), 1000));
  });

  it('gives different sequences for different seeds, including seeds that differ only above bit 32', () => {
    const firsts = new Set<number>();
    for (let seed = 0; seed < 1000; seed++) firsts.add(new Rng(createRng(seed)).next());
    expect(firsts.size).toBe(1000);
    expect(createRng(1)).not.toEqual(createRng(2 ** 32 + 1));
    expect(createRng(-1)).not.toEqual(createRng(2 ** 32 - 1));
  });

  it('produces floats in [0, 1) with uniform mean and variance', () => {
    const xs = draws(new Rng(createRng(7)), 100_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('spreads int() evenly over its range (chi-square, 9 degrees of freedom)', () => {
    const rng = new Rng(createRng(123));
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const k = rng.int(10);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    // Any out-of-range or fractional k would have added a key beyond the ten buckets.
    expect(Object.keys(counts)).toHaveLength(10);
    const expected = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 27.88 is the 99.9% quantile; a healthy generator lands far below it.
    expect(chi2).toBeLessThan(27.88);
  });

  it('has no serial correlation between consecutive draws', () => {
    const xs = draws(new Rng(createRng(99)), 50_000);
    let cov = 0;
    for (let i = 1; i < xs.length; i++) cov += ((xs[i] as number) - 0.5) * ((xs[i - 1] as number) - 0.5);
    const correlation = cov / (xs.length - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(0.02);
  });

  it('picks every item of a list, and only those', () => {
    const rng = new Rng(createRng(5));
    const items = ['a', 'b', 'c', 'd'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('uses exactly one draw per next, int and pick', () => {
    const a = new Rng(createRng(3));
    const b = new Rng(createRng(3));
    a.next();
    a.int(17);
    a.pick([1, 2, 3]);
    draws(b, 3);
    expect(a.state).toEqual(b.state);
  });

  it('continues the same sequence from a JSON round trip of its state (continue-as-new)', () => {
    const whole = new Rng(createRng(2024));
    const expected = draws(whole, 100);

    const first = new Rng(createRng(2024));
    const head = draws(first, 40);
    const carried = JSON.parse(JSON.stringify(first.state)) as RngState;
    const tail = draws(new Rng(carried), 60);
    expect([...head, ...tail]).toEqual(expected);
  });

  it('does not share its state array with callers', () => {
    const initial = createRng(8);
    const rng = new Rng(initial);
    const before = [...initial];
    rng.next();
    expect(initial).toEqual(before);

    const snapshot = rng.state;
    snapshot[0] = 0;
    expect(rng.state[0]).not.toBe(0);
  });

  it('rejects invalid seeds, states and ranges', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(2 ** 53)).toThrow(RangeError);
    expect(() => new Rng([1, 2, 3] as unknown as RngState)).toThrow(RangeError);
    expect(() => new Rng([1, 2, 3, -1])).toThrow(RangeError);
    expect(() => new Rng([1, 2, 3, 2 ** 32])).toThrow(RangeError);
    const rng = new Rng(createRng(1));
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => rng.int(2.5)).toThrow(RangeError);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

describe('deriveSeed', () => {
  it('is deterministic and returns a uint32 usable as a seed', () => {
    const s = deriveSeed(42, 7, 3);
    expect(s).toBe(deriveSeed(42, 7, 3));
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(() => createRng(s)).not.toThrow();
  });

  it('depends on the seed, every salt, and the salt order', () => {
    expect(deriveSeed(42, 1)).not.toBe(deriveSeed(43, 1));
    expect(deriveSeed(42, 1, 2)).not.toBe(deriveSeed(42, 2, 1));
    expect(deriveSeed(42)).not.toBe(deriveSeed(42, 0));
    expect(deriveSeed(42, 1)).not.toBe(deriveSeed(42, 2 ** 32 + 1));
  });

  it('gives distinct per-node seeds and streams', () => {
    const seeds = new Set<number>();
    const firsts = new Set<number>();
    for (let node = 0; node < 1000; node++) {
      const s = deriveSeed(42, node);
      seeds.add(s);
      firsts.add(new Rng(createRng(s)).next());
    }
    expect(seeds.size).toBe(1000);
    expect(firsts.size).toBe(1000);
  });

  it('rejects non-integer input', () => {
    expect(() => deriveSeed(1, 0.5)).toThrow(RangeError);
    expect(() => deriveSeed(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

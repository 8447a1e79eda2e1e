import { describe, expect, it } from 'vitest';
import { awardMedal, median, medalRanks, medalThresholds, round5, type Thresholds } from '../../../src/tasks/medals.js';

/** Scores at ranks 1..n for a leaderboard where rank k scores n - k + 1 (higher better) or k (lower better). */
function board(n: number, isLowerBetter: boolean): number[] {
  return Array.from({ length: n }, (_, i) => (isLowerBetter ? i + 1 : n - i));
}

describe('medalRanks (Kaggle progression table, int() truncation)', () => {
  it.each([
    // N < 100: top 10 / 20 / 40 %, at least rank 1.
    [1, 1, 1, 1],
    [5, 1, 1, 2],
    [9, 1, 1, 3],
    [20, 2, 4, 8],
    [27, 2, 5, 10],
    [99, 9, 19, 39],
    // 100–249: gold rank 10.
    [100, 10, 20, 40],
    [150, 10, 30, 60],
    [249, 10, 49, 99],
    // 250–999: gold 10 + 0.2 % of N, silver 50, bronze 100.
    [250, 10, 50, 100],
    [500, 11, 50, 100],
    [999, 11, 50, 100],
    // ≥ 1000: silver top 5 %, bronze top 10 %.
    [1000, 12, 50, 100],
    [1499, 12, 74, 149],
    [2000, 14, 100, 200],
  ])('N=%i → gold %i, silver %i, bronze %i', (n, gold, silver, bronze) => {
    expect(medalRanks(n)).toEqual({ gold, silver, bronze });
  });

  it('rejects an empty leaderboard', () => {
    expect(() => medalRanks(0)).toThrow(RangeError);
    expect(() => medalThresholds([], false)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('averages the middle two of an even count, like pandas', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('medalThresholds and awardMedal', () => {
  // Expected thresholds for the boards above: [gold, silver, bronze, median].
  const cases: [number, boolean, Thresholds][] = [
    [20, false, { gold: 19, silver: 17, bronze: 13, median: 10.5 }],
    [20, true, { gold: 2, silver: 4, bronze: 8, median: 10.5 }],
    [150, false, { gold: 141, silver: 121, bronze: 91, median: 75.5 }],
    [150, true, { gold: 10, silver: 30, bronze: 60, median: 75.5 }],
    [500, false, { gold: 490, silver: 451, bronze: 401, median: 250.5 }],
    [500, true, { gold: 11, silver: 50, bronze: 100, median: 250.5 }],
    [2000, false, { gold: 1987, silver: 1901, bronze: 1801, median: 1000.5 }],
    [2000, true, { gold: 14, silver: 100, bronze: 200, median: 1000.5 }],
    // Each side of each table boundary. Higher is better: rank k scores N − k + 1; lower: rank k scores k.
    // N = 99: ranks 9, 19, 39 (10/20/40 % truncated); median of 1..99 = 50.
    [99, false, { gold: 91, silver: 81, bronze: 61, median: 50 }],
    [99, true, { gold: 9, silver: 19, bronze: 39, median: 50 }],
    // N = 100: gold rank 10, silver 20, bronze 40; median (50 + 51) / 2.
    [100, false, { gold: 91, silver: 81, bronze: 61, median: 50.5 }],
    [100, true, { gold: 10, silver: 20, bronze: 40, median: 50.5 }],
    // N = 249: gold rank 10, silver int(49.8) = 49, bronze int(99.6) = 99; median 125.
    [249, false, { gold: 240, silver: 201, bronze: 151, median: 125 }],
    [249, true, { gold: 10, silver: 49, bronze: 99, median: 125 }],
    // N = 250: gold rank 10 + int(0.5) = 10, silver 50, bronze 100; median (125 + 126) / 2.
    [250, false, { gold: 241, silver: 201, bronze: 151, median: 125.5 }],
    [250, true, { gold: 10, silver: 50, bronze: 100, median: 125.5 }],
    // N = 999: gold rank 10 + int(1.998) = 11, silver 50, bronze 100; median 500.
    [999, false, { gold: 989, silver: 950, bronze: 900, median: 500 }],
    [999, true, { gold: 11, silver: 50, bronze: 100, median: 500 }],
    // N = 1000: gold rank 10 + 2 = 12, silver int(50) = 50, bronze int(100) = 100; median 500.5.
    [1000, false, { gold: 989, silver: 951, bronze: 901, median: 500.5 }],
    [1000, true, { gold: 12, silver: 50, bronze: 100, median: 500.5 }],
  ];

  describe.each(cases)('N=%i, lower is better: %s', (n, lower, expected) => {
    const t = medalThresholds(board(n, lower), lower);
    const better = (x: number, d: number) => (lower ? x - d : x + d);
    const worse = (x: number, d: number) => (lower ? x + d : x - d);

    it('thresholds are the scores at the medal ranks', () => {
      expect(t).toEqual(expected);
    });

    it('a score exactly at a threshold earns that medal (inclusive), and only that one', () => {
      expect(awardMedal(t.gold, t, lower)).toMatchObject({ medal: 'gold', goldMedal: true, silverMedal: false, bronzeMedal: false, anyMedal: true });
      expect(awardMedal(t.silver, t, lower)).toMatchObject({ medal: 'silver', goldMedal: false, silverMedal: true, bronzeMedal: false, anyMedal: true });
      expect(awardMedal(t.bronze, t, lower)).toMatchObject({ medal: 'bronze', goldMedal: false, silverMedal: false, bronzeMedal: true, anyMedal: true });
    });

    it('just short of a threshold drops to the next medal', () => {
      expect(awardMedal(worse(t.gold, 0.001), t, lower).medal).toBe('silver');
      expect(awardMedal(worse(t.silver, 0.001), t, lower).medal).toBe('bronze');
      expect(awardMedal(worse(t.bronze, 0.001), t, lower)).toMatchObject({ medal: null, anyMedal: false });
      expect(awardMedal(better(t.gold, 1000), t, lower).medal).toBe('gold');
    });

    it('above median is strict', () => {
      expect(awardMedal(t.median, t, lower).aboveMedian).toBe(false);
      expect(awardMedal(better(t.median, 0.001), t, lower).aboveMedian).toBe(true);
      expect(awardMedal(worse(t.median, 0.001), t, lower).aboveMedian).toBe(false);
      expect(awardMedal(t.bronze, t, lower).aboveMedian).toBe(true);
    });
  });

  it('ranks unsorted input best first for the direction', () => {
    expect(medalThresholds([1, 5, 3, 2, 4], false)).toEqual(medalThresholds([5, 4, 3, 2, 1], false));
    expect(medalThresholds([5, 1, 3], true).gold).toBe(1);
  });

  it('a tied leaderboard gives every threshold the same score; matching it medals but is not above median', () => {
    const t = medalThresholds([0.9, 0.9, 0.9, 0.9], false);
    expect(t).toEqual({ gold: 0.9, silver: 0.9, bronze: 0.9, median: 0.9 });
    expect(awardMedal(0.9, t, false)).toMatchObject({ medal: 'gold', aboveMedian: false });
  });

  it('an invalid submission (null score) or a missing leaderboard earns nothing', () => {
    const t = medalThresholds([3, 2, 1], false);
    const none = { medal: null, goldMedal: false, silverMedal: false, bronzeMedal: false, anyMedal: false, aboveMedian: false };
    expect(awardMedal(null, t, false)).toEqual(none);
    expect(awardMedal(NaN, t, false)).toEqual(none);
    expect(awardMedal(5, null, false)).toEqual(none);
  });
});

describe('round5 (Python round(x, 5))', () => {
  it('rounds to 5 decimals', () => {
    expect(round5(0.123456)).toBe(0.12346);
    expect(round5(0.99999999)).toBe(1);
    expect(round5(1.000005)).toBe(1.00001); // 1.000005 is stored slightly above the tie
    expect(round5(7.5e-6)).toBe(0.00001);
    expect(round5(81.39510123)).toBe(81.3951);
  });

  it('breaks exact ties to even, as Python does', () => {
    expect(round5(1 / 64)).toBe(0.01562); // 0.015625 exactly
    expect(round5(3 / 64)).toBe(0.04688); // 0.046875 exactly
    expect(round5(-1 / 64)).toBe(-0.01562);
  });
});

import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/tasks/csv.js';
import { Frame, sortOrder } from '../../../../src/tasks/graders/frame.js';
import { numpyRound, pythonRound } from '../../../../src/tasks/graders/round.js';
import { pyEquals, pyFloat, pyFloatRepr, pyStr } from '../../../../src/tasks/graders/values.js';

/** What pandas.read_csv (2.2.2) and Python make of values, as observed there; the graders depend on each. */

function frame(text: string): Frame {
  return new Frame(parseCsv(text));
}

describe('Frame reads a CSV as pandas.read_csv does', () => {
  it('types columns: int64, float64 with NaN for missing, bool, else strings', () => {
    const f = frame('i,f,m,b,o,n\n1,0.5,1,True,abc,NA\n-2, 1 ,,false,1,null\n');
    expect(f.get('i')).toEqual({ dtype: 'int64', values: [1, -2] });
    expect(f.get('f')).toEqual({ dtype: 'float64', values: [0.5, 1] });
    expect(f.get('m')).toEqual({ dtype: 'float64', values: [1, null] });
    expect(f.get('b')).toEqual({ dtype: 'bool', values: [true, false] });
    expect(f.get('o')).toEqual({ dtype: 'object', values: ['abc', '1'] });
    expect(f.get('n')).toEqual({ dtype: 'float64', values: [null, null] });
  });

  it('reads infinities, exponents and bare points as floats, and keeps what it cannot read as text', () => {
    expect(frame('a\ninf\n-Infinity\n1E5\n.5\n5.\n').get('a').values).toEqual([Infinity, -Infinity, 1e5, 0.5, 5]);
    expect(frame('a\n0x1f\n').get('a').dtype).toBe('object');
    expect(frame('a\n1_000\n').get('a').dtype).toBe('object');
    expect(frame('a\n99999999999999999999\n').get('a').dtype).toBe('object');
  });

  it('keeps booleans with a missing value in an object column', () => {
    expect(frame('a,b\nTrue,1\n,2\n').get('a')).toEqual({ dtype: 'object', values: [true, null] });
  });

  it('names a blank header "Unnamed: i" and a repeated one "name.1", as df.to_csv() output reads back', () => {
    expect(frame(',id,p,p\n0,a,1,2\n').columns).toEqual(['Unnamed: 0', 'id', 'p', 'p.1']);
  });

  it('gives every column of a header-only file the object dtype', () => {
    expect(frame('id,p\n').get('p')).toEqual({ dtype: 'object', values: [] });
  });
});

describe('Python semantics', () => {
  it('sorts as sort_values: numbers numerically, strings by code point, missing last', () => {
    expect(sortOrder({ dtype: 'float64', values: [3, null, 1, 2] })).toEqual([2, 3, 0, 1]);
    expect(sortOrder({ dtype: 'object', values: ['b', 'a', '\u{1F600}', '\uFFFD'] })).toEqual([1, 0, 3, 2]);
  });

  it('compares as ==: NaN equals nothing, booleans equal their numbers, text never equals a number', () => {
    expect(pyEquals(null, null)).toBe(false);
    expect(pyEquals(true, 1)).toBe(true);
    expect(pyEquals('1', 1)).toBe(false);
  });

  it('prints floats as repr() does', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'], [1, '1.0'], [1.5, '1.5'], [1e16, '1e+16'], [1.5e16, '1.5e+16'],
      [123456789012345.6, '123456789012345.6'], [1e-4, '0.0001'], [1e-5, '1e-05'], [0.00012345, '0.00012345'],
      [-2.5e-7, '-2.5e-07'], [1e22, '1e+22'], [5e-324, '5e-324'],
    ];
    for (const [x, repr] of cases) expect(pyFloatRepr(x)).toBe(repr);
    expect(pyStr(3, true)).toBe('3');
    expect(pyStr(3, false)).toBe('3.0');
    expect(pyStr(null, false)).toBe('nan');
  });

  it('converts as float(): padded text and infinity words read, other text is refused', () => {
    expect(pyFloat(' 1.5 ')).toBe(1.5);
    expect(pyFloat('-inf')).toBe(-Infinity);
    expect(() => pyFloat('abc')).toThrow(/could not convert string to float/);
  });

  it('rounds as round(x, 5) does, on a Python float and on a numpy float64', () => {
    // [x, round(x, 5), round(np.float64(x), 5)] as Python 3.11 and numpy 1.26 give them.
    const cases: [number, number, number][] = [
      [0.015625, 0.01562, 0.01562], [-0.015625, -0.01562, -0.01562], [0.046875, 0.04688, 0.04688],
      [1.000005, 1.00001, 1.0], [0.123455, 0.12345, 0.12346], [2.2204460492503136e-16, 0, 0],
      [36.04365338911715, 36.04365, 36.04365], [1e20, 1e20, 1.0000000000000002e20],
    ];
    for (const [x, python, numpy] of cases) {
      expect(pythonRound(x, 5)).toBe(python);
      expect(numpyRound(x, 5)).toBe(numpy);
    }
    expect(pythonRound(NaN, 5)).toBeNaN();
  });
});

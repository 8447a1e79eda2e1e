import type { Dtype } from './frame.js';
import { InvalidSubmission } from './types.js';
import { type Cell, pyFloat } from './values.js';

/**
 * The checks scikit-learn's metrics apply to their inputs before scoring. mlebench's graders hand
 * pandas columns to scikit-learn, so these checks are part of what mlebench accepts.
 */

/** check_array with a float dtype: numbers, booleans as 0/1, strings converted or refused; NaN and infinity refused. */
export function finiteFloats(cells: readonly Cell[], what: string): number[] {
  const out = cells.map(pyFloat);
  if (out.some(Number.isNaN)) throw new InvalidSubmission(`${what} contains NaN`);
  if (out.some((v) => !Number.isFinite(v))) throw new InvalidSubmission(`${what} contains infinity or a value too large for dtype('float64')`);
  return out;
}

/** Class labels as type_of_target accepts them for a classification metric: all numbers, or all strings. */
export type Labels = { kind: 'number'; values: number[] } | { kind: 'string'; values: string[] };

/**
 * type_of_target's verdict on one column of labels: integral numbers and booleans are classes;
 * fractional numbers are "continuous", and NaN or infinity are refused, as scikit-learn refuses them;
 * an object column must hold only strings.
 */
export function classLabels(cells: readonly Cell[], dtype: Dtype, what: string): Labels {
  if (dtype === 'object') {
    const strings = cells.filter((c): c is string => typeof c === 'string');
    if (strings.length === cells.length) return { kind: 'string', values: strings };
    throw new InvalidSubmission(`${what}: labels of unknown type (an object column holding values other than strings)`);
  }
  const values = cells.map((c) => (c === null ? NaN : Number(c)));
  if (values.some((v) => !Number.isFinite(v))) {
    throw new InvalidSubmission(`${what} contains ${values.some(Number.isNaN) ? 'NaN' : 'infinity'}`);
  }
  if (values.some((v) => !Number.isInteger(v))) {
    throw new InvalidSubmission(`${what}: classification metrics can't handle continuous targets`);
  }
  return { kind: 'number', values };
}

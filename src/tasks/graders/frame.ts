import type { CsvTable } from '../csv.js';
import { InvalidSubmission } from './types.js';
import { type Cell, pyCompare } from './values.js';

/** A column's type as pandas.read_csv infers it. */
export type Dtype = 'int64' | 'float64' | 'bool' | 'object';

export interface Series {
  readonly dtype: Dtype;
  readonly values: readonly Cell[];
}

/** The fields pandas.read_csv reads as missing by default (pandas' STR_NA_VALUES). */
const NA_VALUES = new Set([
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
]);
const TRUE_VALUES = new Set(['True', 'TRUE', 'true']);
const FALSE_VALUES = new Set(['False', 'FALSE', 'false']);
const INTEGER = /^\s*[+-]?\d+\s*$/;
const FLOAT = /^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity)\s*$/i;
const INT64_LIMIT = 2n ** 63n;

function parseFloatField(field: string): number {
  const s = field.trim().toLowerCase();
  const body = s.replace(/^[+-]/, '');
  if (body === 'inf' || body === 'infinity') return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

/** One column's fields as pandas.read_csv types them: int64, float64 (missing values as NaN), bool, else strings. */
function inferSeries(fields: readonly string[]): Series {
  // A header-only file: pandas gives every column the object dtype.
  if (fields.length === 0) return { dtype: 'object', values: [] };
  const missing = fields.map((f) => NA_VALUES.has(f));
  const present = fields.filter((_, i) => !missing[i]);
  const anyMissing = present.length < fields.length;
  if (present.every((f) => INTEGER.test(f))) {
    // Integers past int64 make pandas keep the column as strings.
    if (present.some((f) => BigInt(f.trim()) >= INT64_LIMIT || BigInt(f.trim()) < -INT64_LIMIT)) {
      return { dtype: 'object', values: fields.map((f, i) => (missing[i] ? null : f)) };
    }
    if (!anyMissing) return { dtype: 'int64', values: fields.map((f) => Number(f.trim())) };
  }
  if (present.every((f) => FLOAT.test(f))) {
    return { dtype: 'float64', values: fields.map((f, i) => (missing[i] ? null : parseFloatField(f))) };
  }
  if (present.every((f) => TRUE_VALUES.has(f) || FALSE_VALUES.has(f))) {
    const values = fields.map((f, i) => (missing[i] ? null : TRUE_VALUES.has(f)));
    // With a missing value pandas keeps the booleans in an object column.
    return { dtype: anyMissing ? 'object' : 'bool', values };
  }
  return { dtype: 'object', values: fields.map((f, i) => (missing[i] ? null : f)) };
}

/** Column names as pandas.read_csv gives them: a blank name is "Unnamed: i", a repeated one "name.1", "name.2", … */
function columnNames(header: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((raw, i) => {
    const name = raw === '' ? `Unnamed: ${i}` : raw;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}.${count}`;
  });
}

/** A parsed CSV as a pandas DataFrame read with pandas.read_csv's defaults: named, typed columns. */
export class Frame {
  readonly columns: readonly string[];
  readonly length: number;
  private readonly series: ReadonlyMap<string, Series>;

  constructor(table: CsvTable) {
    this.columns = columnNames(table.header);
    this.length = table.rows.length;
    this.series = new Map(this.columns.map((name, j) => [name, inferSeries(table.rows.map((row) => row[j]!))]));
  }

  has(name: string): boolean {
    return this.series.has(name);
  }

  /** The column, or a KeyError as pandas raises it. */
  get(name: string): Series {
    const s = this.series.get(name);
    if (!s) throw new InvalidSubmission(`KeyError: ${JSON.stringify(name)}`);
    return s;
  }
}

/**
 * The row order of `DataFrame.sort_values(by=column)`: ascending, missing values last. Equal keys
 * keep their order (pandas' default quicksort does not promise that; no grade here depends on it).
 */
export function sortOrder(series: Series): number[] {
  const order = series.values.map((_, i) => i);
  return order.sort((i, j) => {
    const a = series.values[i]!;
    const b = series.values[j]!;
    if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
    return pyCompare(a, b);
  });
}

/** The series' values in the given row order. */
export function take(series: Series, order: readonly number[]): Cell[] {
  return order.map((i) => series.values[i]!);
}

/** The inside of a grader: mlebench's grade function, on the two CSVs as pandas reads them; throws InvalidSubmission. */
export type FrameGrader = (submission: Frame, answers: Frame) => number;

/**
 * What a solution predicts for an MLE-bench competition, read from the heads of its tables: which
 * sample-submission columns name a row and which a solution fills in, which train column it learns,
 * and whether the competition is one table of rows to predict (tabular or text) or something else.
 * Pure: headers and a few hundred sampled rows in, a shape out.
 */
import type { CsvTable } from '../csv.js';
import { parseNumber } from '../csv.js';
import { TaskError } from '../errors.js';
import type { MetricName, TaskType } from '../types.js';

export interface NamedTable extends CsvTable {
  /** The file's name in the public folder, for messages. */
  name: string;
}

export interface SubmissionShape {
  idColumn: string;
  predictionColumns: string[];
  target: string | null;
  type: TaskType;
  /** Why the competition is of type other, in words; null otherwise. */
  why: string | null;
}

const values = (t: CsvTable, column: string): string[] => {
  const at = t.header.indexOf(column);
  return at < 0 ? [] : t.rows.map((r) => r[at]!).filter((v) => v.trim() !== '');
};

/** The row-naming column: among the sample columns the test table shares, one whose values are unique and never blank. */
function pickId(sample: NamedTable, keys: readonly string[]): string {
  const unique = keys.find((k) => {
    const at = sample.header.indexOf(k);
    const vs = sample.rows.map((r) => r[at]!.trim());
    return vs.every((v) => v !== '') && new Set(vs).size === vs.length;
  });
  return unique ?? keys[0]!;
}

/** Free text: most values are long and hold spaces (a comment, a sentence), not a code or a number. */
function isFreeText(vs: readonly string[]): boolean {
  if (vs.length === 0) return false;
  const texty = vs.filter((v) => v.length >= 20 && v.includes(' ') && parseNumber(v) === null).length;
  return texty / vs.length >= 0.5;
}

/** Labels rather than quantities: text, or whole numbers with few distinct values (0/1, 1–7, …). */
function isLabels(vs: readonly string[]): boolean {
  const nums = vs.map(parseNumber);
  if (nums.some((n) => n === null)) return true;
  return nums.every((n) => Number.isInteger(n)) && new Set(nums).size <= 20;
}

/**
 * The submission's shape. `test` and `train` are the public tables of those names, when there are
 * any; `metric`, the validation metric where one is known, says whether predictions are quantities.
 */
export function submissionShape(sample: NamedTable, train: NamedTable | null, test: NamedTable | null, metric: MetricName | null): SubmissionShape {
  const keys = test === null ? [] : sample.header.filter((c) => test.header.includes(c));
  const idColumn = keys.length > 0 ? pickId(sample, keys) : sample.header[0]!;
  const predictionColumns = sample.header.filter((c) => c !== idColumn && !keys.includes(c));
  if (predictionColumns.length === 0) {
    throw new TaskError(`${sample.name}: every column (${sample.header.join(', ')}) is also in ${test?.name ?? 'the test table'}; nothing is left to predict`);
  }
  const other = (why: string): SubmissionShape => ({ idColumn, predictionColumns, target: null, type: 'other', why });
  if (train === null || test === null) {
    return other(`no ${train === null ? 'train' : 'test'} table (CSV) in the public folder`);
  }
  if (keys.length === 0) return other(`the sample submission's id \`${idColumn}\` is not a column of ${test.name}, so its rows cannot be matched to test rows`);
  // A free-text column can name a row and be the input too (detecting-insults keys its rows by the comment).
  const inputs = test.header.filter((c) => !keys.includes(c) || isFreeText(values(test, c)));
  if (inputs.length === 0) return other(`${test.name} holds only ids (${keys.join(', ')}): the inputs are in other files`);

  let target: string | null;
  let labels: boolean;
  if (predictionColumns.every((c) => train.header.includes(c))) {
    target = predictionColumns.length === 1 ? predictionColumns[0]! : null;
    const vs = predictionColumns.flatMap((c) => values(train, c));
    if (predictionColumns.length === 1 && isFreeText(vs)) return other(`\`${predictionColumns[0]}\` holds free text: a sequence to generate, not a label or a number`);
    labels = metric === 'rmse' || metric === 'mae' ? false : metric !== null || predictionColumns.every((c) => isLabels(values(train, c)));
  } else {
    // Class probabilities: the prediction columns are the classes of one train column.
    const wanted = new Set(predictionColumns);
    target = train.header.find((c) => !test.header.includes(c) && values(train, c).length > 0 && values(train, c).every((v) => wanted.has(v.trim()))) ?? null;
    if (target === null) {
      return other(`the prediction columns (${predictionColumns.slice(0, 6).join(', ')}${predictionColumns.length > 6 ? ', …' : ''}) are neither columns of ${train.name} nor the classes of one of its columns`);
    }
    labels = true;
  }
  const text = inputs.some((c) => isFreeText(values(test, c)));
  const type: TaskType = !labels ? 'tabular-regression' : text ? 'text-classification' : 'tabular-classification';
  return { idColumn, predictionColumns, target, type, why: null };
}

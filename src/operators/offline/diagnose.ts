/**
 * Debug's reading of a failed parent: the cause, as far as its bug reason and output show it. Only
 * the error text goes in; what the parent's code or genome line say about themselves does not.
 */

export type Cause =
  | { kind: 'timeout' }
  | { kind: 'memory' }
  /** A column the code asked for that the frame did not have (KeyError, "not in index"). */
  | { kind: 'missing-column'; column: string }
  /** A value of the wrong type: a string where a number was expected, a cast that failed. */
  | { kind: 'dtype' }
  /** Missing or infinite values reached an estimator. */
  | { kind: 'nan' }
  /** A category (or label) met at prediction time that fitting never saw. */
  | { kind: 'unseen-category' }
  /** submission.csv is missing or does not match the sample submission (columns, rows, ids). */
  | { kind: 'submission'; problem: string }
  /** metrics.json is missing, or the score could not be written into it. */
  | { kind: 'metrics'; problem: string }
  | { kind: 'unknown' };

export interface Failure {
  cause: Cause;
  /** The line that shows the failure (bug reason or last error line of the output), if any. */
  symptom: string | null;
}

const TIMEOUT = /timed? ?out|timeout|time limit|deadline exceeded/i;
const MEMORY = /MemoryError|out of memory|\boom\b|Cannot allocate memory|Unable to allocate/i;
const ERROR_LINE = /^\s*(\w+(Error|Exception|Interrupt)\b.*|Killed.*)$/;

/** A missing column's name in pandas' and scikit-learn's words for it. */
const MISSING_COLUMN = [
  /\[['"]([^'"]+)['"][^\]]*\] not in index/,
  /None of \[Index\(\[['"]([^'"]+)['"]/,
  /columns are missing: \{['"]([^'"]+)['"]/,
  /KeyError: (?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*$/,
];
const DTYPE = /could not convert (string|the series)? ?to (float|int)|invalid literal for (int|float)\(\)|Cannot cast|cannot safely cast|unsupported operand type|Unknown label type|dtype\('?O'?\)|must be real number, not str/i;
const NAN = /contains NaN|contains infinity|Input contains NaN|NaN values|value too large for dtype/i;
const UNSEEN = /unknown categor|Found unknown|previously unseen labels|unseen label/i;
const NOT_SERIALIZABLE = /is not JSON serializable/;

function missingColumn(text: string): string | null {
  for (const pattern of MISSING_COLUMN) {
    const match = pattern.exec(text);
    const name = match?.[1] ?? match?.[2];
    if (name !== undefined) return name;
  }
  return null;
}

function causeOf(bugReason: string, lastError: string | null, output: string): Cause {
  const error = lastError ?? '';
  if (TIMEOUT.test(bugReason) || (lastError === null && TIMEOUT.test(output))) return { kind: 'timeout' };
  if (MEMORY.test(bugReason) || MEMORY.test(output)) return { kind: 'memory' };
  // The last error line and the bug reason hold the exception; a traceback's earlier lines may quote others.
  const exception = `${bugReason}\n${error}`;
  const column = missingColumn(exception);
  if (column !== null) return { kind: 'missing-column', column };
  if (NOT_SERIALIZABLE.test(exception)) return { kind: 'metrics', problem: 'the score could not be written to metrics.json (a value JSON cannot serialize)' };
  if (UNSEEN.test(exception)) return { kind: 'unseen-category' };
  if (NAN.test(exception)) return { kind: 'nan' };
  if (DTYPE.test(exception)) return { kind: 'dtype' };
  if (/^metrics\.json missing/.test(bugReason)) return { kind: 'metrics', problem: 'the script ends without writing metrics.json' };
  if (/^metrics\.json/.test(bugReason)) return { kind: 'metrics', problem: `metrics.json holds no usable score (${bugReason})` };
  if (/submission/i.test(bugReason)) return { kind: 'submission', problem: bugReason };
  return { kind: 'unknown' };
}

export function diagnose(bugReason: string | null, output: string): Failure {
  const errorLines = output.split('\n').filter((l) => ERROR_LINE.test(l));
  const lastError = errorLines[errorLines.length - 1]?.trim() ?? null;
  const symptom = (bugReason?.trim() || lastError)?.slice(0, 200) ?? null;
  return { cause: causeOf(bugReason?.trim() ?? '', lastError, output), symptom };
}

import { CsvError, parseCsv, parseCsvPrefix, parseNumber, readCsvFile, type CsvTable } from './csv.js';
import { TaskError } from './errors.js';
import type { TaskSpec } from './types.js';

/** One submission row, column name → raw field, in the sample submission's row order. */
export type SubmissionRow = Record<string, string>;

export type SubmissionCheck = { valid: true; rows: SubmissionRow[] } | { valid: false; reason: string };

const EXAMPLES = 3;

/**
 * How ids are compared. When every sample id is a modest integer, ids compare as numbers, so a
 * solution that writes `17.0` (pandas turning an int column into float) still matches `17`;
 * otherwise they compare as trimmed strings, so long or textual ids never collide.
 */
export function idKeyer(sampleIds: readonly string[]): (id: string) => string {
  const integral = sampleIds.length > 0 && sampleIds.every((id) => /^\s*[+-]?\d{1,15}\s*$/.test(id));
  if (!integral) return (id) => id.trim();
  return (id) => {
    const v = parseNumber(id);
    return v !== null && Number.isInteger(v) ? String(v) : id.trim();
  };
}

function examples(values: readonly string[]): string {
  return values
    .slice(0, EXAMPLES)
    .map((v) => (v.trim() === '' ? '""' : v.trim()))
    .join(', ') + (values.length > EXAMPLES ? ', …' : '');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One of the task's own CSV files (sample submission, answers, selection); a broken one is the task's fault, not the submission's. */
export function readTaskCsv(file: string): CsvTable {
  try {
    return readCsvFile(file);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
}

export function readSampleSubmission(task: TaskSpec): CsvTable {
  return readTaskCsv(task.files.sampleSubmission);
}

/** A submission's CSV, or why it cannot be read (a malformed file is the agent's to fix, not an error). */
export function parseSubmissionCsv(text: string): CsvTable | string {
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) return `malformed CSV: ${err.message}`;
    throw err;
  }
}

/**
 * Checks a submission against the task's sample submission: the same columns, one row per test id
 * (no duplicates, none missing, none extra), and a number in every column whose sample values are
 * numbers. Says why not in words an agent can act on; never scores.
 */
export function validateSubmission(task: TaskSpec, submissionCsvText: string): SubmissionCheck {
  const sample = readSampleSubmission(task);
  const invalid = (reason: string): SubmissionCheck => ({ valid: false, reason: `submission.csv: ${reason}` });

  const sub = parseSubmissionCsv(submissionCsvText);
  if (typeof sub === 'string') return invalid(sub);

  const duplicated = sub.header.filter((c, i) => sub.header.indexOf(c) !== i);
  if (duplicated.length > 0) return invalid(`duplicate column ${duplicated.map((c) => `\`${c}\``).join(', ')}`);
  const missingCols = sample.header.filter((c) => !sub.header.includes(c));
  if (missingCols.length > 0) {
    return invalid(
      `missing column${missingCols.length > 1 ? 's' : ''} ${missingCols.map((c) => `\`${c}\``).join(', ')} ` +
        `(expected columns: ${sample.header.join(', ')}; got: ${sub.header.join(', ')})`,
    );
  }
  const extraCols = sub.header.filter((c) => !sample.header.includes(c));
  if (extraCols.length > 0) {
    return invalid(
      `unexpected column${extraCols.length > 1 ? 's' : ''} ${extraCols.map((c) => `\`${c}\``).join(', ')} ` +
        `(expected columns: ${sample.header.join(', ')})`,
    );
  }

  if (sub.rows.length !== sample.rows.length) return invalid(`${sub.rows.length} rows, expected ${sample.rows.length}`);

  const idCol = task.idColumn;
  const sampleIdIdx = sample.header.indexOf(idCol);
  if (sampleIdIdx < 0) throw new TaskError(`${task.files.sampleSubmission}: missing id column \`${idCol}\``);
  const sampleIds = sample.rows.map((r) => r[sampleIdIdx]!);
  const key = idKeyer(sampleIds);
  const subIdIdx = sub.header.indexOf(idCol);

  // Submission rows by id key; duplicates first, since they would hide missing ids.
  const byId = new Map<string, string[]>();
  const dupIds: string[] = [];
  for (const row of sub.rows) {
    const k = key(row[subIdIdx]!);
    if (byId.has(k)) dupIds.push(row[subIdIdx]!);
    else byId.set(k, row);
  }
  if (dupIds.length > 0) return invalid(`${plural(dupIds.length, 'duplicate id')}, e.g. ${examples(dupIds)}`);
  const expected = new Set(sampleIds.map(key));
  const unknown = sub.rows.map((r) => r[subIdIdx]!).filter((id) => !expected.has(key(id)));
  if (unknown.length > 0) {
    const missing = sampleIds.filter((id) => !byId.has(key(id)));
    return invalid(
      `ids differ: ${unknown.length} not in the test set, e.g. ${examples(unknown)}; ` +
        `${plural(missing.length, 'test id')} missing, e.g. ${examples(missing)}`,
    );
  }

  // A column must hold numbers wherever the sample's does.
  const cols = sample.header.map((name, j) => ({
    name,
    at: sub.header.indexOf(name),
    numeric: name !== idCol && sample.rows.every((r) => parseNumber(r[j]!) !== null),
  }));
  const rows: SubmissionRow[] = [];
  for (const sampleId of sampleIds) {
    const raw = byId.get(key(sampleId))!;
    const row: SubmissionRow = {};
    for (const { name, at, numeric } of cols) {
      const value = raw[at]!;
      if (name !== idCol && value.trim() === '') return invalid(`column \`${name}\`: missing value for id ${sampleId}`);
      if (numeric && parseNumber(value) === null) {
        return invalid(`column \`${name}\`: ${JSON.stringify(value)} for id ${sampleId} is not a finite number`);
      }
      row[name] = value;
    }
    rows.push(row);
  }
  return { valid: true, rows };
}

/**
 * What a solution's submission.csv must be for its run to count as working (execution's check, before
 * any grade). A Crucible task: everything validateSubmission checks. An MLE-bench task: only a file
 * with a header row, because its grader alone decides validity later, and no check here may be
 * stricter than that grader (it scores extra index columns, unseen labels, text or boolean values).
 * An empty file, or one whose quoted field never ends, pandas cannot read: mlebench refuses those too.
 */
export function checkSubmissionForExecution(task: TaskSpec, submissionCsvText: string): { valid: true } | { valid: false; reason: string } {
  if (task.mlebench === undefined) {
    const check = validateSubmission(task, submissionCsvText);
    return check.valid ? { valid: true } : check;
  }
  if (submissionCsvText.trim() === '') return { valid: false, reason: 'submission.csv: empty file: it needs a header row (as in the sample submission) and one row per test id' };
  try {
    parseCsvPrefix(submissionCsvText, true);
  } catch (err) {
    // Only an unterminated quote: pandas tolerates what else this parser refuses (stray characters after a quote).
    if (err instanceof CsvError && err.message.startsWith('unterminated quoted field')) return { valid: false, reason: `submission.csv: malformed CSV: ${err.message}` };
    if (!(err instanceof CsvError)) throw err;
  }
  return { valid: true };
}

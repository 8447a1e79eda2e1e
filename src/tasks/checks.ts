/**
 * Checks of a task's files beyond their columns, made at load time so that a bad task folder is
 * refused with the file named before any run starts, never halfway through one:
 * - sizes: public files may be as large as the disk holds (they are read in place or streamed through
 *   the artifact store, tasks/dataRef.ts), but the grader reads answers, selection holdout and
 *   leaderboard whole, so none of those may exceed MAX_TASK_FILE_BYTES; the size comes from stat, so a
 *   huge file is refused without being read;
 * - links: publishing skips symbolic links, so a linked public file would be missing in the sandbox,
 *   and a link out of the task folder would publish or grade with a file that is not the task's;
 * - text: description.md and the CSVs must be UTF-8 (the header of every CSV; test and sample
 *   submission whole), description.md not empty;
 * - rows: train, test, sample submission and answers need at least one data row, and the sample
 *   submission must hold exactly the test file's ids, once each (submissions are checked against it);
 * - classes: where the sample submission's columns are the classes of the target, every label of
 *   the answers and the selection holdout is one of them, and the metric scores probabilities.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { column, CsvError, notUtf8, parseCsv, type CsvTable } from './csv.js';
import { TaskError } from './errors.js';
import { labelKey } from './grade.js';
import { CLASS_METRICS } from './metrics.js';
import { idKeyer } from './submission.js';
import { predictsClasses, type MetricName, type TableTask } from './types.js';

/** Largest file the grader reads whole (into one buffer: Node reads at most 2 GiB at once). */
export const MAX_TASK_FILE_BYTES = 2 * 1024 ** 3 - 1;
/** Largest description.md: it goes into every prompt. */
export const MAX_DESCRIPTION_BYTES = 1024 ** 2;

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : `${parent}${path.sep}`);
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

function tooBig(file: string, bytes: number, max: number, why: string): TaskError {
  return new TaskError(`${file}: ${size(bytes)}, larger than the ${size(max + 1)} a task file may be (${why})`);
}

/** A link that resolves outside `root` (or nowhere) is refused; one that stays inside is fine. */
function mustStayInside(file: string, root: string, rootName: string): void {
  const st = lstatOrNull(file);
  if (st === null || !st.isSymbolicLink()) return;
  let resolved: string | null = null;
  try {
    resolved = realpathSync(file);
  } catch {
    // Dangling: reported as outside below.
  }
  if (resolved === null || !within(resolved, realpathSync(root))) {
    throw new TaskError(`${file}: a symbolic link to ${readlinkSync(file)}, outside the ${rootName} ${root}; copy the file into the task folder`);
  }
}

/**
 * Every file published to the sandboxes: regular files, no links (any size). Returns how many files
 * there are (a walk of the public folder, no file read).
 */
/** Refuses a symbolic link anywhere under the public folder; returns how many files it holds. */
export function checkPublicTree(publicDir: string, rel = ''): number {
  let n = 0;
  for (const entry of readdirSync(path.join(publicDir, rel), { withFileTypes: true })) {
    const file = path.join(publicDir, rel, entry.name);
    if (entry.isSymbolicLink()) {
      throw new TaskError(
        `${file}: a symbolic link (to ${readlinkSync(file)}); the public data is published without links, so the sandbox would not see it: copy the file in`,
      );
    }
    if (entry.isDirectory()) n += checkPublicTree(publicDir, path.join(rel, entry.name));
    else if (entry.isFile()) n++;
  }
  return n;
}

/** Sizes and links of every file the task names, and of everything under its public folder. */
export function checkTaskFiles(spec: TableTask): void {
  mustStayInside(spec.publicDir, spec.dir, 'task folder');
  for (const file of [spec.files.train, spec.files.test, spec.files.sampleSubmission]) {
    // A link inside public/ is refused by the walk; one in a folder above it is caught here.
    mustStayInside(file, spec.publicDir, 'public folder');
  }
  checkPublicTree(spec.publicDir);
  for (const file of [spec.answersPath, spec.selectionPath, spec.leaderboardPath]) {
    if (file === null) continue;
    mustStayInside(file, spec.dir, 'task folder');
    const bytes = statSync(file).size;
    if (bytes > MAX_TASK_FILE_BYTES) throw tooBig(file, bytes, MAX_TASK_FILE_BYTES, 'the grader reads it whole');
  }
}

/** UTF-8 text of a file, or a TaskError naming the file and the first bad byte. */
export function readUtf8(file: string): string {
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TaskError(`${file}: ${notUtf8(bytes)}`);
  }
}

/** description.md: inside the task folder, at most MAX_DESCRIPTION_BYTES, UTF-8, not empty. */
export function checkDescription(file: string, dir: string): void {
  mustStayInside(file, dir, 'task folder');
  const bytes = statSync(file).size;
  if (bytes > MAX_DESCRIPTION_BYTES) {
    throw new TaskError(`${file}: ${size(bytes)}, larger than the ${size(MAX_DESCRIPTION_BYTES)} a description may be (it goes into every prompt)`);
  }
  if (readUtf8(file).trim() === '') throw new TaskError(`${file}: empty; describe the task, its data and its metric`);
}

/** A whole CSV file, strictly: UTF-8, well-formed; errors name the file. */
export function readCsvStrict(file: string): CsvTable {
  const text = readUtf8(file);
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(`${file}: ${err.message}`);
    throw err;
  }
}

function examples(values: readonly string[]): string {
  return values.slice(0, 3).map((v) => JSON.stringify(v)).join(', ') + (values.length > 3 ? ', …' : '');
}

/** The sample submission holds every test id exactly once, and no other. */
export function checkSampleIds(spec: TableTask): void {
  const sampleFile = spec.files.sampleSubmission;
  const testFile = spec.files.test;
  const sampleIds = column(readCsvStrict(sampleFile), spec.idColumn);
  const testIds = column(readCsvStrict(testFile), spec.idColumn);
  const key = idKeyer(sampleIds);
  const seen = new Set<string>();
  const duplicated = sampleIds.filter((id) => (seen.has(key(id)) ? true : (seen.add(key(id)), false)));
  if (duplicated.length > 0) {
    throw new TaskError(`${sampleFile}: duplicate \`${spec.idColumn}\` ${examples([...new Set(duplicated)])}; a sample submission has one row per test id`);
  }
  const testKeys = new Set(testIds.map(key));
  const missing = testIds.filter((id) => !seen.has(key(id)));
  const extra = sampleIds.filter((id) => !testKeys.has(key(id)));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      ...(missing.length > 0 ? [`${missing.length} test id${missing.length > 1 ? 's' : ''} missing (${examples(missing)})`] : []),
      ...(extra.length > 0 ? [`${extra.length} id${extra.length > 1 ? 's' : ''} not in ${path.basename(testFile)} (${examples(extra)})`] : []),
    ];
    throw new TaskError(`${sampleFile}: its \`${spec.idColumn}\` values do not match ${testFile}: ${parts.join('; ')}`);
  }
}

/**
 * A task whose prediction columns are the classes of its target (one probability per class): the
 * target is not itself a prediction column, the metric scores probabilities (logloss or auc), and
 * every label of the answers and the selection holdout names a prediction column, so that grading
 * can find each row's true class. `yamlFile` names where the metric came from.
 */
export function checkClassColumns(spec: TableTask, yamlFile: string): void {
  if (!predictsClasses(spec)) return;
  const sampleFile = spec.files.sampleSubmission;
  if (spec.predictionColumns.includes(spec.target)) {
    throw new TaskError(
      `${sampleFile}: columns ${spec.predictionColumns.join(', ')} besides \`${spec.idColumn}\`: either the target \`${spec.target}\` alone, or one probability column per class of it`,
    );
  }
  if (!(CLASS_METRICS as readonly MetricName[]).includes(spec.metric)) {
    throw new TaskError(
      `${yamlFile}: field \`metric\`: ${spec.metric} cannot score the class-probability columns of ${sampleFile} (${examples(spec.predictionColumns)}); use ${CLASS_METRICS.join(' or ')}`,
    );
  }
  const known = new Set(spec.predictionColumns.map(labelKey));
  for (const file of [spec.answersPath, spec.selectionPath]) {
    if (file === null) continue;
    const labels = column(readCsvStrict(file), spec.target);
    const unknown = [...new Set(labels.filter((l) => !known.has(labelKey(l))))];
    if (unknown.length > 0) {
      throw new TaskError(
        `${file}: class${unknown.length > 1 ? 'es' : ''} ${examples(unknown)} of \`${spec.target}\` ${unknown.length > 1 ? 'are' : 'is'} not a column of ${sampleFile} (${examples(spec.predictionColumns)}); ` +
          'a class-probability sample submission has one column per class',
      );
    }
  }
}

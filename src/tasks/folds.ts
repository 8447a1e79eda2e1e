/**
 * K-fold re-evaluation data: fold i of a task's public data is a copy of it in which train.csv keeps
 * the rows outside fold i, test.csv holds fold i's rows without the target, and the sample submission
 * lists fold i's ids with the task's own placeholder values (its sample submission's first row: a
 * constant, or uniform class probabilities), never the fold's labels. A solution runs on it unchanged, and its predictions for fold i are scored
 * against the labels it never saw. Folds are a fixed function of the row ids, so every candidate and
 * every re-run sees the same ones.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatCsv, readCsvFile, type CsvTable } from './csv.js';
import type { TableTask } from './types.js';

/** The fold (0..folds-1) of a row id: a hash, so it does not depend on row order. */
export function foldOf(id: string, folds: number): number {
  return createHash('sha256').update(`crucible-fold:${id}`).digest().readUInt32BE(0) % folds;
}

export interface FoldSplit {
  train: CsvTable;
  test: CsvTable;
  sample: CsvTable;
  /** Fold i's ids and labels, in test order. */
  truth: { ids: string[]; labels: string[] };
}

/** The prediction columns of a fold's sample submission and the value each row gets in them. */
export interface SamplePlaceholder {
  columns: string[];
  values: string[];
}

/** The placeholder of a task's sample submission (`sampleFile`, the task's copy in a data folder): its prediction columns and their values in its first row. */
export function samplePlaceholder(task: Pick<TableTask, 'predictionColumns'>, sampleFile: string): SamplePlaceholder {
  const sample = readCsvFile(sampleFile);
  const first = sample.rows[0]!;
  return { columns: task.predictionColumns, values: task.predictionColumns.map((c) => first[sample.header.indexOf(c)]!) };
}

/**
 * Splits a train table into fold i's parts (pure). The sample submission holds `placeholder`'s
 * columns and values (by default the target column with 0).
 */
export function splitFold(
  train: CsvTable, task: Pick<TableTask, 'idColumn' | 'target'>, folds: number, fold: number,
  placeholder: SamplePlaceholder = { columns: [task.target], values: ['0'] },
): FoldSplit {
  const idIdx = train.header.indexOf(task.idColumn);
  const targetIdx = train.header.indexOf(task.target);
  if (idIdx < 0 || targetIdx < 0) throw new Error(`train file needs columns ${task.idColumn} and ${task.target} for k-fold re-evaluation`);
  const inFold = (row: string[]) => foldOf(row[idIdx]!, folds) === fold;
  const held = train.rows.filter(inFold);
  const testHeader = train.header.filter((_, i) => i !== targetIdx);
  return {
    train: { header: train.header, rows: train.rows.filter((r) => !inFold(r)) },
    test: { header: testHeader, rows: held.map((r) => r.filter((_, i) => i !== targetIdx)) },
    sample: { header: [task.idColumn, ...placeholder.columns], rows: held.map((r) => [r[idIdx]!, ...placeholder.values]) },
    truth: { ids: held.map((r) => r[idIdx]!), labels: held.map((r) => r[targetIdx]!) },
  };
}

/**
 * The data folder of fold i (`dir`, in the exec worker's cache: the public data may be a shared folder
 * read in place), built once from the task's public data (`dataDir`): the public files are copied, then
 * train, test and sample submission are replaced. Complete or absent (built in a temporary folder and
 * renamed into place).
 */
export async function materializeFold(task: TableTask, dataDir: string, folds: number, fold: number, dir: string): Promise<{ dir: string; split: FoldSplit }> {
  const rel = (file: string) => path.relative(task.publicDir, file);
  const split = splitFold(readCsvFile(path.join(dataDir, rel(task.files.train))), task, folds, fold, samplePlaceholder(task, path.join(dataDir, rel(task.files.sampleSubmission))));
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return { dir, split };
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(path.dirname(tmp), { recursive: true });
    await cp(dataDir, tmp, { recursive: true });
    await writeFile(path.join(tmp, rel(task.files.train)), formatCsv(split.train.header, split.train.rows));
    await writeFile(path.join(tmp, rel(task.files.test)), formatCsv(split.test.header, split.test.rows));
    await writeFile(path.join(tmp, rel(task.files.sampleSubmission)), formatCsv(split.sample.header, split.sample.rows));
    await rename(tmp, dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another execution built it first
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dir, split };
}

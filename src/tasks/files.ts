/** File checks shared by the task loaders (Crucible and MLE-bench layouts) and `crucible tasks show`. */
import { statSync } from 'node:fs';
import { CsvError, readCsvHead } from './csv.js';
import { TaskError } from './errors.js';

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A task CSV's header and whether a data row follows; a malformed file is the task's fault (TaskError naming it). */
export function headOf(file: string): { header: string[]; hasRow: boolean } {
  try {
    return readCsvHead(file);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
}

/** A task CSV's header; a malformed file is the task's fault (TaskError naming it). */
export function headerOf(file: string): string[] {
  return headOf(file).header;
}

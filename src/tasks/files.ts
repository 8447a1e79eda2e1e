/** File checks shared by the task loaders (Crucible and MLE-bench layouts) and `crucible tasks show`. */
import { statSync } from 'node:fs';
import { CsvError, readCsvHeader } from './csv.js';
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

/** A task CSV's header; a malformed file is the task's fault (TaskError naming it). */
export function headerOf(file: string): string[] {
  try {
    return readCsvHeader(file);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
}

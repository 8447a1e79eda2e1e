import path from 'node:path';
import { readTableHead } from '../../tasks/tableHead.js';
import type { OfflineTask } from './task.js';

/** What Debug reads of the data: the columns the train and test tables really have. */

/** The columns of the train and test tables, as their headers name them (none from a file that cannot be read). */
export function dataColumns(task: OfflineTask): string[] {
  const names = new Set<string>();
  for (const file of [task.files.train, task.files.test]) {
    try {
      for (const name of readTableHead(path.resolve(task.publicDir, file)).header) names.add(name);
    } catch {
      // An unreadable table leaves Debug with the error text alone.
    }
  }
  return [...names];
}

/** Edits (insertions, deletions, substitutions, swaps of neighbours) that turn a into b. */
function distance(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Int32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let edits = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) edits = Math.min(edits, at(i - 2, j - 2) + 1);
      d[i * width + j] = edits;
    }
  }
  return at(a.length, b.length);
}

/**
 * The real column a missing name most likely meant: the same name in another case, else the nearest
 * by edits, within a third of the name's length (at least one edit); null when none is that close.
 */
export function closestColumn(missing: string, columns: readonly string[]): string | null {
  const sameCase = columns.find((c) => c.toLowerCase() === missing.toLowerCase());
  if (sameCase !== undefined) return sameCase;
  const limit = Math.max(1, Math.floor(missing.length / 3));
  let best: { column: string; edits: number } | null = null;
  for (const column of columns) {
    const edits = distance(missing.toLowerCase(), column.toLowerCase());
    if (edits <= limit && (best === null || edits < best.edits)) best = { column, edits };
  }
  return best?.column ?? null;
}

import type { Direction } from '../core/node.js';
import { CsvError, parseNumber, readCsvFile } from './csv.js';
import { TaskError } from './errors.js';

/**
 * Scores of a leaderboard.csv (Kaggle/MLE-bench export: only the `score` column is used), in file
 * order. The rows must already be in rank order, best first for the task's direction: a file sorted
 * the other way means the metric or the direction is wrong, and every medal would be wrong with it.
 */
export function readLeaderboard(file: string, direction: Direction): number[] {
  let table;
  try {
    table = readCsvFile(file);
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
  const idx = table.header.indexOf('score');
  if (idx < 0) throw new TaskError(`${file}: missing column \`score\` (columns: ${table.header.join(', ')})`);
  if (table.rows.length === 0) throw new TaskError(`${file}: no rows; a leaderboard needs at least one score`);
  const scores = table.rows.map((row, r) => {
    const v = parseNumber(row[idx]!);
    if (v === null) throw new TaskError(`${file}: row ${r + 1}: score ${JSON.stringify(row[idx])} is not a finite number`);
    return v;
  });
  for (let r = 1; r < scores.length; r++) {
    const worse = direction === 'maximize' ? scores[r]! > scores[r - 1]! : scores[r]! < scores[r - 1]!;
    if (worse) {
      throw new TaskError(
        `${file}: rows must be sorted best first for direction ${direction}, ` +
          `but row ${r + 1} (${scores[r]}) beats row ${r} (${scores[r - 1]})`,
      );
    }
  }
  return scores;
}

/**
 * Columns are checked at load time, from headers only, so that a wrong `target` or `id_column` fails
 * before an agent has spent its budget. Shared by every task layout (tasks/sources/).
 */
import { TaskError } from './errors.js';
import { headOf, headerOf } from './files.js';
import { readLeaderboard } from './leaderboard.js';
import type { TableTask } from './types.js';

function requireColumns(file: string, columns: readonly string[], why: string): void {
  const header = headerOf(file);
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new TaskError(
      `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `\`${c}\``).join(', ')} (${why}); ` +
        `columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', …' : ''}`,
    );
  }
}

/**
 * Every task file has a data row and the columns the spec names. `source` says where the column
 * names came from, for the message: 'task.yaml', or the file(s) they were inferred from.
 */
export function checkColumns(spec: TableTask, source: string): TableTask {
  const what = (f: string) => (source === 'task.yaml' ? `task.yaml ${f}` : `${f} from ${source}`);
  for (const file of [spec.files.train, spec.files.test, spec.files.sampleSubmission, spec.answersPath]) {
    if (!headOf(file).hasRow) throw new TaskError(`${file}: no data rows, only the header; a task needs at least one row here`);
  }
  requireColumns(spec.files.train, [spec.target], what('target'));
  requireColumns(spec.files.test, [spec.idColumn], what('id_column'));
  if (headerOf(spec.files.test).includes(spec.target)) {
    throw new TaskError(`${spec.files.test}: holds the target column \`${spec.target}\`; test labels must live only in the private answers`);
  }
  requireColumns(spec.files.sampleSubmission, [spec.idColumn, ...spec.predictionColumns], what('id_column and target'));
  requireColumns(spec.answersPath, [spec.idColumn, spec.target], what('id_column and target'));
  if (spec.selectionPath !== null) requireColumns(spec.selectionPath, [spec.idColumn, spec.target], what('id_column and target'));
  if (spec.leaderboardPath !== null) readLeaderboard(spec.leaderboardPath, spec.direction);
  return spec;
}

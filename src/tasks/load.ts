/** Task references: a built task's id, or a task folder of any layout (sources/index.ts). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { builtTasksDir } from '../config/paths.js';
import { TaskError } from './errors.js';
import { isDir } from './files.js';
import { crucible } from './sources/crucible.js';
import { loadTaskDir } from './sources/index.js';
import { isTableTask, notTableReason, type TableTask, type TaskSpec } from './types.js';

export { TaskError } from './errors.js';

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/** Ids of the built tasks: Crucible task folders under `dir` (skips setup's half-built `*.tmp`). */
export function listTaskIds(dir: string = builtTasksDir()): string[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && ID_PATTERN.test(e.name) && !e.name.endsWith('.tmp'))
    .filter((e) => crucible.detects(path.join(dir, e.name)))
    .map((e) => e.name)
    .sort();
}

/** Every built task, loaded and validated; a broken one throws, naming its file. */
export async function listTasks(dir: string = builtTasksDir()): Promise<TableTask[]> {
  const specs: TableTask[] = [];
  for (const id of listTaskIds(dir)) specs.push(await loadTableTask(path.join(dir, id)));
  return specs;
}

/**
 * Loads a task from a folder path, or by id from the built tasks (`builtTasksDir()`). Anything with
 * a path separator or a leading dot is a path; a bare word is an id first, then a folder in the
 * working directory.
 */
export async function loadTask(pathOrId: string): Promise<TaskSpec> {
  if (pathOrId.trim() === '') throw new TaskError('no task given: pass a task id or a task folder');
  const looksLikePath = /[\\/]/.test(pathOrId) || pathOrId.startsWith('.') || path.isAbsolute(pathOrId);
  if (looksLikePath) return loadTaskDir(path.resolve(pathOrId));
  const built = path.join(builtTasksDir(), pathOrId);
  if (ID_PATTERN.test(pathOrId) && isDir(built)) {
    const spec = await loadTaskDir(built);
    if (spec.id !== pathOrId) {
      throw new TaskError(`${path.join(built, 'task.yaml')}: field \`id\` is "${spec.id}" but the folder is "${pathOrId}"`);
    }
    return spec;
  }
  if (isDir(pathOrId)) return loadTaskDir(path.resolve(pathOrId));
  const known = listTaskIds();
  throw new TaskError(
    `unknown task "${pathOrId}": ` +
      (known.length > 0
        ? `known tasks are ${known.join(', ')} (in ${builtTasksDir()})`
        : `no tasks are built in ${builtTasksDir()}; run scripts/setup.sh (npm run setup) to build the bundled ones`),
  );
}

/** loadTask, for what needs one table with one target (the offline operators, k-fold); a TaskError says why not. */
export async function loadTableTask(pathOrId: string): Promise<TableTask> {
  const task = await loadTask(pathOrId);
  if (!isTableTask(task)) throw new TaskError(`task ${task.id} is not one table with one target: ${notTableReason(task)}`);
  return task;
}

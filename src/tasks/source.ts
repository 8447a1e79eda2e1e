import type { TaskSpec } from './types.js';

/**
 * One way of laying out a task on disk (a Crucible task folder, an MLE-bench prepared competition,
 * …). A new layout is one object of this shape, listed in sources/index.ts; everything that loads a
 * task goes through that registry.
 */
export interface TaskSource {
  /** The layout's name, e.g. "crucible" or "mlebench". */
  readonly kind: string;
  /** Whether `dir` (an existing folder) is laid out this way; cheap: stats a few paths, reads no file. */
  detects(dir: string): boolean;
  /** Loads and validates the task in `dir`; a TaskError names the file at fault and what it expects. */
  load(dir: string): Promise<TaskSpec>;
}

/**
 * A task spec whose files lie elsewhere than where the client loaded it: the run's spec names the
 * client's absolute paths, and a worker that reads copies (its materialised public data, the control
 * worker's mirror of the private files) reads the same spec with every path moved by `to`.
 */
import path from 'node:path';
import type { TaskSpec } from './types.js';

export function relocateTask(task: TaskSpec, to: (file: string) => string): TaskSpec {
  const maybe = (file: string | null) => (file === null ? null : to(file));
  return {
    ...task,
    dir: to(task.dir),
    descriptionPath: to(task.descriptionPath),
    publicDir: to(task.publicDir),
    files: { train: maybe(task.files.train), test: maybe(task.files.test), sampleSubmission: to(task.files.sampleSubmission) },
    answersPath: to(task.answersPath),
    selectionPath: maybe(task.selectionPath),
    leaderboardPath: maybe(task.leaderboardPath),
    ...(task.mlebench ? { mlebench: { ...task.mlebench, dataDir: to(task.mlebench.dataDir), registryDir: to(task.mlebench.registryDir) } } : {}),
  };
}

/** The task with the files of its public folder read from `dataDir` (a copy of that folder); its other paths unchanged. */
export function withPublicDataAt(task: TaskSpec, dataDir: string): TaskSpec {
  return relocateTask(task, (file) => {
    const rel = path.relative(task.publicDir, file);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel)) ? path.join(dataDir, rel) : file;
  });
}

/**
 * A task's control files (description, answers, leaderboard, private folder) published by the client
 * to the private store, and read back by a control worker that does not see the client's folders.
 */
import { mkdtemp, readdir, rename, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import type { ArtifactRef } from '../../../src/core/artifact.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { loadTask } from '../../../src/tasks/load.js';
import { controlFilesOf, publishTask, taskFilesReader } from '../../../src/tasks/taskFiles.js';
import { leaderboardCsv, writeTask } from './fixtures.js';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'task-files-'));
const PERFECT = 'id,target\n1,0\n2,1\n3,0\n4,1\n5,1\n';

/** Every `sha256` in a value (a run input, an activity input): the references it gives. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'sha256' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

async function setup() {
  const root = await tmp();
  const dir = writeTask(path.join(root, 'tiny'), { leaderboard: leaderboardCsv([1, 0.9, 0.8, 0.5]) });
  await writeFile(path.join(dir, 'private', 'notes.txt'), 'kept private\n');
  const task = await loadTask(dir);
  const stores = { store: new FileArtifactStore(path.join(root, 'artifacts')), privateStore: new FileArtifactStore(path.join(root, 'private-artifacts')) };
  const control = { ...stores, cacheRoot: path.join(await tmp(), 'task-files'), dataCache: path.join(await tmp(), 'task-data') };
  return { root, dir, task, stores, control, indexDir: await tmp() };
}

/** The blobs a file store holds. */
async function blobs(store: FileArtifactStore): Promise<string[]> {
  const dirs = await readdir(store.root).catch(() => [] as string[]);
  return (await Promise.all(dirs.map((d) => readdir(path.join(store.root, d))))).flat();
}

describe('task files through the private store (a control worker without the client\'s folders)', () => {
  it('lists the description, answers, leaderboard and the private folder, nothing of the public folder', async () => {
    const { dir, task } = await setup();
    expect(await controlFilesOf(task)).toEqual(
      ['description.md', 'leaderboard.csv', 'private/answers.csv', 'private/notes.txt'].map((f) => path.join(dir, f)),
    );
  });

  it('grades from the store after the client\'s task folder is gone', async () => {
    const { dir, task, stores, control, indexDir } = await setup();
    const refs = await publishTask(stores, task, { shared: [], indexDir });
    await rename(dir, `${dir}-gone`);
    const local = await taskFilesReader(control)(task, refs.taskFilesRef);
    expect(local.answersPath).not.toBe(task.answersPath);
    expect(local.answersPath.startsWith(control.cacheRoot)).toBe(true);
    const report = await gradeSubmission(local, PERFECT);
    expect({ score: report.score, valid: report.validSubmission, medal: report.medal }).toEqual({ score: 1, valid: true, medal: 'gold' });
  });

  it('gives exec workers no reference into the private store, and the public store no private file', async () => {
    const { task, stores, indexDir } = await setup();
    const { taskDataRef, taskFilesRef } = await publishTask(stores, task, { shared: [], indexDir });
    // What exec activities get of the task: the public data reference and the manifest it names.
    const execRefs = [taskDataRef.sha256, ...refsIn(JSON.parse(await stores.store.getText(taskDataRef)))];
    const privateBlobs = await blobs(stores.privateStore);
    expect(privateBlobs).toContain(taskFilesRef.sha256);
    expect(execRefs.filter((sha) => privateBlobs.includes(sha))).toEqual([]);
    const answers = await stores.privateStore.putFile(task.answersPath);
    expect(await stores.store.has(answers)).toBe(false);
    expect(await stores.store.has(taskFilesRef as ArtifactRef & { bytes: number })).toBe(false);
  });

  it('in shared folders, nothing is copied and the spec is read in place; a changed answer file is refused', async () => {
    const { root, task, stores, control, indexDir } = await setup();
    const { taskFilesRef } = await publishTask(stores, task, { shared: [root], indexDir });
    expect(await blobs(stores.privateStore)).toEqual([taskFilesRef.sha256]);
    expect(await taskFilesReader(control)(task, taskFilesRef)).toEqual(task);
    await utimes(task.answersPath, new Date(), new Date(Date.now() + 5000));
    await expect(taskFilesReader(control)(task, taskFilesRef)).rejects.toThrow('task files changed since the run published them');
  });

  it('a run without task files reads the spec as it is (runs started by older clients)', async () => {
    const { task, control } = await setup();
    expect(await taskFilesReader(control)(task, undefined)).toBe(task);
  });
});

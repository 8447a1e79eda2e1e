/**
 * A control worker that does not share the client's file system grades from the store: the client
 * publishes the task (public data to the artifact store, answers and the rest to the private store),
 * starts the run, and the task folder it published from is gone before any node is graded. The run
 * still grades its nodes, re-scores its candidates on the selection holdout and submits, with the same
 * scores as grading from the original folder; and no exec activity is given a private reference.
 */
import { cp, mkdtemp, readFile, readdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import { builtTasksDir, privateArtifactsDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import { gradeSubmission } from '../../src/tasks/grade.js';
import { publishTask } from '../../src/tasks/taskFiles.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { payloadTexts } from '../helpers/temporal.js';

/** The blobs a file store holds. */
async function blobs(store: FileArtifactStore): Promise<string[]> {
  const dirs = await readdir(store.root).catch(() => [] as string[]);
  return (await Promise.all(dirs.map((d) => readdir(path.join(store.root, d))))).flat();
}

describe('a control worker without the client\'s task folder', () => {
  let h: Harness | undefined;
  afterAll(async () => h?.close());

  it('grades every node from the store after the folder the client published from is gone', async () => {
    const clientDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'crucible-client-')), 'breast-cancer');
    await cp(path.join(builtTasksDir(), 'breast-cancer'), clientDir, { recursive: true });
    h = await startHarness({ name: 'task-files-store' });
    const privateStore = new FileArtifactStore(privateArtifactsDir(h.stateRoot));
    const input = await h.input({ task: clientDir, steps: '4' });
    input.agent.selection = { ...input.agent.selection, report: ['validation', 'holdout', 'kfold'], topK: 1, folds: 2 };
    // The client publishes with no shared folder: nothing of the run may be read at its paths.
    const refs = await publishTask({ store: h.store, privateStore }, input.task, { shared: [], indexDir: path.join(h.stateRoot, 'client-index') });
    const handle = await h.start({ ...input, ...refs });
    const goneDir = `${clientDir}-gone`;
    await rename(clientDir, goneDir);
    const summary = await h.until(handle.result());

    expect(summary.nodes).toBe(4);
    const graph = JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
    const graded = graph.nodes.filter((n) => n.id > 0 && !n.buggy && n.exec?.submissionRef);
    expect(graded.length).toBeGreaterThan(0);
    expect(graded.map((n) => n.testScore).filter((s) => s === null)).toEqual([]);
    const holdout = summary.selection?.selections.find((s) => s.strategy === 'holdout');
    expect(holdout?.rescore ?? null).not.toBeNull();
    const kfold = summary.selection?.selections.find((s) => s.strategy === 'kfold');
    expect(kfold?.rescore ?? null).not.toBeNull();

    // The same scores as grading against the original folder.
    await rename(goneDir, clientDir);
    for (const n of graded) {
      const report = await gradeSubmission(input.task, await h.store.getText(n.exec!.submissionRef!));
      expect(n.testScore).toBe(report.score);
    }
    expect(summary.best?.grade?.validSubmission).toBe(true);

    // Exec activities (on the exec queue) never carry a reference to what only the private store holds
    // (a file in both, such as a description copied into public/, is public).
    const publicBlobs = await blobs(h.store);
    const privateBlobs = (await blobs(privateStore)).filter((sha) => !publicBlobs.includes(sha));
    expect(privateBlobs).toContain(refs.taskFilesRef.sha256);
    expect(privateBlobs).toContain((await privateStore.putFile(path.join(clientDir, 'private', 'answers.csv'))).sha256);
    const history = await handle.fetchHistory();
    const execInputs = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.taskQueue?.name === h!.queues.exec);
    expect(execInputs.length).toBeGreaterThan(4);
    const leaked = execInputs.flatMap((a) => payloadTexts(a!.input)).filter((text) => privateBlobs.some((sha) => text.includes(sha)));
    expect(leaked).toEqual([]);
  });
});

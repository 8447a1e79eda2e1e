/**
 * Workers on several machines share nothing but Temporal and the artifact store: two exec workers in
 * separate processes, each with its own empty state folder, run one agent's executions with code,
 * task data and outputs exchanged only through an S3-compatible store (a moto server started here).
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../src/artifacts/s3.js';
import { pythonPath, taskDataCacheDir } from '../../src/config/paths.js';
import { validateSubmission } from '../../src/tasks/submission.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { tempStateRoot } from '../helpers/temporal.js';
import { spawnScript, type WorkerProcess } from '../helpers/workerProcess.js';

const CREDENTIALS = { accessKeyId: 'crucible-shared-key', secretAccessKey: 'crucible-shared-secret' };
const BUCKET = 'crucible-shared';

describe('two exec workers sharing only the dev server and an S3 store', () => {
  let h: Harness | undefined;
  let moto: Moto | undefined;
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await moto?.stop();
    await h?.close();
  });

  it('both execute nodes of one run, each fetching task data and code from the store', async () => {
    moto = await startMoto();
    await new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: CREDENTIALS })
      .send(new CreateBucketCommand({ Bucket: BUCKET }));
    const store = new S3ArtifactStore({ bucket: BUCKET, prefix: 'shared', endpoint: moto.endpoint, credentials: CREDENTIALS });
    // This process runs only the control worker; executions go to the two processes below.
    h = await startHarness({ name: 'shared-store', roles: 'control', store });
    const q = h.queues;

    const execStates = [await tempStateRoot(), await tempStateRoot()];
    for (const state of execStates) {
      workers.push(spawnScript('src/workers/main.ts', ['--role', 'exec', '--exec-queue', q.exec], {
        TEMPORAL_ADDRESS: h.address, CRUCIBLE_HOME: state, CRUCIBLE_PYTHON: pythonPath(),
        CRUCIBLE_ARTIFACTS: `s3://${BUCKET}/shared`, CRUCIBLE_S3_ENDPOINT: moto.endpoint, AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      }));
    }
    const input = await h.input({ steps: '6', seed: '2' });
    input.agent.parallelism = 2;
    const summary = await h.runAgent(input);

    expect(summary.nodes).toBe(6);
    const history = await h.client.workflow.getHandle(q.workflowId).fetchHistory();
    const scheduled = new Map<string, string>();
    const executors = new Set<string>();
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
      const started = e.activityTaskStartedEventAttributes;
      if (started && scheduled.get(String(started.scheduledEventId)) === 'execute') executors.add(started.identity ?? '');
    }
    expect(executors.size, `workers:\n${workers.map((w) => w.output()).join('\n')}`).toBe(2);
    for (const state of execStates) {
      // Each worker materialised the task data from the store into its own cache; it had no task folder.
      expect((await readdir(taskDataCacheDir(state))).length).toBe(1);
      expect(existsSync(path.join(state, 'tasks'))).toBe(false);
    }
    expect(summary.best).not.toBeNull();
    expect(validateSubmission(input.task, await store.getText(summary.best!.submissionRef!))).toMatchObject({ valid: true });
  });
});

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeArchive } from '../../../src/activities/archive.js';
import { makeOperate } from '../../../src/activities/operate.js';
import { OFFLINE_UNFIT_TASK, type OperateInput, type OperateOutput } from '../../../src/activities/types.js';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { agentSchema } from '../../../src/config/agent.js';
import { OfflineBackend } from '../../../src/operators/offline/index.js';
import type { OperatorBackend, OperatorRequest } from '../../../src/operators/types.js';
import type { NodeRecord } from '../../../src/core/node.js';
import type { TaskSpec } from '../../../src/tasks/types.js';

/** Test double: records what the operator was shown and returns fixed code. */
class RecordingBackend implements OperatorBackend {
  readonly name = 'recording';
  requests: OperatorRequest[] = [];
  async run(request: OperatorRequest) {
    this.requests.push(request);
    return { plan: 'a plan', code: 'print("child")\n' };
  }
}

const task = { id: 't', direction: 'maximize' } as TaskSpec;
/** A test double of the control worker's task reader (tasks/taskFiles.ts): the spec as it is. */
const readTaskInPlace = async (t: TaskSpec) => t;

async function setup() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'operate-'));
  const store = new FileArtifactStore(path.join(root, 'artifacts'));
  const runs = path.join(root, 'runs');
  const backend = new RecordingBackend();
  return { store, runs, backend, operate: makeOperate({ store, offline: backend, runsRoot: runs, llm: { apiKey: null }, taskOf: readTaskInPlace }) };
}

const input = (over: Partial<OperateInput>): OperateInput => ({
  runId: 'run-1', nodeId: 9, op: 'improve', task, parents: [], seed: 1, remainingSeconds: 60, remainingSteps: null, memory: [],
  operators: agentSchema.shape.operators.parse(undefined), dataOverviewRef: null, hints: [], ...over,
});

describe('operate activity', () => {
  it("loads the parent's code and output from the store and stores the child's code", async () => {
    const { store, backend, operate } = await setup();
    const codeRef = await store.put('print("parent")\n');
    const stdoutRef = await store.put('training…\nscore 0.9\n');
    const out: OperateOutput = await new MockActivityEnvironment().run(operate, input({
      parents: [{ nodeId: 3, archived: false, plan: 'p', codeRef, score: 0.9, buggy: false, bugReason: null, stdoutRef, stderrRef: null }],
    }));
    expect(backend.requests[0]!.parents[0]).toMatchObject({ nodeId: 3, code: 'print("parent")\n', output: 'training…\nscore 0.9\n' });
    expect(await store.getText(out.codeRef)).toBe('print("child")\n');
    expect(out).toMatchObject({ plan: 'a plan', backend: 'recording' });
  });

  it('reads an archived parent and archived memory back from the run archive', async () => {
    const { store, runs, backend, operate } = await setup();
    const full: NodeRecord = {
      id: 3, parents: [0], operator: 'draft', plan: 'the full plan', codeRef: await store.put('print("archived parent")\n'),
      score: 0.8, buggy: false, bugReason: null, debugDepth: 0, testScore: 0.7,
      exec: { exitCode: 0, timedOut: false, durationMs: 5, stdoutRef: await store.put('archived output'), stderrRef: null, submissionRef: null },
      createdAt: 0, llm: null, hintIds: [],
    };
    await makeArchive(runs).archiveNodes({ runId: 'run-1', nodes: [full] });
    await new MockActivityEnvironment().run(operate, input({
      parents: [{ nodeId: 3, archived: true, plan: '', codeRef: null, score: 0.8, buggy: false, bugReason: null, stdoutRef: null, stderrRef: null }],
      memory: [{ nodeId: 3, archived: true, operator: 'draft', plan: '', score: 0.8, buggy: false, bugReason: null }],
    }));
    const req = backend.requests[0]!;
    expect(req.parents[0]).toMatchObject({ plan: 'the full plan', code: 'print("archived parent")\n', output: 'archived output' });
    expect(req.memory[0]).toMatchObject({ plan: 'the full plan', archived: false });
  });

  it('a task the offline operators cannot work on fails for good, with the reason and what to do', async () => {
    const { store, runs } = await setup();
    const operate = makeOperate({ store, offline: new OfflineBackend(), runsRoot: runs, llm: { apiKey: null }, taskOf: readTaskInPlace });
    const other = {
      id: 'whales', type: 'other', metric: 'auc', target: null, predictionColumns: ['probability'], dir: '/tasks/whales',
      files: { train: null, test: null, sampleSubmission: '/tasks/whales/sample.csv' }, mlebench: { shape: 'train2.zip (archive, 4.3 KiB)' },
    } as unknown as TaskSpec;
    const err = await new MockActivityEnvironment().run(operate, input({ op: 'draft', task: other })).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: OFFLINE_UNFIT_TASK, nonRetryable: true });
    expect((err as Error).message).toBe(
      'the offline operators cannot work on whales: train2.zip (archive, 4.3 KiB). Run it with an LLM endpoint: ' +
        'crucible run --task /tasks/whales --llm-url <OpenAI-compatible URL> --llm-model <model> (and CRUCIBLE_LLM_API_KEY)',
    );
  });

  it('fails clearly when an archived node is missing', async () => {
    const { operate } = await setup();
    await expect(new MockActivityEnvironment().run(operate, input({
      parents: [{ nodeId: 5, archived: true, plan: '', codeRef: null, score: null, buggy: true, bugReason: null, stdoutRef: null, stderrRef: null }],
    }))).rejects.toThrow(/archived node 5 of run run-1 is missing/);
  });
});

/**
 * Every execution says the isolation it ran under, in each executor that can run here; and isolation
 * `none`, where a solution can read every file the worker can, refuses a task whose private answers
 * are on this host unless the worker's switch names it explicitly (sandbox/unisolated.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecute } from '../../../src/activities/execute.js';
import { UNISOLATED_ANSWERS, type ExecuteInput, type ExecuteOutput } from '../../../src/activities/types.js';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { ALLOW_UNISOLATED_ENV, unisolatedAllowed } from '../../../src/config/unisolated.js';
import { pythonPath } from '../../../src/config/paths.js';
import type { ArtifactRef } from '../../../src/core/artifact.js';
import { findExecutable, probeBwrap } from '../../../src/sandbox/bwrap.js';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, dockerAvailable } from '../../../src/sandbox/docker.js';
import type { Executor } from '../../../src/sandbox/executor.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import { publishTaskData } from '../../../src/tasks/dataRef.js';
import { loadTableTask } from '../../../src/tasks/load.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { writeTask } from '../tasks/fixtures.js';

const stateRoot = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'crucible-exec-isolation-')));
afterAll(() => rmSync(stateRoot, { recursive: true, force: true }));
const store = new FileArtifactStore(path.join(stateRoot, 'artifacts'));
const workspaces = path.join(stateRoot, 'workspaces');
const dataCache = path.join(stateRoot, 'cache');
const quiet = { warn: () => undefined, info: () => undefined };
const python = existsSync(pythonPath()) ? pythonPath() : 'python3';

/** A solution that leaves a mark on the host (only an unisolated one can), so a test sees whether it ran. */
const marker = path.join(stateRoot, 'ran');
const MARKING = `open(${JSON.stringify(marker)}, 'w').write('ran')\nprint('ok')\n`;

const bwrap = findExecutable('bwrap');
const engine = new Docker();
const dockerHere = (await dockerAvailable(engine)) && (await engine.getImage(DEFAULT_SANDBOX_IMAGE).inspect().then(() => true, () => false));
/** The executors that can run on this machine, by the isolation each should record. */
const executors: [string, () => Executor][] = [
  ...(dockerHere ? [['docker', () => new DockerExecutor({ docker: engine })] as [string, () => Executor]] : []),
  ...(bwrap && (await probeBwrap(bwrap)) === null ? [['bwrap', () => new ProcessExecutor({ python, logger: quiet, isolation: 'bwrap' })] as [string, () => Executor]] : []),
  ['none', () => new ProcessExecutor({ python, logger: quiet, isolation: 'none' })],
];
console.log(`[exec-isolation] executors here: ${executors.map(([k]) => k).join(', ')}`);

let task: TableTask;
let dataRef: ArtifactRef;
beforeAll(async () => {
  task = await loadTableTask(writeTask(path.join(stateRoot, 'tasks', 'tiny')));
  dataRef = await publishTaskData(store, task.publicDir, { shared: [], indexDir: path.join(stateRoot, 'publish-index') });
});

async function run(executor: Executor, opts: { allowUnisolated?: boolean; task?: TableTask; code?: string } = {}): Promise<ExecuteOutput> {
  rmSync(marker, { force: true });
  const execute = makeExecute({ store, executor, workspaces, dataCache, allowUnisolated: opts.allowUnisolated });
  const code = await store.put(opts.code ?? MARKING);
  const input: ExecuteInput = { runId: 'r', nodeId: 1, task: opts.task ?? task, dataRef, codeRef: code, timeoutMs: 60_000 };
  return (await new MockActivityEnvironment().run(execute, input)) as ExecuteOutput;
}

describe('the isolation of an execution', () => {
  it.each(executors)('%s: the execution result says it', async (kind, make) => {
    // Only `none` needs the switch: the task's answers are on this host.
    const out = await run(make(), { allowUnisolated: kind === 'none', code: "print('ok')\n" });
    expect(out.exitCode, await store.getText(out.stderrRef)).toBe(0);
    expect(out.isolation).toBe(kind);
  });
});

describe('isolation none on a task whose answers are on this host', () => {
  const plain = () => new ProcessExecutor({ python, logger: quiet, isolation: 'none' });

  it('is refused before the solution runs, as a non-retryable failure that names the answers and the switch', async () => {
    const err = await run(plain()).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(UNISOLATED_ANSWERS);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(task.answersPath);
    expect(failure.message).toContain(`${ALLOW_UNISOLATED_ENV}=on`);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs when the switch names it explicitly', async () => {
    const out = await run(plain(), { allowUnisolated: true });
    expect(out).toMatchObject({ exitCode: 0, isolation: 'none' });
    expect(existsSync(marker)).toBe(true);
  });

  it('runs unrefused where the answers are not on this host', async () => {
    const elsewhere = { ...task, answersPath: path.join(stateRoot, 'on-another-host', 'answers.csv') };
    expect(await run(plain(), { task: elsewhere })).toMatchObject({ exitCode: 0, isolation: 'none' });
  });
});

describe(`${ALLOW_UNISOLATED_ENV}`, () => {
  it("is off unless it says 'on', and refuses other words", () => {
    expect(unisolatedAllowed({})).toBe(false);
    expect(unisolatedAllowed({ [ALLOW_UNISOLATED_ENV]: 'off' })).toBe(false);
    expect(unisolatedAllowed({ [ALLOW_UNISOLATED_ENV]: ' on ' })).toBe(true);
    expect(() => unisolatedAllowed({ [ALLOW_UNISOLATED_ENV]: 'yes' })).toThrow(/must be 'on' or 'off'/);
  });
});

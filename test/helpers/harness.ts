/**
 * One harness for the integration tests: connections to a Temporal server (the suite's dev server
 * unless told otherwise), unique task queues, a fresh state folder, and a control worker and an exec
 * worker on those queues, running from the start until `close()`. The workers serve the real workflow
 * with the real activities, or with the scripted test doubles (helpers/scripted.ts).
 */
import type { WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { ArtifactStore } from '../../src/artifacts/store.js';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import type { RunOptions } from '../../src/cli/runInput.js';
import { artifactsDir } from '../../src/config/paths.js';
import { createControlWorker } from '../../src/workers/control.js';
import { createExecWorker } from '../../src/workers/exec.js';
import { agentRun } from '../../src/workflows/index.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import type { ScriptedOptions } from './scripted.js';
import { createScriptedWorkers } from './scriptedWorker.js';
import { bundledRunInput, tempStateRoot, testEnv, uniqueQueues, type TestEnv } from './temporal.js';

export interface HarnessOptions {
  /** Names the task queues and the default workflow id (made unique: tests share one server). */
  name: string;
  /** The scripted activity doubles instead of the real activities (the state folder is the harness's). */
  scripted?: Omit<ScriptedOptions, 'stateRoot'>;
  /** Real workers only: 'control' starts no exec worker (the test runs its own elsewhere). Default 'all'. */
  roles?: 'all' | 'control';
  /** Real workers only: how many executions the exec worker runs at once (its default otherwise). */
  execConcurrency?: number;
  /** Real workers only: the control worker's artifact store (default: the state folder's). */
  store?: ArtifactStore;
  /** Real workers only: variables set just while the control worker is created (it reads the LLM API key then). */
  controlEnv?: Record<string, string>;
  /** Connection settings, as Crucible reads them from the environment (default: the suite's dev server). */
  temporal?: NodeJS.ProcessEnv;
}

export type Harness = Omit<TestEnv, 'close'> & {
  queues: ReturnType<typeof uniqueQueues>;
  stateRoot: string;
  /** The file store in the state folder, where the workers put artifacts unless given a store. */
  store: FileArtifactStore;
  /** A run input on a bundled task whose executions go to this harness's exec queue. */
  input(opts?: Partial<RunOptions>): Promise<AgentRunInput>;
  /** Starts an agent run on the control queue (workflow id: the harness's unless given). */
  start(input: AgentRunInput, opts?: Partial<WorkflowStartOptions<typeof agentRun>>): Promise<WorkflowHandle<typeof agentRun>>;
  /** Starts an agent run and waits for its summary. */
  runAgent(input: AgentRunInput, opts?: Partial<WorkflowStartOptions<typeof agentRun>>): Promise<RunSummary>;
  /** Waits for `work`, failing at once if a worker fails first (a run would otherwise wait forever). */
  until<T>(work: Promise<T>): Promise<T>;
  /** Stops the workers and closes the connections; the state folder stays. */
  close(): Promise<void>;
};

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const env = await testEnv(opts.temporal);
  const queues = uniqueQueues(opts.name);
  const stateRoot = await tempStateRoot();
  let workers: Worker[];
  try {
    workers = await createWorkers(env, opts, queues, stateRoot);
  } catch (err) {
    await env.close();
    throw err;
  }
  const running = Promise.all(workers.map((w) => w.run()));
  const stopped = running.then(() => { throw new Error('the workers stopped before the work was done'); });
  // Seen by `until` while it waits (and a worker's failure by `close`); not an unhandled rejection otherwise.
  stopped.catch(() => undefined);
  const until = <T>(work: Promise<T>) => Promise.race([work, stopped]);
  const start: Harness['start'] = (input, startOpts) =>
    env.client.workflow.start(agentRun, { taskQueue: queues.control, workflowId: queues.workflowId, args: [input], ...startOpts });
  return {
    ...env,
    queues,
    stateRoot,
    store: new FileArtifactStore(artifactsDir(stateRoot)),
    input: (runOpts) => bundledRunInput({ execQueue: queues.exec, ...runOpts }),
    start,
    runAgent: (input, startOpts) => until(start(input, startOpts).then((handle) => handle.result())),
    until,
    close: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      try {
        await running;
      } finally {
        await env.close();
      }
    },
  };
}

async function createWorkers(env: TestEnv, opts: HarnessOptions, queues: ReturnType<typeof uniqueQueues>, stateRoot: string): Promise<Worker[]> {
  const common = { connection: env.nativeConnection, workflowBundle: env.workflowBundle };
  if (opts.scripted) return createScriptedWorkers({ ...common, ...opts.scripted, stateRoot, controlQueue: queues.control, execQueue: queues.exec });
  const control = await withEnv(opts.controlEnv ?? {}, () => createControlWorker({
    ...common, taskQueue: queues.control, stateRoot, store: opts.store, dataConverter: env.dataConverter,
  }));
  if (opts.roles === 'control') return [control];
  const exec = await createExecWorker({
    connection: env.nativeConnection, taskQueue: queues.exec, stateRoot, maxConcurrent: opts.execConcurrency, dataConverter: env.dataConverter,
  });
  return [control, exec];
}

/** Runs `fn` with `vars` in process.env, then puts back what was there. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

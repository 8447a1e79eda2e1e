import { NativeConnection, Worker } from '@temporalio/worker';
import { createExecActivities } from '../activities/index.js';
import { openArtifactStore } from '../artifacts/index.js';
import { DEFAULT_NAMESPACE, EXEC_CPU_TASK_QUEUE, EXEC_GPU_TASK_QUEUE } from '../config/constants.js';
import { artifactsDir, taskDataCacheDir, workspacesDir } from '../config/paths.js';
import type { Executor } from '../sandbox/types.js';
import { chooseExecutor, type ExecutorChoice } from './executor.js';

/**
 * An exec worker: runs solutions in the sandbox. A GPU worker owns its GPUs and polls the GPU queue;
 * concurrency is the number of sandboxes at once (one per worker on a GPU).
 */
export async function createExecWorker(opts: {
  connection: NativeConnection;
  taskQueue?: string;
  namespace?: string;
  /** State folder for artifacts and workspaces; defaults to CRUCIBLE_HOME or .crucible. */
  stateRoot?: string;
  maxConcurrent?: number;
  /** A ready executor, or how to choose one (default: Docker when an engine answers). */
  executor?: Executor | ExecutorChoice;
}): Promise<Worker> {
  // The blob store comes from this worker's environment (CRUCIBLE_ARTIFACTS), never from a workflow.
  const store = openArtifactStore(process.env, artifactsDir(opts.stateRoot));
  const choice = opts.executor ?? { kind: 'auto' };
  const executor = 'execute' in choice ? choice : await chooseExecutor(choice);
  const gpus = 'execute' in choice ? [] : choice.gpus ?? [];
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: opts.taskQueue ?? (gpus.length > 0 ? EXEC_GPU_TASK_QUEUE : EXEC_CPU_TASK_QUEUE),
    activities: createExecActivities({
      store, executor, workspaces: workspacesDir(opts.stateRoot), dataCache: taskDataCacheDir(opts.stateRoot),
    }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrent ?? 1,
  });
}

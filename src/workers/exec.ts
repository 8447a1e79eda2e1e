import { NativeConnection, Worker } from '@temporalio/worker';
import { createExecActivities } from '../activities/index.js';
import { openArtifactStore } from '../artifacts/index.js';
import { DEFAULT_NAMESPACE, EXEC_CPU_TASK_QUEUE } from '../config/constants.js';
import { artifactsDir, taskDataCacheDir, workspacesDir } from '../config/paths.js';
import { ProcessExecutor } from '../sandbox/process.js';

/** An exec worker: runs solutions in the sandbox; concurrency is the number of parallel sandboxes. */
export async function createExecWorker(opts: {
  connection: NativeConnection;
  taskQueue?: string;
  namespace?: string;
  /** State folder for artifacts and workspaces; defaults to CRUCIBLE_HOME or .crucible. */
  stateRoot?: string;
  maxConcurrent?: number;
}): Promise<Worker> {
  // The blob store comes from this worker's environment (CRUCIBLE_ARTIFACTS), never from a workflow.
  const store = openArtifactStore(process.env, artifactsDir(opts.stateRoot));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: opts.taskQueue ?? EXEC_CPU_TASK_QUEUE,
    activities: createExecActivities({ store, executor: new ProcessExecutor(), workspaces: workspacesDir(opts.stateRoot),
      dataCache: taskDataCacheDir(opts.stateRoot) }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrent ?? 1,
  });
}

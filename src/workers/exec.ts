import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createExecActivities } from '../activities/index.js';
import { openArtifactStore } from '../artifacts/index.js';
import { EXEC_CPU_TASK_QUEUE, EXEC_GPU_TASK_QUEUE } from '../config/constants.js';
import { artifactsDir, taskDataCacheDir, workspacesDir } from '../config/paths.js';
import { unisolatedAllowed } from '../config/unisolated.js';
import { dataConverter, temporalNamespace } from '../config/temporalConnection.js';
import { sweepWorkspaceMounts, workdirQuotaFromEnv } from '../sandbox/diskQuota.js';
import type { Executor } from '../sandbox/executor.js';
import { chooseExecutor, type ExecutorChoice } from './executor.js';

/**
 * An exec worker: runs solutions in the sandbox. A GPU worker owns its GPUs and polls the GPU queue;
 * concurrency is the number of sandboxes at once (one per worker on a GPU).
 */
export async function createExecWorker(opts: {
  connection: NativeConnection;
  taskQueue?: string;
  /** Defaults to TEMPORAL_NAMESPACE, else "default". */
  namespace?: string;
  /** Defaults to the environment's (payload encryption when CRUCIBLE_PAYLOAD_KEYS is set): activity inputs and results are encoded too. */
  dataConverter?: DataConverter;
  /** State folder for artifacts and workspaces; defaults to CRUCIBLE_HOME or .crucible. */
  stateRoot?: string;
  maxConcurrent?: number;
  /** A ready executor, or how to choose one (default: Docker when an engine answers). */
  executor?: Executor | ExecutorChoice;
  /** Disk quota of each execution's workspace in bytes, null for none; default CRUCIBLE_WORKDIR_QUOTA, else 2 GiB. */
  workdirBytes?: number | null;
  /** Run solutions unisolated where a task's private answers are on this host; default CRUCIBLE_ALLOW_UNISOLATED (config/unisolated.ts). */
  allowUnisolated?: boolean;
}): Promise<Worker> {
  // The blob store comes from this worker's environment (CRUCIBLE_ARTIFACTS), never from a workflow.
  const store = openArtifactStore(process.env, artifactsDir(opts.stateRoot));
  const choice = opts.executor ?? { kind: 'auto' };
  const executor = 'execute' in choice ? choice : await chooseExecutor(choice);
  const gpus = 'execute' in choice ? [] : choice.gpus ?? [];
  await sweepWorkspaceMounts(workspacesDir(opts.stateRoot));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? temporalNamespace(),
    taskQueue: opts.taskQueue ?? (gpus.length > 0 ? EXEC_GPU_TASK_QUEUE : EXEC_CPU_TASK_QUEUE),
    dataConverter: opts.dataConverter ?? dataConverter(),
    activities: createExecActivities({
      store, executor, workspaces: workspacesDir(opts.stateRoot), dataCache: taskDataCacheDir(opts.stateRoot),
      workdirBytes: opts.workdirBytes === undefined ? workdirQuotaFromEnv() : opts.workdirBytes,
      allowUnisolated: opts.allowUnisolated ?? unisolatedAllowed(process.env),
    }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrent ?? 1,
  });
}

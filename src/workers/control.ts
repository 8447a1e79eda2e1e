import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createControlActivities } from '../activities/index.js';
import { openArtifactStore, openPrivateArtifactStore, type ArtifactStore } from '../artifacts/index.js';
import { CONTROL_TASK_QUEUE } from '../config/constants.js';
import { artifactsDir, benchmarksDir, privateArtifactsDir, publishIndexDir, runsDir, taskDataCacheDir, taskFilesCacheDir } from '../config/paths.js';
import { sharedDataRoots } from '../config/sharedData.js';
import { dataConverter, temporalNamespace } from '../config/temporalConnection.js';
import { apiKeyFromEnv } from '../config/llm.js';
import { offlineFaultRates } from '../config/offlineFaults.js';
import { OfflineBackend } from '../operators/offline/index.js';

/** The control worker: agent workflows, operator calls and hidden grading. */
export async function createControlWorker(opts: {
  connection: NativeConnection;
  workflowBundle: WorkflowBundleWithSourceMap;
  taskQueue?: string;
  /** Defaults to TEMPORAL_NAMESPACE, else "default". */
  namespace?: string;
  /** Defaults to the environment's (payload encryption when CRUCIBLE_PAYLOAD_KEYS is set); clients must use the same. */
  dataConverter?: DataConverter;
  /** State folder for artifacts and run folders; defaults to CRUCIBLE_HOME or .crucible. */
  stateRoot?: string;
  /** Defaults to the store this worker's environment names (CRUCIBLE_ARTIFACTS), never one from a workflow. */
  store?: ArtifactStore;
  /** The private store of task answers (CRUCIBLE_PRIVATE_ARTIFACTS, artifacts/index.ts); defaults to the environment's. */
  privateStore?: ArtifactStore;
  /** Defaults to CRUCIBLE_LLM_API_KEY or OPENAI_API_KEY of this process. */
  apiKey?: string | null;
  /**
   * Folders every exec worker sees at the same path: task data there is read in place, never copied.
   * Defaults to CRUCIBLE_SHARED_DATA, else none (exec workers may be on other machines).
   */
  sharedData?: readonly string[];
}): Promise<Worker> {
  const store = opts.store ?? openArtifactStore(process.env, artifactsDir(opts.stateRoot));
  const privateStore = opts.privateStore ?? openPrivateArtifactStore(process.env, privateArtifactsDir(opts.stateRoot), artifactsDir(opts.stateRoot));
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? temporalNamespace(),
    taskQueue: opts.taskQueue ?? CONTROL_TASK_QUEUE,
    workflowBundle: opts.workflowBundle,
    // The codec runs here, outside the workflow sandbox: activations are decoded before the workflow sees them.
    dataConverter: opts.dataConverter ?? dataConverter(),
    activities: createControlActivities({
      store, offline: new OfflineBackend(offlineFaultRates(process.env)), runsRoot: runsDir(opts.stateRoot), benchmarksRoot: benchmarksDir(opts.stateRoot),
      taskData: { shared: opts.sharedData ?? sharedDataRoots(process.env, []), indexDir: publishIndexDir(opts.stateRoot) },
      taskFiles: { privateStore, cacheRoot: taskFilesCacheDir(opts.stateRoot), dataCache: taskDataCacheDir(opts.stateRoot) },
      // The API key lives here only: read from this worker's environment, handed to the HTTP client.
      llm: { apiKey: opts.apiKey === undefined ? apiKeyFromEnv() : opts.apiKey },
    }),
  });
}

import type { ArtifactStore } from '../artifacts/store.js';
import type { OperatorBackend } from '../operators/types.js';
import type { WorkdirQuota } from '../sandbox/diskQuota.js';
import type { Executor } from '../sandbox/executor.js';
import { publishTaskData, type PublishOptions } from '../tasks/dataRef.js';
import { taskFilesReader, type TaskFilesDeps } from '../tasks/taskFiles.js';
import { makeArchive } from './archive.js';
import { makeWriteBenchResults } from './benchResults.js';
import { makeCrossValidate } from './crossValidate.js';
import { makeDescribeData } from './describeData.js';
import { makeExecute } from './execute.js';
import { makeGrade } from './grade.js';
import type { LlmDeps } from './llm.js';
import { makeAnalyze, makeOperate } from './operate.js';
import { makeWriteRunFolder } from './runFolder.js';

/** Activities of the control worker: operator calls (and their API key), hidden grading, the run's folder. */
export function createControlActivities(deps: {
  store: ArtifactStore; offline: OperatorBackend; llm: LlmDeps; runsRoot: string; benchmarksRoot: string;
  /** How the task's public data reaches exec workers, for runs whose client did not publish it (tasks/dataRef.ts). */
  taskData: PublishOptions;
  /** Where this worker reads the task files a run's client published (tasks/taskFiles.ts). */
  taskFiles: Omit<TaskFilesDeps, 'store'>;
}) {
  const taskOf = taskFilesReader({ store: deps.store, ...deps.taskFiles });
  return {
    operate: makeOperate({ ...deps, taskOf }),
    analyze: makeAnalyze({ ...deps, taskOf }),
    ...makeGrade(deps.store, taskOf),
    writeBenchResults: makeWriteBenchResults(deps.benchmarksRoot),
    writeRunFolder: makeWriteRunFolder(deps.store, deps.runsRoot),
    ...makeArchive(deps.runsRoot),
    /** The reference to the task's public data that the run's executions use, for a run whose client did not publish it. */
    publishTaskData: async (input: { publicDir: string }) => publishTaskData(deps.store, input.publicDir, deps.taskData),
  };
}

/** Activities of an exec worker: sandboxed execution (of solutions, and of the data overview script). */
export function createExecActivities(deps: {
  store: ArtifactStore; executor: Executor; workspaces: string; dataCache: string;
  /** Disk quota of each execution's workspace (src/sandbox/diskQuota.ts); none when absent or null. */
  workdirBytes?: WorkdirQuota;
  /** Run solutions unisolated even where the task's private answers are on this host (config/unisolated.ts). */
  allowUnisolated?: boolean;
}) {
  return { execute: makeExecute(deps), describeData: makeDescribeData(deps), crossValidate: makeCrossValidate(deps) };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
export type ExecActivities = ReturnType<typeof createExecActivities>;

import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { scriptedActivities, type ScriptedOptions } from './scripted.js';

/** A control worker and an exec worker serving the real workflow with scripted activities. */
export async function createScriptedWorkers(opts: ScriptedOptions & {
  connection: NativeConnection;
  workflowBundle: WorkflowBundleWithSourceMap;
  controlQueue: string;
  execQueue: string;
}): Promise<Worker[]> {
  const acts = scriptedActivities(opts);
  return [
    await Worker.create({ connection: opts.connection, taskQueue: opts.controlQueue, workflowBundle: opts.workflowBundle, activities: acts.control }),
    await Worker.create({ connection: opts.connection, taskQueue: opts.execQueue, activities: acts.exec, maxConcurrentActivityTaskExecutions: 8 }),
  ];
}

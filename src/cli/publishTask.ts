/**
 * The client that starts a run (crucible run, bench, fork) has the task's files, so it publishes them
 * before the run starts: the public data to the artifact store, the answers and other control files to
 * the private store (tasks/taskFiles.ts). The run then carries references only, and a control worker on
 * another machine grades from the store. Folders every worker sees at the same path are referenced in
 * place (CRUCIBLE_SHARED_DATA; unset: every path with the workers of this process, none without).
 */
import { openArtifactStore, openPrivateArtifactStore } from '../artifacts/index.js';
import { artifactsDir, privateArtifactsDir, publishIndexDir } from '../config/paths.js';
import { sharedDataRoots } from '../config/sharedData.js';
import { publishTask, type PublishedTask } from '../tasks/taskFiles.js';
import type { AgentRunInput } from '../workflows/types.js';

/**
 * The run inputs with their task files published; `embedded`: the workers run in this process. An
 * input that carries both references already (a fork of a run that had them) keeps them; each task is
 * published once, however many runs share it.
 */
export async function withPublishedTasks(inputs: readonly AgentRunInput[], embedded: boolean): Promise<AgentRunInput[]> {
  const stores = {
    store: openArtifactStore(process.env, artifactsDir()),
    privateStore: openPrivateArtifactStore(process.env, privateArtifactsDir(), artifactsDir()),
  };
  const options = { shared: sharedDataRoots(process.env, embedded ? ['/'] : []), indexDir: publishIndexDir() };
  const published = new Map<string, Promise<PublishedTask>>();
  return Promise.all(inputs.map(async (input) => {
    if (input.taskDataRef && input.taskFilesRef) return input;
    let refs = published.get(input.task.dir);
    if (refs === undefined) {
      refs = publishTask(stores, input.task, options);
      published.set(input.task.dir, refs);
    }
    return { ...input, ...(await refs) };
  }));
}

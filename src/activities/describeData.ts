import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Of, type ArtifactStore } from '../artifacts/store.js';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { projectRoot } from '../config/paths.js';
import { RUN_LABEL } from '../sandbox/labels.js';
import type { WorkdirQuota } from '../sandbox/diskQuota.js';
import type { Executor } from '../sandbox/executor.js';
import { publicDataDir } from '../tasks/dataRef.js';
import type { ArtifactRef } from '../core/artifact.js';
import { whileHeartbeating } from './heartbeat.js';
import type { DescribeDataInput } from './types.js';
import { inFreshWorkspace } from './workspace.js';

const SCRIPT = path.join(projectRoot, 'src', 'tasks', 'data_overview.py');
const TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * The task's data overview for LLM prompts (files, shapes, columns, types, heads), made once per task
 * data and script version by running src/tasks/data_overview.py in the sandbox, and cached: the text is
 * an artifact, and this worker remembers its reference next to the materialised data. Null when the
 * script fails (the prompts then fall back to a plain CSV summary; the run does not stop for it).
 */
export function makeDescribeData({ store, executor, workspaces, dataCache, workdirBytes = null }: {
  store: ArtifactStore; executor: Executor; workspaces: string; dataCache: string; workdirBytes?: WorkdirQuota;
}) {
  return async function describeData(input: DescribeDataInput): Promise<ArtifactRef | null> {
    const script = await readFile(SCRIPT, 'utf8');
    const cacheFile = path.join(dataCache, `${input.dataRef.sha256}.overview-${sha256Of(Buffer.from(script)).slice(0, 12)}.json`);
    const cached = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as ArtifactRef, () => null);
    if (cached && await store.get(cached).then(() => true, () => false)) return cached;
    const dataDir = await publicDataDir(store, input.dataRef, dataCache);
    const result = await inFreshWorkspace(workspaces, input.runId, 'data-overview', workdirBytes, (workDir) => whileHeartbeating(() => executor.execute({
      code: script, dataDir, workDir, timeoutMs: TIMEOUT_MS, maxOutputBytes: MAX_OUTPUT_BYTES, labels: { [RUN_LABEL]: input.runId },
    })));
    if (result.exitCode !== 0 || result.stdout.text.trim() === '') return null;
    const ref = await store.put(result.stdout.text);
    await writeFileAtomic(cacheFile, JSON.stringify(ref));
    return ref;
  };
}

/**
 * Where a run's model calls are kept: each call (prompt messages, completion, usage) is one artifact,
 * and an index per node and activity (runs/<run>/llm/node-<id>.<activity>.json) lists them in call
 * order. The node carries the same references. The index is written only when the activity succeeds,
 * so it holds the calls of the attempt whose result the run kept, which is what a re-drive must feed back.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { LlmFatalError } from '../operators/llm/errors.js';
import type { CallRecord } from '../operators/llm/recording.js';
import type { ArtifactRef } from '../core/artifact.js';

export type RecordedActivity = 'operate' | 'analyze';

interface RecordingIndex {
  runId: string;
  nodeId: number;
  activity: RecordedActivity;
  recordings: ArtifactRef[];
}

export function recordingIndexFile(runsRoot: string, runId: string, nodeId: number, activity: RecordedActivity): string {
  return path.join(runsRoot, runId, 'llm', `node-${nodeId}.${activity}.json`);
}

export async function storeRecordings(
  store: ArtifactStore, runsRoot: string, at: { runId: string; nodeId: number; activity: RecordedActivity }, records: CallRecord[],
): Promise<ArtifactRef[]> {
  const recordings = await Promise.all(records.map((r) => store.put(JSON.stringify(r))));
  const index: RecordingIndex = { ...at, recordings };
  await writeFileAtomic(recordingIndexFile(runsRoot, at.runId, at.nodeId, at.activity), JSON.stringify(index, null, 1));
  return recordings;
}

/** The calls a recorded run made for one node's activity, in order; a clear error when there are none. */
export async function loadRecordings(
  store: ArtifactStore, runsRoot: string, at: { runId: string; nodeId: number; activity: RecordedActivity },
): Promise<CallRecord[]> {
  const file = recordingIndexFile(runsRoot, at.runId, at.nodeId, at.activity);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) {
    throw new LlmFatalError(`replay: run ${at.runId} has no recorded ${at.activity} calls for node ${at.nodeId} (${file} is missing); the re-drive has gone past the recorded run or it was recorded on another control worker`);
  }
  const index = JSON.parse(text) as RecordingIndex;
  return Promise.all(index.recordings.map(async (ref) => JSON.parse(await store.getText(ref)) as CallRecord));
}

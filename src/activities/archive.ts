import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeRecord } from '../core/node.js';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';

/** Where a run keeps the full records of nodes archived at continue-as-new (workflows/carry.ts). */
export function nodeFile(runsRoot: string, runId: string, nodeId: number): string {
  return path.join(runsRoot, runId, 'nodes', `${nodeId}.json`);
}

export async function readArchivedNode(runsRoot: string, runId: string, nodeId: number): Promise<NodeRecord> {
  const file = nodeFile(runsRoot, runId, nodeId);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`archived node ${nodeId} of run ${runId} is missing (${file})`);
  });
  return JSON.parse(text) as NodeRecord;
}

export function makeArchive(runsRoot: string) {
  return {
    /** Writes each node's full record atomically; rewriting the same node is harmless (retries). */
    async archiveNodes(input: { runId: string; nodes: NodeRecord[] }): Promise<void> {
      if (input.nodes.length === 0) return;
      await Promise.all(input.nodes.map((n) => writeFileAtomic(nodeFile(runsRoot, input.runId, n.id), JSON.stringify(n))));
    },
    async loadNodes(input: { runId: string; ids: number[] }): Promise<NodeRecord[]> {
      return Promise.all(input.ids.map((id) => readArchivedNode(runsRoot, input.runId, id)));
    },
  };
}

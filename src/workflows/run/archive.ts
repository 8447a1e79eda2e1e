/** Archiving at continue-as-new: full records go to the run's archive, compact ones stay in the graph (carry.ts). */
import * as wf from '@temporalio/workflow';
import { fullRecord } from '../../core/node.js';
import type { SolutionGraph } from '../../search/graph.js';
import { controlWorker } from '../action.js';
import { ARCHIVE_CHUNK, compactNode } from '../carry.js';

/** Archives the full records of the committed nodes from `from` on and compacts them in the graph; returns the new boundary. */
export async function archiveCommitted(graph: SolutionGraph, from: number): Promise<number> {
  const runId = wf.workflowInfo().workflowId;
  const upTo = graph.nodes.length;
  for (let start = from; start < upTo; start += ARCHIVE_CHUNK) {
    const end = Math.min(upTo, start + ARCHIVE_CHUNK);
    await controlWorker.archiveNodes.executeWithOptions({ summary: `archive nodes #${start}–#${end - 1}` }, [{ runId, nodes: graph.nodes.slice(start, end).map(fullRecord) }]);
  }
  for (let id = from; id < upTo; id++) graph.nodes[id] = compactNode(graph.nodes[id]!);
  return upTo;
}

/**
 * What `export` and `fork` read about an existing run: its node records and its input. Node records come
 * from the run folder's graph.json once the run has reported; while it runs, from the `nodes` query, with
 * the nodes archived at continue-as-new (compact in the live graph) read back from runs/<run>/nodes/.
 */
import { Client, WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readArchivedNode } from '../activities/archive.js';
import { connectTemporalClient, decodeHistoryPayload } from '../config/temporalConnection.js';
import { isArchived, type NodeRecord } from '../core/node.js';
import { nodesQuery, type agentRun } from '../workflows/index.js';
import type { AgentRunInput } from '../workflows/types.js';
import { UsageError } from './runInput.js';

/**
 * A client on the configured cluster: address, namespace, TLS, API key and payload encryption from the
 * environment (config/temporalConnection.ts); a clear error naming the address (and TLS) when none answers.
 */
export function connectClient(): Promise<Client> {
  return connectTemporalClient({ connectTimeout: 5000 });
}

/** gRPC status NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

/** Rethrows "no such workflow" (also as fetchHistory reports it: a gRPC NOT_FOUND) as bad input (exit code 2). */
export function noSuchRun(runId: string): (err: unknown) => never {
  return (err: unknown) => {
    const notFound = err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND)
      || (isGrpcServiceError((err as { cause?: unknown }).cause) && (err as { cause: { code: number } }).cause.code === GRPC_NOT_FOUND);
    if (notFound) throw new UsageError(`no run "${runId}": list runs with \`crucible ls\``);
    throw err;
  };
}

export interface RunNodes {
  /** Every committed node, the root first (nodes[i].id === i). */
  nodes: NodeRecord[];
  /** Where they came from. */
  source: 'graph.json' | 'nodes query';
}

const exists = (file: string) => readFile(file).then(() => true, () => false);

/** The full records of a run's nodes, root included. */
export async function loadRunNodes(client: Client, runId: string, runsRoot: string): Promise<RunNodes> {
  const graphFile = path.join(runsRoot, runId, 'graph.json');
  if (await exists(graphFile)) {
    const graph = JSON.parse(await readFile(graphFile, 'utf8')) as { nodes: NodeRecord[] };
    return { nodes: graph.nodes, source: 'graph.json' };
  }
  const handle = client.workflow.getHandle<typeof agentRun>(runId);
  const live = await handle.query(nodesQuery, 0).catch(noSuchRun(runId));
  // Archived nodes are compact in the live graph; their full records are in the run folder.
  const full = await Promise.all(live.map((n) => (isArchived(n) ? readArchivedNode(runsRoot, runId, n.id) : n)));
  const root = await readFile(path.join(runsRoot, runId, 'nodes', '0.json'), 'utf8').then((t) => JSON.parse(t) as NodeRecord, () => null);
  return { nodes: [root ?? rootRecord(), ...full.filter((n) => n.id > 0)], source: 'nodes query' };
}

function rootRecord(): NodeRecord {
  return {
    id: 0, parents: [], operator: 'root', plan: '', codeRef: null, score: null, buggy: false, bugReason: null, debugDepth: 0,
    testScore: null, exec: null, createdAt: 0, llm: null, hintIds: [],
  };
}

/** The input the run's latest execution started with (its first event; only that page is fetched). */
export async function runInputOf(client: Client, runId: string): Promise<AgentRunInput> {
  const page = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace, execution: { workflowId: runId }, maximumPageSize: 1,
  }).catch(noSuchRun(runId));
  const payload = page.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new UsageError(`run "${runId}" has no input in its history`);
  // Through the client's codecs: the history is encrypted when CRUCIBLE_PAYLOAD_KEYS is set.
  return decodeHistoryPayload<AgentRunInput>(payload, client.options.loadedDataConverter);
}

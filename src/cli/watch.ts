/**
 * `crucible watch <run>`, and the live view of `crucible run`: polls the run's `status` and `nodes`
 * queries, prints each finished node once and a progress line, until the workflow ends. A finished
 * run's nodes come from its report folder (graph.json).
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import type { GraphNode, NodeRecord } from '../core/node.js';
import { nodesQuery, statusQuery, type agentRun } from '../workflows/index.js';
import type { RunStatus } from '../workflows/types.js';
import type { RunSummary } from '../core/run.js';
import { formatNodeLine, formatProgress, formatSummary } from './format.js';
import { COMMAND_HELP } from './help.js';
import { connectClient, noSuchRun } from './runNodes.js';
import { UsageError } from './runInput.js';

export interface WatchOptions {
  /** NDJSON events instead of text. */
  json: boolean;
  intervalMs: number;
  /** Redraw the progress line in place (a terminal); otherwise print it whenever it changes. */
  tty: boolean;
  write: (text: string) => void;
}

/** How a followed run ended: its summary, or the failure's own message (not "Workflow execution failed"). */
export type WatchOutcome = { ok: true; summary: RunSummary } | { ok: false; message: string };

/** Follows a run to its end, printing nodes and progress; never throws for a run that failed. */
export async function followRun(client: Client, runId: string, o: WatchOptions): Promise<WatchOutcome> {
  const handle = client.workflow.getHandle<typeof agentRun>(runId);
  const desc = await handle.describe().catch(noSuchRun(runId));
  // A closed run is not polled: a query on it needs a worker to replay it.
  let done = desc.status.name !== 'RUNNING';
  const result = handle.result().finally(() => { done = true; });
  let seen = 1; // node 0 is the root
  let startedAt: number | null = null;
  let lastLine = '';
  let progressShown = false;
  const emit = (event: Record<string, unknown>) => o.write(`${JSON.stringify(event)}\n`);
  const clearProgress = () => {
    if (o.tty && progressShown) o.write('\r\x1b[K');
    progressShown = false;
  };
  const printNodes = (nodes: readonly GraphNode[]) => {
    if (nodes.length > 0) clearProgress();
    for (const n of nodes) {
      if (o.json) emit({ type: 'node', ...n });
      else o.write(`${formatNodeLine(n, startedAt ?? n.createdAt)}\n`);
    }
    seen += nodes.length;
  };
  const printStatus = (s: RunStatus) => {
    const line = formatProgress(s, Date.now());
    if (o.json) {
      // The bar's clock moves every poll; an event is worth printing when anything else changed.
      const key = JSON.stringify({ ...s, used: undefined, left: undefined });
      if (key !== lastLine) emit({ type: 'status', ...s });
      lastLine = key;
    } else if (o.tty) {
      o.write(`\r\x1b[K${line}`);
      progressShown = true;
    } else if (line.replace(/^\[[#-]*\] \S+/, '') !== lastLine) {
      o.write(`${line}\n`);
      lastLine = line.replace(/^\[[#-]*\] \S+/, '');
    }
  };

  while (!done) {
    const [status, nodes] = await Promise.all([
      handle.query(statusQuery).catch(() => null),
      handle.query(nodesQuery, seen).catch(() => [] as GraphNode[]),
    ]);
    if (status) startedAt ??= status.startedAt;
    printNodes(nodes);
    if (status) printStatus(status);
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, o.intervalMs))]);
  }
  clearProgress();
  let summary: RunSummary;
  try {
    summary = await result;
  } catch (err) {
    const message = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    if (o.json) emit({ type: 'failed', runId, message });
    return { ok: false, message: `run ${runId} failed: ${message}` };
  }
  // Nodes committed after the last poll (or all of them, for a run that had already finished).
  const graph = JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
  startedAt ??= graph.nodes[0]?.createdAt ?? null;
  printNodes(graph.nodes.slice(seen));
  if (o.json) emit({ type: 'summary', ...summary });
  return { ok: true, summary };
}

export function watchOptions(json: boolean, interval = '1s'): WatchOptions {
  let intervalMs: number;
  try {
    intervalMs = parseDuration(interval);
  } catch (err) {
    throw new UsageError(`--interval: ${(err as Error).message}`);
  }
  if (intervalMs < 100) throw new UsageError(`--interval must be at least 100ms (got "${interval}")`);
  return { json, intervalMs, tty: !json && process.stdout.isTTY === true, write: (t) => process.stdout.write(t) };
}

export async function cmdWatch(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, interval: { type: 'string', default: '1s' } },
  });
  if (positionals.length !== 1) throw new UsageError(COMMAND_HELP.watch!);
  const options = watchOptions(values.json, values.interval);
  const client = await connectClient();
  try {
    const outcome = await followRun(client, positionals[0]!, options);
    if (!outcome.ok) {
      if (!values.json) console.error(`crucible: ${outcome.message}`);
      return 1;
    }
    if (!values.json) console.log(formatSummary(outcome.summary, null));
    return 0;
  } finally {
    await client.connection.close();
  }
}

/**
 * `crucible watch <run>`, and the live view of `crucible run`: polls the run's `status` and `nodes`
 * queries, prints each finished node once and a progress line, until the workflow ends. A finished
 * run's nodes come from its report folder (graph.json).
 */
import { WorkflowFailedError, type Client, type Connection, type WorkflowHandle } from '@temporalio/client';
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
import { reportOfRun } from './report.js';
import { isServerUnreachable } from '../config/serverReachable.js';
import { describeUnserved, idleAfterMs, unservedNeeds, workersNeeded, type WorkerNeed } from './liveness.js';
import { connectClient, noSuchRun, runInputOf } from './runNodes.js';
import { UsageError } from './runInput.js';

export interface WatchOptions {
  /** NDJSON events instead of text. */
  json: boolean;
  intervalMs: number;
  /** Redraw the progress line in place (a terminal); otherwise print it whenever it changes. */
  tty: boolean;
  write: (text: string) => void;
  /** Say when no worker serves the run, and what to start (not for `crucible run`, whose workers are its own). */
  checkWorkers: boolean;
}

/** How a followed run ended: its summary, or the failure's own message (not "Workflow execution failed"). */
export type WatchOutcome = { ok: true; summary: RunSummary } | { ok: false; message: string };

/** How often a follower asks whether workers still poll the run's queues. */
const WORKER_CHECK_EVERY_MS = 15_000;
/** Backoff between attempts to wait for the result while the server does not answer. */
const RECONNECT_BACKOFF_MS = { first: 1000, max: 10_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The run's result, waited for across server restarts: while the server does not answer, the wait is
 * retried with backoff (the run lives on the server and its workers, not in this process); any other
 * error is the run's own.
 */
async function resultAcrossOutages(handle: WorkflowHandle<typeof agentRun>, link: ServerLink): Promise<RunSummary> {
  for (let delayMs = RECONNECT_BACKOFF_MS.first; ; delayMs = Math.min(2 * delayMs, RECONNECT_BACKOFF_MS.max)) {
    try {
      return await handle.result();
    } catch (err) {
      if (!isServerUnreachable(err)) throw err;
      link.lost(err);
      await sleep(delayMs);
    }
  }
}

/** Tracks whether the server answers, and says so once when it stops and once when it is back. */
class ServerLink {
  private lostAt: number | null = null;
  constructor(private readonly say: (event: 'lost' | 'back', text: string) => void, private readonly address: string) {}

  lost(err: unknown): void {
    if (this.lostAt !== null) return;
    this.lostAt = Date.now();
    const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    const cause = message.split('\n')[0]!.replace(/\.? ?Resolution note:.*$/, '');
    this.say('lost', `the Temporal server at ${this.address} does not answer (${cause}); reconnecting with backoff. The run is kept by the server and its workers`);
  }

  answered(): void {
    if (this.lostAt === null) return;
    this.say('back', `reconnected to the Temporal server after ${Math.round((Date.now() - this.lostAt) / 1000)} s`);
    this.lostAt = null;
  }
}

/** Follows a run to its end, printing nodes and progress; never throws for a run that failed. */
export async function followRun(client: Client, runId: string, o: WatchOptions): Promise<WatchOutcome> {
  const handle = client.workflow.getHandle<typeof agentRun>(runId);
  const desc = await handle.describe().catch(noSuchRun(runId));
  let seen = 1; // node 0 is the root
  let startedAt: number | null = null;
  let lastLine = '';
  let progressShown = false;
  const emit = (event: Record<string, unknown>) => o.write(`${JSON.stringify(event)}\n`);
  const clearProgress = () => {
    if (o.tty && progressShown) o.write('\r\x1b[K');
    progressShown = false;
  };
  const note = (type: string, text: string) => {
    clearProgress();
    if (o.json) emit({ type, message: text });
    else o.write(`${text}\n`);
  };
  const link = new ServerLink((event, text) => note(`server-${event}`, text), (client.connection as Connection).options?.address ?? 'its address');
  // A closed run is not polled: a query on it needs a worker to replay it.
  let done = desc.status.name !== 'RUNNING';
  const result = resultAcrossOutages(handle, link).finally(() => { done = true; });
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
  const workers = o.checkWorkers && !done ? new WorkerWatch(client, runId, note) : null;

  while (!done) {
    const [status, nodes] = await Promise.all([
      handle.query(statusQuery).then((s) => { link.answered(); return s; }, (err: unknown) => {
        if (isServerUnreachable(err)) link.lost(err);
        return null;
      }),
      handle.query(nodesQuery, seen).catch(() => [] as GraphNode[]),
    ]);
    if (status) startedAt ??= status.startedAt;
    printNodes(nodes);
    if (status) printStatus(status);
    await workers?.check(status);
    await Promise.race([result.catch(() => undefined), sleep(o.intervalMs)]);
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
  link.answered();
  // Nodes committed after the last poll (or all of them, for a run that had already finished): from the
  // run folder where this machine sees it (the control worker's), else from the closed run's query.
  const nodes = await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { nodes: NodeRecord[] }).nodes, () => handle.query(nodesQuery, 0).catch(() => [] as GraphNode[]));
  startedAt ??= nodes[0]?.createdAt ?? null;
  printNodes(nodes.filter((n) => n.id >= seen));
  if (o.json) emit({ type: 'summary', ...summary });
  return { ok: true, summary };
}

/**
 * Every WORKER_CHECK_EVERY_MS, whether workers poll the run's queues: a line when none has for a while
 * (with what to start), and one when they are back. Skipped while the run is paused or unreachable.
 */
class WorkerWatch {
  private lastCheck = 0;
  private unserved = false;
  private needs: WorkerNeed[] | null = null;
  private readonly idleMs = idleAfterMs();

  constructor(private readonly client: Client, private readonly runId: string, private readonly note: (type: string, text: string) => void) {}

  async check(status: RunStatus | null): Promise<void> {
    if (Date.now() - this.lastCheck < WORKER_CHECK_EVERY_MS) return;
    this.lastCheck = Date.now();
    try {
      this.needs ??= workersNeeded((await runInputOf(this.client, this.runId)).execTaskQueue);
      const missing = await unservedNeeds(this.client, this.needs, Date.now(), this.idleMs);
      // A run that answered its status query has a control worker, whatever the poll times say.
      const unserved = missing.filter((n) => !(status !== null && n.role === 'control'));
      if (unserved.length > 0 && !this.unserved) this.note('workers-missing', describeUnserved(this.runId, unserved));
      if (unserved.length === 0 && this.unserved) this.note('workers-back', `workers serve run ${this.runId} again`);
      this.unserved = unserved.length > 0;
    } catch (err) {
      if (!isServerUnreachable(err)) throw err;
    }
  }
}

export function watchOptions(json: boolean, interval = '1s'): WatchOptions {
  let intervalMs: number;
  try {
    intervalMs = parseDuration(interval);
  } catch (err) {
    throw new UsageError(`--interval: ${(err as Error).message}`);
  }
  if (intervalMs < 100) throw new UsageError(`--interval must be at least 100ms (got "${interval}")`);
  return { json, intervalMs, tty: !json && process.stdout.isTTY === true, write: (t) => process.stdout.write(t), checkWorkers: true };
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
    if (!values.json) console.log(`${formatSummary(outcome.summary, null)}\n${reportOfRun(outcome.summary).line}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

/**
 * `crucible ls` and `crucible show`: what runs exist and what one run looks like. `ls` reads Temporal's
 * visibility store (the Crucible search attributes), so it answers from any machine that reaches the
 * cluster; `show` reads the run's nodes (its run folder, or the live `nodes` query).
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import { runsDir } from '../config/paths.js';
import { statusQuery, type agentRun } from '../workflows/index.js';
import {
  CrucibleAgent, CrucibleBestScore, CrucibleCostUsd, CrucibleNodes, CruciblePolicy, CrucibleSeed, CrucibleTask, CrucibleTokens,
} from '../workflows/searchAttributes.js';
import type { RunStatus } from '../workflows/types.js';
import type { RunSummary } from '../core/run.js';
import { formatSummary, formatTree } from './format.js';
import { COMMAND_HELP } from './help.js';
import { idleAfterMs, unservedNeeds, workersNeeded } from './liveness.js';
import { connectClient, loadRunNodes, noSuchRun, runInputOf } from './runNodes.js';
import { UsageError } from './runInput.js';

/** `--status` words and Temporal's ExecutionStatus names. */
const STATUSES: Record<string, string> = {
  running: 'Running', completed: 'Completed', failed: 'Failed', terminated: 'Terminated',
  canceled: 'Canceled', cancelled: 'Canceled', 'timed-out': 'TimedOut',
};

export interface ListFilters {
  task?: string;
  agent?: string;
  policy?: string;
  status?: string;
  minScore?: string;
  maxScore?: string;
  since?: string;
  query?: string;
}

/** Keyword values go inside quotes in the query: only the characters ids and names use. */
function keyword(flag: string, value: string): string {
  if (!/^[\w.:-]+$/.test(value)) throw new UsageError(`--${flag} "${value}": expected letters, digits, '.', ':', '_' or '-'`);
  return `'${value}'`;
}

function number(flag: string, value: string): string {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number (got "${value}")`);
  return String(n);
}

/**
 * The visibility query for `crucible ls`. Executions closed by continue-as-new are left out: a run is one
 * row, its latest execution.
 */
export function listQuery(f: ListFilters, now = Date.now()): string {
  const clauses = [`WorkflowType = 'agentRun'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (f.task !== undefined) clauses.push(`CrucibleTask = ${keyword('task', f.task)}`);
  if (f.agent !== undefined) clauses.push(`CrucibleAgent = ${keyword('agent', f.agent)}`);
  if (f.policy !== undefined) clauses.push(`CruciblePolicy = ${keyword('policy', f.policy)}`);
  if (f.status !== undefined) {
    const status = STATUSES[f.status.toLowerCase()];
    if (!status) throw new UsageError(`--status "${f.status}": expected one of ${Object.keys(STATUSES).join(', ')}`);
    clauses.push(`ExecutionStatus = '${status}'`);
  }
  if (f.minScore !== undefined) clauses.push(`CrucibleBestScore >= ${number('min-score', f.minScore)}`);
  if (f.maxScore !== undefined) clauses.push(`CrucibleBestScore <= ${number('max-score', f.maxScore)}`);
  if (f.since !== undefined) {
    let ms: number;
    try {
      ms = parseDuration(f.since);
    } catch (err) {
      throw new UsageError(`--since: ${(err as Error).message}`);
    }
    clauses.push(`StartTime > '${new Date(now - ms).toISOString()}'`);
  }
  if (f.query !== undefined) {
    if (f.query.trim() === '') throw new UsageError('--query is empty');
    clauses.push(`(${f.query})`);
  }
  return clauses.join(' AND ');
}

export interface RunRow {
  runId: string;
  status: string;
  task: string | null;
  agent: string | null;
  policy: string | null;
  seed: number | null;
  nodes: number;
  bestScore: number | null;
  tokens: number;
  costUsd: number;
  startTime: string;
  closeTime: string | null;
  /** For a running run: the workers nobody serves (see liveness.ts), empty when all are polling. */
  missingWorkers?: string[];
}

function rowOf(wf: WorkflowExecutionInfo): RunRow {
  const sa = wf.typedSearchAttributes;
  return {
    runId: wf.workflowId, status: wf.status.name.toLowerCase(),
    task: sa.get(CrucibleTask) ?? null, agent: sa.get(CrucibleAgent) ?? null, policy: sa.get(CruciblePolicy) ?? null,
    seed: sa.get(CrucibleSeed) ?? null, nodes: sa.get(CrucibleNodes) ?? 0, bestScore: sa.get(CrucibleBestScore) ?? null,
    tokens: sa.get(CrucibleTokens) ?? 0, costUsd: sa.get(CrucibleCostUsd) ?? 0,
    startTime: wf.startTime.toISOString(), closeTime: wf.closeTime?.toISOString() ?? null,
  };
}

export async function listRuns(client: Client, query: string, limit: number): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  try {
    for await (const wf of client.workflow.list({ query })) {
      if (rows.length >= limit) break;
      rows.push(rowOf(wf));
    }
  } catch (err) {
    // The server's parser names the problem in a raw --query; nothing was listed.
    if (/invalid query|unknown|not defined|syntax/i.test((err as Error).message)) throw new UsageError(`the query was refused: ${(err as Error).message}`);
    throw err;
  }
  return rows;
}

/**
 * Marks each running row with the workers that have not polled its queues for a while: a run nobody
 * works on looks "running" forever otherwise. One lookup per distinct queue.
 */
export async function markUnserved(client: Client, rows: RunRow[], now = Date.now()): Promise<void> {
  const idleMs = idleAfterMs();
  const byQueue = new Map<string, Promise<string[]>>();
  await Promise.all(rows.filter((r) => r.status === 'running').map(async (r) => {
    const { execTaskQueue } = await runInputOf(client, r.runId);
    if (!byQueue.has(execTaskQueue)) {
      byQueue.set(execTaskQueue, unservedNeeds(client, workersNeeded(execTaskQueue), now, idleMs).then((u) => u.map((n) => n.role)));
    }
    r.missingWorkers = await byQueue.get(execTaskQueue)!;
  }));
}

export function formatRunRow(r: RunRow): string {
  return [
    r.runId, r.status.padEnd(10), (r.task ?? '').padEnd(16), (r.agent ?? '').padEnd(12),
    `nodes ${String(r.nodes).padStart(4)}`, `best ${r.bestScore === null ? '—'.padEnd(7) : r.bestScore.toFixed(5)}`,
    ...(r.costUsd > 0 ? [`$${r.costUsd.toFixed(4)}`] : []),
    r.startTime,
    ...(r.missingWorkers?.length ? [`NO ${r.missingWorkers.join('+').toUpperCase()} WORKER`] : []),
  ].join('  ');
}

/** What to start for the rows that no worker serves, or null when every running row is served. */
export function unservedHint(rows: readonly RunRow[]): string | null {
  const stuck = rows.filter((r) => r.missingWorkers?.length);
  if (stuck.length === 0) return null;
  return `${stuck.length} running run${stuck.length > 1 ? 's have' : ' has'} had no worker poll for ${Math.round(idleAfterMs() / 1000)} s: `
    + `\`crucible attach <run>\` starts workers for one run in this process; \`crucible-worker --role all\` serves every run on the cluster.`;
}

export async function cmdLs(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      task: { type: 'string' }, agent: { type: 'string' }, policy: { type: 'string' }, status: { type: 'string' },
      'min-score': { type: 'string' }, 'max-score': { type: 'string' }, since: { type: 'string' }, query: { type: 'string' },
      limit: { type: 'string', default: '50' }, json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(COMMAND_HELP.ls!);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer (got "${values.limit}")`);
  const query = listQuery({
    task: values.task, agent: values.agent, policy: values.policy, status: values.status,
    minScore: values['min-score'], maxScore: values['max-score'], since: values.since, query: values.query,
  });
  const client = await connectClient();
  try {
    const rows = await listRuns(client, query, limit);
    await markUnserved(client, rows);
    const hint = unservedHint(rows);
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length > 0) console.log([...rows.map(formatRunRow), ...(hint ? [hint] : [])].join('\n'));
    else console.log(args.length > 0 ? 'No run matches.' : 'No runs yet: start one with `crucible run --task breast-cancer`.');
    return 0;
  } finally {
    await client.connection.close();
  }
}

export async function cmdShow(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new UsageError(COMMAND_HELP.show!);
  const runId = positionals[0]!;
  const client = await connectClient();
  try {
    const handle = client.workflow.getHandle<typeof agentRun>(runId);
    const desc = await handle.describe().catch(noSuchRun(runId));
    const running = desc.status.name === 'RUNNING';
    const status: RunStatus | null = running ? await handle.query(statusQuery) : null;
    const summary: RunSummary | null = desc.status.name === 'COMPLETED' ? await handle.result() : null;
    // A run that failed before writing its report has no nodes to show.
    const { nodes } = running || summary ? await loadRunNodes(client, runId, runsDir()) : { nodes: [] };
    if (values.json) {
      console.log(JSON.stringify({ runId, status: desc.status.name.toLowerCase(), startTime: desc.startTime.toISOString(), runStatus: status, summary, nodes }, null, 2));
      return 0;
    }
    console.log(`${runId}: ${desc.status.name.toLowerCase()}, started ${desc.startTime.toISOString()}`);
    if (nodes.length > 0) console.log(formatTree(nodes));
    if (status) console.log(`${status.nodes} nodes (${status.inFlight} running), best ${status.bestScore ?? '—'}${status.paused ? ', paused' : ''}`);
    if (summary) console.log(formatSummary(summary, null));
    return 0;
  } finally {
    await client.connection.close();
  }
}

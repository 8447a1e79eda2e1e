/**
 * `crucible report`: the command's arguments and where its inputs are (a run folder and the run's budget,
 * or a benchmark folder); the pages themselves are built in src/reports/.
 */
import type { Client } from '@temporalio/client';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openArtifactStore } from '../artifacts/index.js';
import { connectTemporalClient, decodeHistoryPayload } from '../config/temporalConnection.js';
import { artifactsDir, benchmarksDir, runsDir } from '../config/paths.js';
import { writeBenchReport } from '../reports/benchReport.js';
import { writeRunReport } from '../reports/runReport.js';
import type { AgentRunInput } from '../workflows/types.js';
import type { RunBudget, RunSummary } from '../core/run.js';
import { UsageError } from './runInput.js';

export const REPORT_USAGE = `usage: crucible report <run|run folder> [--out file.html] [--json]
       crucible report --bench <benchmark|benchmark folder> [--out file.html] [--json]

Writes one self-contained HTML page (no network needed to view it) for a finished run: the search graph,
score over time, per-node details (plan, code, outputs), the budget and the final selection.
Default output: <run folder>/report.html.
With --bench: a benchmark's page from its results.json: per-task, overall and per-run tables, medal-rate
charts and validation vs hidden test per run. Default output: <benchmark folder>/report.html.
--json prints {"report": "<path>", ...} instead of the text line.
Exit codes: 0 written, 1 failure, 2 bad input.

Examples:
  crucible report bench-20261127-112325-jyij--wine--aira-mcts--s2
  crucible report .crucible/runs/<run> --out /tmp/run.html
  crucible report --bench bench-20261127-112325-jyij`;

/** \`crucible report\`. */
export async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      out: { type: 'string' }, bench: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(REPORT_USAGE);
    return 0;
  }
  if (values.bench !== undefined) {
    if (positionals.length > 0) throw new UsageError(`--bench takes no run argument (got "${positionals.join(' ')}")\n\n${REPORT_USAGE}`);
    const benchDir = resolveBenchDir(values.bench, benchmarksDir());
    const out = await writeBenchReport({ benchDir, out: values.out });
    console.log(values.json ? JSON.stringify({ report: out, benchDir }) : `Report: ${out}`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(REPORT_USAGE);
  let runDir: string;
  try {
    runDir = resolveRunDir(positionals[0]!, runsDir());
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // The state folder holding this run folder (<state>/runs/<run>) holds its artifacts.
  const store = openArtifactStore(process.env, artifactsDir(path.dirname(path.dirname(runDir))));
  const budget = await budgetFromServer(path.basename(runDir));
  const out = await writeRunReport({ runDir, store, out: values.out, budget });
  console.log(values.json ? JSON.stringify({ report: out, runDir, budgetKnown: budget !== null }) : `Report: ${out}`);
  return 0;
}

/**
 * After a run followed to its end: where its page is (the run writes report.html itself, in
 * writeRunFolder), or a warning with the command that writes it.
 */
export function reportOfRun(summary: Pick<RunSummary, 'runId' | 'runDir'>): { path: string | null; line: string } {
  const file = path.join(summary.runDir, 'report.html');
  if (existsSync(file)) return { path: file, line: `Report: ${file}` };
  // A client of a remote cluster: the run folder is the control worker's.
  if (!existsSync(summary.runDir)) return { path: null, line: `Report: ${file} on the control worker's machine (the run writes it there)` };
  return { path: null, line: `warning: the run wrote no report.html in ${summary.runDir} (the control worker's log says why); try \`crucible report ${summary.runId}\`` };
}

/** A run id (under `runsRoot`) or a run folder, to the folder; throws when it has no graph.json. */
export function resolveRunDir(run: string, runsRoot: string): string {
  const candidates = [path.resolve(run), path.join(runsRoot, run)];
  const dir = candidates.find((d) => existsSync(path.join(d, 'graph.json')) && existsSync(path.join(d, 'summary.json')));
  if (!dir) throw new Error(`no finished run "${run}": expected graph.json and summary.json in ${path.join(runsRoot, run)}`);
  return dir;
}

/** A benchmark id (under `benchmarksRoot`) or a benchmark folder, to the folder; a UsageError when it has no results.json. */
export function resolveBenchDir(bench: string, benchmarksRoot: string): string {
  const candidates = [path.join(benchmarksRoot, bench), path.resolve(bench)];
  const dir = candidates.find((d) => existsSync(path.join(d, 'results.json')));
  if (dir) return dir;
  let known: string[] = [];
  try {
    known = readdirSync(benchmarksRoot).filter((d) => existsSync(path.join(benchmarksRoot, d, 'results.json'))).sort();
  } catch { /* no benchmarks folder yet */ }
  const hint = known.length === 0 ? 'no benchmark there has results yet'
    : `known: ${known.slice(-5).join(', ')}${known.length > 5 ? ` (and ${known.length - 5} more)` : ''}`;
  throw new UsageError(`no benchmark "${bench}" in ${benchmarksRoot}: expected ${path.join(benchmarksRoot, bench, 'results.json')} (${hint})`);
}

/** The run's budget: the status query while workers serve it, else the input in its history; null when neither answers. */
export async function budgetOf(client: Client, runId: string): Promise<RunBudget | null> {
  const handle = client.workflow.getHandle(runId);
  const timeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), 3000).unref())]);
  const status = await timeout(handle.query<{ budget: RunBudget }>('status')).catch(() => null);
  if (status?.budget) return status.budget;
  const history = await timeout(handle.fetchHistory()).catch(() => null);
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return null;
  try {
    return (await decodeHistoryPayload<AgentRunInput>(payload, client.options.loadedDataConverter)).budget ?? null;
  } catch {
    return null;
  }
}

/** The budget from the Temporal server, if one answers quickly; null otherwise (the report says so). */
async function budgetFromServer(runId: string): Promise<RunBudget | null> {
  const client = await connectTemporalClient({ connectTimeout: 2000 }).catch(() => null);
  if (!client) return null;
  try {
    return await budgetOf(client, runId);
  } finally {
    await client.connection.close();
  }
}

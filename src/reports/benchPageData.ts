/**
 * The benchmark report's data (pure), what its page script (assets/bench-page.js) reads from #bench-data:
 * tables as formatted cells, chart series as numbers.
 */
import type { BenchResultsFile } from './benchResults.js';
import { benchmarkTable, estimateText, percentText, type BenchmarkRunResult, type Estimate, type TableRow } from './benchTable.js';

/** A table cell: text, optionally with a CSS class (medal colours, failed runs). */
export type Cell = string | { text: string; cls: string };
export interface PageTable { head: string[]; rows: Cell[][] }
/** Bars: one group per x label, one bar per agent (value in %, null where the agent has no runs). */
export interface BarChart { groups: string[]; agents: string[]; values: (number | null)[][] }
export interface ScatterChart { task: string; metric: string; points: { agent: string; runId: string; validation: number; test: number }[] }

/** Everything the page's script reads from #bench-data. */
export interface BenchPageData {
  benchmarkId: string;
  facts: string[];
  strategies: string[];
  tables: { overall: PageTable; tasks: PageTable; runs: PageTable };
  charts: { medals: BarChart; selection: BarChart; scatter: ScatterChart[]; unscoredTasks: string[] };
}

const pct = (e: Estimate | undefined): string => (e === undefined || e.n === 0 ? '—' : percentText(e));
const score = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(5))));
const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The page's data from a benchmark's results. */
export function benchPageData(results: BenchResultsFile): BenchPageData {
  const runs = results.runs;
  const table = results.table ?? benchmarkTable(runs);
  const agents = unique([...table.map((r) => r.agent), ...runs.map((r) => r.agent)]);
  const tasks = unique([...table.filter((r) => r.task !== 'all').map((r) => r.task), ...runs.map((r) => r.task)]);
  const strategies = Object.keys(table[0]?.selectionAnyMedal ?? {});
  const metricOf = (task: string) => runs.find((r) => r.task === task)?.metric ?? '—';
  const rowOf = (agent: string, task: string) => table.find((r) => r.agent === agent && r.task === task);
  const rates = (r: TableRow) => [pct(r.anyMedal), pct(r.gold), pct(r.silver), pct(r.bronze), pct(r.aboveMedian), pct(r.validSubmission)];
  const rateHead = ['any medal %', 'gold %', 'silver %', 'bronze %', 'above median %', 'valid submission %'];
  const strategyHead = strategies.map((s) => (s === 'oracle' ? 'any medal % (oracle)' : `any medal % (${s} selection)`));

  const overall: PageTable = {
    head: ['agent', 'tasks', 'runs', ...rateHead, ...strategyHead],
    rows: table.filter((r) => r.task === 'all').map((r) => [
      r.agent, String(unique(runs.filter((x) => x.agent === r.agent).map((x) => x.task)).length), String(r.runs),
      ...rates(r), ...strategies.map((s) => pct(r.selectionAnyMedal[s])),
    ]),
  };
  const perTask: PageTable = {
    head: ['task', 'metric', 'agent', 'runs', ...rateHead, 'hidden test score', 'gap', ...strategyHead],
    rows: tasks.flatMap((task) => agents.flatMap((agent) => {
      const r = rowOf(agent, task);
      return r ? [[task, metricOf(task), agent, String(r.runs), ...rates(r), estimateText(r.testScore), estimateText(r.gap), ...strategies.map((s) => pct(r.selectionAnyMedal[s]))]] : [];
    })),
  };
  const perRun: PageTable = {
    head: ['task', 'agent', 'seed', 'run', 'status', 'nodes', 'best validation', 'hidden test', 'medal', 'above median', 'gap'],
    rows: runs.map((r): Cell[] => [
      r.task, r.agent, String(r.seed), r.runId,
      r.status === 'failed' ? { text: `failed: ${r.error ?? 'no error recorded'}`, cls: 'failed' } : r.validSubmission ? 'completed' : { text: 'completed, no valid submission', cls: 'failed' },
      String(r.nodes), score(r.validationScore), score(r.testScore),
      r.medal ? { text: r.medal, cls: `medal-${r.medal}` } : '—', r.aboveMedian ? 'yes' : 'no', score(r.gap),
    ]),
  };

  const percent = (e: Estimate | undefined) => (e === undefined || e.n === 0 ? null : 100 * e.mean);
  const medalGroups = [...tasks, 'all'];
  const medals: BarChart = { groups: medalGroups, agents, values: agents.map((a) => medalGroups.map((t) => percent(rowOf(a, t)?.anyMedal))) };
  const selection: BarChart = { groups: strategies, agents, values: agents.map((a) => strategies.map((s) => percent(rowOf(a, 'all')?.selectionAnyMedal[s]))) };
  const scored = (r: BenchmarkRunResult) => r.validationScore !== null && r.testScore !== null && Number.isFinite(r.validationScore) && Number.isFinite(r.testScore);
  const scatter: ScatterChart[] = tasks.map((task) => ({
    task, metric: metricOf(task),
    points: runs.filter((r) => r.task === task && scored(r)).map((r) => ({ agent: r.agent, runId: r.runId, validation: r.validationScore!, test: r.testScore! })),
  }));

  const failed = runs.filter((r) => r.status === 'failed').length;
  const seeds = unique(runs.map((r) => r.seed));
  return {
    benchmarkId: results.benchmarkId,
    facts: [
      `${runs.length} runs (${failed} failed)`, `${tasks.length} tasks`, `agents: ${agents.join(', ')}`,
      `${seeds.length} seed${seeds.length === 1 ? '' : 's'}`,
    ],
    strategies,
    tables: { overall, tasks: perTask, runs: perRun },
    charts: { medals, selection, scatter: scatter.filter((c) => c.points.length > 0), unscoredTasks: scatter.filter((c) => c.points.length === 0).map((c) => c.task) },
  };
}

/**
 * `crucible report --bench <id>`: one self-contained HTML page for a benchmark, from its results.json.
 * Tables: per task (every agent on it), overall (per agent), per run. Charts drawn with uPlot (its dist
 * bundle is inlined, so the page needs no network): any-medal rate per task grouped by agent (bars), the
 * any-medal rate each selection strategy and the oracle would have had (bars), and hidden test score
 * against validation score per run, one small chart per task (metrics differ across tasks).
 * Every text from the data reaches the page as JSON and is set with textContent: nothing is parsed as HTML.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchmarkTable, type BenchmarkRunResult, type Estimate, type TableRow } from '../reports/benchTable.js';
import { asset, escapeHtml, inlineJson, inlineSafe } from './report.js';
import { UsageError } from './runInput.js';

/** What `benchmarkReport` writes to <benchmarks>/<id>/results.json. */
export interface BenchResultsFile {
  benchmarkId: string;
  /** Recomputed from `runs` when absent. */
  table?: TableRow[];
  runs: BenchmarkRunResult[];
}

export interface BenchReportOptions {
  /** Folder holding results.json; the page goes to <benchDir>/report.html unless `out` says otherwise. */
  benchDir?: string;
  /** The results themselves (then `benchDir` or `out` must say where the page goes). */
  results?: BenchResultsFile;
  out?: string;
}

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

const pct = (e: Estimate | undefined): string =>
  (e === undefined || e.n === 0 ? '—' : `${(100 * e.mean).toFixed(1)}${e.se === null ? '' : ` ± ${(100 * e.se).toFixed(1)}`}`);
const est = (e: Estimate | null): string =>
  (e === null ? '—' : `${Number(e.mean.toPrecision(5))}${e.se === null ? '' : ` ± ${Number(e.se.toPrecision(2))}`}`);
const score = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(5))));
const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The page's data (pure): tables as formatted cells, chart series as numbers. */
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
      return r ? [[task, metricOf(task), agent, String(r.runs), ...rates(r), est(r.testScore), est(r.gap), ...strategies.map((s) => pct(r.selectionAnyMedal[s]))]] : [];
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

/** Builds the page (a string). */
export async function renderBenchReport(results: BenchResultsFile): Promise<string> {
  const data = benchPageData(results);
  const [uplot, uplotCss] = await Promise.all([asset('uplot/dist/uPlot.iife.min.js'), asset('uplot/dist/uPlot.min.css')]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Crucible benchmark: ${results.benchmarkId}`)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${inlineSafe(uplotCss)}</style>
<style>${PAGE_CSS}</style>
</head><body data-chart-count="0">
<header><h1 id="title"></h1><div id="facts"></div></header>
<main>
<h2>Any-medal rate per task</h2>
<p class="muted">Mean over runs; "all" pools every task. The tables give standard errors.</p>
<div class="chart" id="chart-medals"></div>
<h2>Overall, per agent</h2>
<p class="muted">Rates in % as mean ± standard error over runs. "any medal % (s selection)": the rate had strategy s chosen the submission;
the oracle chooses by hidden test score.</p>
<div id="table-overall"></div>
<h2>Any-medal rate by selection strategy</h2>
<div class="chart" id="chart-selection"></div>
<h2>Per task</h2>
<p class="muted">Hidden test score and gap in the task's metric units (gap: test score the submitted node lost against the run's best node).</p>
<div id="table-tasks"></div>
<h2>Validation vs hidden test score, per run</h2>
<p class="muted">One point per run (its submitted node); the line marks test = validation.</p>
<div id="charts-scatter"></div>
<h2>Runs</h2>
<div id="table-runs"></div>
</main>
<script type="application/json" id="bench-data">${inlineJson(data)}</script>
<script>${inlineSafe(uplot)}</script>
<script>${inlineSafe(PAGE_JS)}</script>
</body></html>
`;
}

/** Reads <benchDir>/results.json (unless `results` is given), writes the page; returns its path. */
export async function writeBenchReport(opts: BenchReportOptions): Promise<string> {
  if (!opts.benchDir && !opts.out) throw new Error('writeBenchReport: benchDir or out is required');
  const results = opts.results ?? (JSON.parse(await readFile(path.join(opts.benchDir!, 'results.json'), 'utf8')) as BenchResultsFile);
  const out = path.resolve(opts.out ?? path.join(opts.benchDir!, 'report.html'));
  await writeFile(out, await renderBenchReport(results));
  return out;
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

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 12px 20px; background: #263238; color: #fff; }
header h1 { font-size: 18px; margin: 0 0 4px; }
#facts { font-size: 13px; opacity: .9; }
main { padding: 0 20px 20px; }
h2 { font-size: 15px; margin: 20px 0 6px; } h3 { font-size: 13px; margin: 0 0 4px; }
.muted { color: #777; font-size: 12px; margin: 2px 0 6px; }
.chart { max-width: 1100px; }
#charts-scatter { display: flex; flex-wrap: wrap; gap: 16px; }
#charts-scatter > div { width: 380px; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td { white-space: nowrap; } td.failed { color: #c62828; white-space: pre-wrap; max-width: 420px; }
td.medal-gold { background: #ffe082; } td.medal-silver { background: #e0e0e0; } td.medal-bronze { background: #ffccbc; }
.table-wrap { overflow-x: auto; }
`;

/** The page's own script: plain ES2019, reads #bench-data, builds tables with textContent only and draws the charts with uPlot. */
const PAGE_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('bench-data').textContent);
  var PALETTE = ['#1565c0', '#ef6c00', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#6d4c41', '#546e7a'];
  function color(i) { return PALETTE[i % PALETTE.length]; }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function table(id, t) {
    var wrap = el('div', null, 'table-wrap'), tab = el('table'), tr = el('tr');
    t.head.forEach(function (h) { tr.appendChild(el('th', h)); });
    var thead = el('thead'); thead.appendChild(tr); tab.appendChild(thead);
    var tbody = el('tbody');
    t.rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (c) { row.appendChild(typeof c === 'string' ? el('td', c) : el('td', c.text, c.cls)); });
      tbody.appendChild(row);
    });
    tab.appendChild(tbody); wrap.appendChild(tab);
    document.getElementById(id).appendChild(wrap);
  }
  document.getElementById('title').textContent = 'Benchmark ' + data.benchmarkId;
  document.getElementById('facts').textContent = data.facts.join(' · ');
  table('table-overall', data.tables.overall);
  table('table-tasks', data.tables.tasks);
  table('table-runs', data.tables.runs);

  var charts = [];
  function widthOf(node, fallback) { return Math.max(320, node.clientWidth || fallback); }

  // Grouped bars: x is the group index; each agent's bar sits at its own offset inside the group (uPlot.paths.bars with disp.x0/size).
  function bars(id, chart, xLabel, yLabel) {
    var node = document.getElementById(id);
    if (!chart.groups.length || !chart.agents.length) { node.appendChild(el('p', 'Nothing to draw.', 'muted')); return; }
    var k = chart.agents.length, w = 0.8 / k;
    var xs = chart.groups.map(function (_, i) { return i; });
    var series = [{ label: xLabel, value: function (u, v) { return v == null ? '--' : chart.groups[v]; } }];
    chart.agents.forEach(function (agent, a) {
      var x0 = xs.map(function (i) { return i - 0.4 + a * w; }), size = xs.map(function () { return w; });
      series.push({
        label: agent, stroke: color(a), fill: color(a) + 'cc', width: 1, points: { show: false },
        value: function (u, v) { return v == null ? '--' : v.toFixed(1) + '%'; },
        paths: uPlot.paths.bars({ disp: { x0: { unit: 1, values: function () { return x0; } }, size: { unit: 1, values: function () { return size; } } }, gap: 2 }),
      });
    });
    charts.push(new uPlot({
      width: widthOf(node, 900), height: 300,
      scales: { x: { time: false, range: [-0.5, chart.groups.length - 0.5] }, y: { range: [0, 100] } },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (i) { return chart.groups[i] == null ? '' : chart.groups[i]; }); }, grid: { show: false } },
        { label: yLabel, values: function (u, vals) { return vals.map(function (v) { return v + '%'; }); } },
      ],
      cursor: { points: { show: false } },
      series: series,
    }, [xs].concat(chart.values), node));
  }
  bars('chart-medals', data.charts.medals, 'task', 'any medal %');
  bars('chart-selection', data.charts.selection, 'strategy', 'any medal % (all tasks)');

  // Validation vs hidden test, one chart per task: points per agent, and the test = validation line.
  var scatterRoot = document.getElementById('charts-scatter');
  var agents = data.charts.medals.agents;
  var noPath = function () { return null; };
  // Tick labels with as many decimals as the tick spacing needs (scores close to 1 would otherwise repeat).
  var ticks = function (u, vals, axis, space, incr) {
    var text = String(Number((incr || 1).toPrecision(6)));
    var dec = text.indexOf('e') >= 0 ? Math.ceil(-Math.log10(incr)) + 1 : (text.split('.')[1] || '').length;
    dec = Math.min(12, Math.max(0, dec));
    return vals.map(function (v) { return v.toFixed(dec); });
  };
  data.charts.scatter.forEach(function (c) {
    var box = el('div'); box.appendChild(el('h3', c.task + ' (' + c.metric + ')'));
    var plot = el('div'); box.appendChild(plot); scatterRoot.appendChild(box);
    var pts = c.points.slice().sort(function (p, q) { return p.validation - q.validation; });
    var xs = pts.map(function (p) { return p.validation; });
    var ys = agents.map(function (a) { return pts.map(function (p) { return p.agent === a ? p.test : null; }); });
    var series = [{ label: 'validation' }];
    agents.forEach(function (a, i) { series.push({ label: a, stroke: color(i), fill: color(i), paths: noPath, points: { show: true, size: 8 } }); });
    series.push({ label: 'test = validation', stroke: '#9e9e9e', dash: [4, 4], width: 1, points: { show: false } });
    charts.push(new uPlot({
      width: 380, height: 260, scales: { x: { time: false } },
      axes: [{ label: 'validation', values: ticks }, { label: 'hidden test', values: ticks, size: 60 }],
      legend: { live: false },
      series: series,
    }, [xs].concat(ys, [xs.slice()]), plot));
  });
  if (data.charts.unscoredTasks.length) scatterRoot.appendChild(el('p', 'No run with both scores: ' + data.charts.unscoredTasks.join(', '), 'muted'));
  if (!data.charts.scatter.length && !data.charts.unscoredTasks.length) scatterRoot.appendChild(el('p', 'No runs.', 'muted'));

  document.body.setAttribute('data-chart-count', String(charts.length));
  window.crucibleBenchReport = { charts: charts, data: data };
})();
`;

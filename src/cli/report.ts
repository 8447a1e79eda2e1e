/**
 * `crucible report <run>`: one self-contained HTML page for a finished run. The search graph is drawn
 * with cytoscape (a tree by the breadthfirst layout; crossover second-parent edges dashed), score over
 * time with uPlot; both libraries' dist bundles are inlined, so the page needs no network when viewed.
 * Node data comes from graph.json, summary.json holds the selection; code and outputs come from the
 * artifact store (outputs trimmed to a head and a tail).
 */
import type { Client } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openArtifactStore } from '../artifacts/index.js';
import type { ArtifactStore } from '../artifacts/store.js';
import { connectTemporalClient, decodeHistoryPayload } from '../config/temporalConnection.js';
import { artifactsDir, benchmarksDir, runsDir } from '../config/paths.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { Direction, NodeRecord } from '../core/node.js';
import { metricDirection } from '../tasks/metrics.js';
import type { MetricName } from '../tasks/types.js';
import type { AgentRunInput, RunBudget, RunSummary } from '../workflows/types.js';
import { UsageError } from './runInput.js';

/** Bytes kept at each end of a long output. */
export const OUTPUT_EDGE_BYTES = 4096;

export interface ReportOptions {
  /** Folder with graph.json and summary.json. */
  runDir: string;
  store: ArtifactStore;
  /** Default: <runDir>/report.html. */
  out?: string;
  /** The run's budget, when known (summary.json does not hold it). */
  budget?: RunBudget | null;
}

/** A text trimmed to its head and tail; `omittedBytes` between them (0: `head` is the whole text). */
interface Trimmed { head: string; tail: string; omittedBytes: number; error?: string }

interface ReportNode {
  id: number;
  parents: number[];
  operator: string;
  plan: string;
  score: number | null;
  testScore: number | null;
  buggy: boolean;
  bugReason: string | null;
  createdAt: number;
  color: string;
  code: Trimmed | null;
  stdout: Trimmed | null;
  stderr: Trimmed | null;
  exec: { exitCode: number | null; timedOut: boolean; durationMs: number } | null;
  tokens: { calls: number; promptTokens: number; completionTokens: number; costUsd: number } | null;
  hintIds: number[];
}

export function trimText(text: string, edge = OUTPUT_EDGE_BYTES): Trimmed {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= 2 * edge) return { head: text, tail: '', omittedBytes: 0 };
  // Cutting inside a multi-byte character leaves a replacement character at the cut; harmless here.
  return {
    head: buf.subarray(0, edge).toString('utf8'),
    tail: buf.subarray(buf.length - edge).toString('utf8'),
    omittedBytes: buf.length - 2 * edge,
  };
}

async function loadText(store: ArtifactStore, ref: ArtifactRef | null | undefined, trim: boolean): Promise<Trimmed | null> {
  if (!ref) return null;
  try {
    const text = await store.getText(ref);
    return trim ? trimText(text) : { head: text, tail: '', omittedBytes: 0 };
  } catch (err) {
    return { head: ref.preview, tail: '', omittedBytes: Math.max(0, ref.bytes - ref.preview.length), error: (err as Error).message };
  }
}

/** Red (worst) to green (best) by validation score; grey for the root and buggy nodes. */
function colorFor(n: NodeRecord, lo: number, hi: number, direction: Direction): string {
  if (n.id === 0 || n.operator === 'root') return '#9e9e9e';
  if (n.buggy || n.score === null) return '#d7d7d7';
  let t = hi > lo ? (n.score - lo) / (hi - lo) : 1;
  if (direction === 'minimize') t = 1 - t;
  return `hsl(${Math.round(t * 120)}, 70%, 50%)`;
}

function directionOf(metric: string): Direction {
  try {
    return metricDirection(metric as MetricName) ?? 'maximize';
  } catch {
    return 'maximize';
  }
}

const requireFrom = createRequire(import.meta.url);
/** A dependency's dist file (e.g. `uplot/dist/uPlot.iife.min.js`) as text, to inline in a page. */
export const asset = (spec: string) => readFile(requireFrom.resolve(spec), 'utf8');

/** Text that may sit inside a <script> or <style> element without closing it. */
export const inlineSafe = (s: string) => s.replace(/<\/(script|style)/gi, '<\\/$1');

/** Data as JSON that may sit inside a <script type="application/json"> element (no `<`, no JS line separators). */
export const inlineJson = (data: unknown) =>
  JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** Text for an HTML element or attribute value. */
export const escapeHtml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Builds the page (a string) for a run folder. */
export async function renderReport(opts: Omit<ReportOptions, 'out'>): Promise<string> {
  const summary = JSON.parse(await readFile(path.join(opts.runDir, 'summary.json'), 'utf8')) as RunSummary;
  const graph = JSON.parse(await readFile(path.join(opts.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
  const direction = directionOf(summary.metric);
  const scores = graph.nodes.filter((n) => !n.buggy && n.score !== null && n.id > 0).map((n) => n.score!);
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const nodes: ReportNode[] = await Promise.all(graph.nodes.map(async (n): Promise<ReportNode> => ({
    id: n.id, parents: n.parents, operator: n.operator, plan: n.plan, score: n.score, testScore: n.testScore,
    buggy: n.buggy, bugReason: n.bugReason, createdAt: n.createdAt, color: colorFor(n, lo, hi, direction),
    code: await loadText(opts.store, n.codeRef, false),
    stdout: await loadText(opts.store, n.exec?.stdoutRef, true),
    stderr: await loadText(opts.store, n.exec?.stderrRef, true),
    exec: n.exec ? { exitCode: n.exec.exitCode, timedOut: n.exec.timedOut, durationMs: n.exec.durationMs } : null,
    tokens: n.llm ? { calls: n.llm.calls, promptTokens: n.llm.promptTokens, completionTokens: n.llm.completionTokens, costUsd: n.llm.costUsd } : null,
    hintIds: n.hintIds ?? [],
  })));
  const data = { summary, direction, budget: opts.budget ?? null, nodes };
  const [cytoscape, uplot, uplotCss] = await Promise.all([
    asset('cytoscape/dist/cytoscape.min.js'), asset('uplot/dist/uPlot.iife.min.js'), asset('uplot/dist/uPlot.min.css'),
  ]);
  const json = inlineJson(data);
  const title = escapeHtml(`Crucible report: ${summary.runId}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${inlineSafe(uplotCss)}</style>
<style>${PAGE_CSS}</style>
</head><body>
<header><h1 id="title"></h1><div id="facts"></div></header>
<main>
<section id="left">
  <h2>Search graph</h2>
  <div id="legend"></div>
  <div id="graph" data-node-count="0"></div>
  <h2>Score over time</h2>
  <div id="chart"></div>
</section>
<section id="right">
  <h2>Node details</h2>
  <div id="details"><p class="muted">Click a node in the graph.</p></div>
  <h2>Budget</h2>
  <div id="budget"></div>
  <h2>Final selection</h2>
  <div id="selection"></div>
</section>
</main>
<script type="application/json" id="report-data">${json}</script>
<script>${inlineSafe(cytoscape)}</script>
<script>${inlineSafe(uplot)}</script>
<script>${inlineSafe(PAGE_JS)}</script>
</body></html>
`;
}

/** Writes the page; returns its path. */
export async function writeReport(opts: ReportOptions): Promise<string> {
  const out = path.resolve(opts.out ?? path.join(opts.runDir, 'report.html'));
  await writeFile(out, await renderReport(opts));
  return out;
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

/** A run id (under `runsRoot`) or a run folder, to the folder; throws when it has no graph.json. */
export function resolveRunDir(run: string, runsRoot: string): string {
  const candidates = [path.resolve(run), path.join(runsRoot, run)];
  const dir = candidates.find((d) => existsSync(path.join(d, 'graph.json')) && existsSync(path.join(d, 'summary.json')));
  if (!dir) throw new Error(`no finished run "${run}": expected graph.json and summary.json in ${path.join(runsRoot, run)}`);
  return dir;
}

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
    // Loaded here, not at the top: benchReport.ts imports this module's inlining helpers.
    const { resolveBenchDir, writeBenchReport } = await import('./benchReport.js');
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
  const out = await writeReport({ runDir, store, out: values.out, budget });
  console.log(values.json ? JSON.stringify({ report: out, runDir, budgetKnown: budget !== null }) : `Report: ${out}`);
  return 0;
}

/** After `crucible run`: writes <runDir>/report.html; its path and the line to print (a warning when it could not be written). */
export async function writeRunReport(client: Client, summary: Pick<RunSummary, 'runId' | 'runDir'>): Promise<{ path: string | null; line: string }> {
  try {
    const store = openArtifactStore(process.env, artifactsDir(path.dirname(path.dirname(summary.runDir))));
    const out = await writeReport({ runDir: summary.runDir, store, budget: await budgetOf(client, summary.runId) });
    return { path: out, line: `Report: ${out}` };
  } catch (err) {
    return { path: null, line: `warning: the report could not be written (${(err as Error).message}); try \`crucible report ${summary.runId}\`` };
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

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 12px 20px; background: #263238; color: #fff; }
header h1 { font-size: 18px; margin: 0 0 4px; }
#facts { font-size: 13px; opacity: .9; }
main { display: flex; gap: 16px; padding: 0 20px 20px; align-items: flex-start; }
#left { flex: 3; min-width: 0; } #right { flex: 2; min-width: 0; }
h2 { font-size: 15px; margin: 16px 0 6px; }
#graph { height: 520px; border: 1px solid #ccc; border-radius: 4px; }
#legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
#legend i { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin-right: 4px; border-radius: 6px; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; max-height: 360px; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: left; }
.muted { color: #777; } .bug { color: #c62828; font-weight: 600; }
`;

/** The page's own script: plain ES2019, reads #report-data, draws and wires everything with textContent only. */
const PAGE_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var s = data.summary, nodes = data.nodes;
  var byId = {}; nodes.forEach(function (n) { byId[n.id] = n; });
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function num(x) { return x == null ? '—' : (typeof x === 'number' ? String(Number(x.toPrecision(5))) : String(x)); }
  function dur(ms) { if (ms == null) return '—'; var t = Math.round(ms / 1000); return t >= 60 ? Math.floor(t / 60) + 'm' + String(t % 60).padStart(2, '0') + 's' : t + 's'; }
  function table(rows, head) {
    var t = el('table');
    if (head) { var tr = el('tr'); head.forEach(function (h) { tr.appendChild(el('th', h)); }); t.appendChild(tr); }
    rows.forEach(function (r) { var tr = el('tr'); r.forEach(function (c) { tr.appendChild(el('td', c)); }); t.appendChild(tr); });
    return t;
  }
  var bestId = s.best ? s.best.id : null;

  document.getElementById('title').textContent = 'Run ' + s.runId;
  document.getElementById('facts').textContent = [
    'task ' + s.task, 'metric ' + s.metric + ' (' + data.direction + ')', 'agent ' + s.agent, 'policy ' + s.policy, 'seed ' + s.seed,
    'stopped: ' + s.stopReason, s.nodes + ' nodes, ' + s.buggyNodes + ' buggy', 'elapsed ' + dur(s.elapsedMs),
  ].join(' · ');

  // Graph
  var legend = document.getElementById('legend');
  [['hsl(0,70%,50%)', 'worst validation'], ['hsl(120,70%,50%)', 'best validation'], ['#d7d7d7', 'buggy (red border)'],
   ['#fff', 'submitted (thick gold border)']].forEach(function (l) {
    var sp = el('span'); var i = el('i'); i.style.background = l[0]; i.style.border = '1px solid #888'; sp.appendChild(i); sp.appendChild(document.createTextNode(l[1])); legend.appendChild(sp);
  });
  legend.appendChild(el('span', '- - crossover second parent'));
  var elements = [];
  nodes.forEach(function (n) {
    var cls = [n.buggy ? 'buggy' : '', n.id === bestId ? 'best' : '', n.id === 0 ? 'root' : ''].join(' ');
    elements.push({ group: 'nodes', classes: cls, data: { id: 'n' + n.id, nodeId: n.id, color: n.color,
      label: n.id === 0 ? 'root' : '#' + n.id + (n.buggy ? ' ✗' : ' ' + num(n.score)) } });
  });
  nodes.forEach(function (n) {
    n.parents.forEach(function (p, k) {
      if (!byId[p]) return;
      elements.push({ group: 'edges', classes: k > 0 ? 'crossover' : '', data: { id: 'e' + p + '-' + n.id + '-' + k, source: 'n' + p, target: 'n' + n.id } });
    });
  });
  var cy = cytoscape({
    container: document.getElementById('graph'), elements: elements, wheelSensitivity: 0.3,
    layout: { name: 'breadthfirst', directed: true, roots: '#n0', spacingFactor: 1.1, padding: 20 },
    style: [
      { selector: 'node', style: { 'background-color': 'data(color)', label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3, width: 26, height: 26, 'border-width': 1, 'border-color': '#555' } },
      { selector: 'node.buggy', style: { 'border-color': '#c62828', 'border-width': 3, 'border-style': 'dashed', shape: 'round-rectangle' } },
      { selector: 'node.best', style: { 'border-color': '#ffb300', 'border-width': 5 } },
      { selector: 'node.root', style: { shape: 'diamond' } },
      { selector: 'node:selected', style: { 'overlay-color': '#1565c0', 'overlay-opacity': 0.25 } },
      { selector: 'edge', style: { width: 1.5, 'line-color': '#90a4ae', 'target-arrow-color': '#90a4ae', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } },
      { selector: 'edge.crossover', style: { 'line-style': 'dashed', 'line-color': '#8e24aa', 'target-arrow-color': '#8e24aa' } },
    ],
  });
  document.getElementById('graph').setAttribute('data-node-count', String(cy.nodes().length));
  window.crucibleReport = { cy: cy, nodeCount: cy.nodes().length, showNode: showNode };

  function section(parent, title, trimmed) {
    parent.appendChild(el('h3', title));
    if (!trimmed) { parent.appendChild(el('p', 'none', 'muted')); return null; }
    if (trimmed.error) parent.appendChild(el('p', 'unavailable: ' + trimmed.error + ' (showing the preview)', 'bug'));
    var pre = el('pre', trimmed.head); parent.appendChild(pre);
    if (trimmed.omittedBytes > 0 && !trimmed.error) {
      parent.appendChild(el('p', '… ' + trimmed.omittedBytes + ' bytes omitted …', 'muted'));
      parent.appendChild(el('pre', trimmed.tail));
    }
    return pre;
  }
  function showNode(id) {
    var n = byId[id]; var d = document.getElementById('details');
    d.textContent = ''; d.setAttribute('data-node-id', String(id));
    if (!n) return;
    d.appendChild(el('h3', n.id === 0 ? 'Root' : 'Node #' + n.id + ' (' + n.operator + ')'));
    if (n.buggy) d.appendChild(el('p', 'Buggy: ' + (n.bugReason || 'no reason recorded'), 'bug'));
    var rows = [
      ['operator', n.operator], ['parents', n.parents.length ? n.parents.map(function (p) { return '#' + p; }).join(', ') : '—'],
      ['validation score', num(n.score)], ['hidden test score', num(n.testScore)],
      ['created', n.createdAt ? new Date(n.createdAt).toISOString() : '—'],
    ];
    if (n.exec) rows.push(['execution', 'exit ' + num(n.exec.exitCode) + (n.exec.timedOut ? ', timed out' : '') + ', ' + dur(n.exec.durationMs)]);
    rows.push(['tokens', n.tokens ? n.tokens.promptTokens + ' prompt + ' + n.tokens.completionTokens + ' completion in ' + n.tokens.calls + ' calls, $' + n.tokens.costUsd.toFixed(4) : '— (offline operators)']);
    if (n.hintIds.length) rows.push(['hints seen', n.hintIds.join(', ')]);
    d.appendChild(table(rows));
    d.appendChild(el('h3', 'Plan')); d.appendChild(el('p', n.plan || '—'));
    var code = section(d, 'Code', n.code); if (code) code.id = 'detail-code';
    section(d, 'stdout', n.stdout);
    section(d, 'stderr', n.stderr);
  }
  cy.on('tap', 'node', function (evt) { showNode(evt.target.data('nodeId')); });
  if (bestId != null) { cy.getElementById('n' + bestId).select(); }

  // Score over time
  var timed = nodes.filter(function (n) { return n.id > 0; }).sort(function (a, b) { return a.createdAt - b.createdAt; });
  var t0 = nodes.length ? nodes[0].createdAt : 0;
  var xs = [], val = [], test = [], bestSoFar = [], best = null, maximize = data.direction !== 'minimize';
  timed.forEach(function (n) {
    xs.push((n.createdAt - t0) / 1000);
    val.push(n.buggy ? null : n.score); test.push(n.testScore);
    if (!n.buggy && n.score != null && (best == null || (maximize ? n.score > best : n.score < best))) best = n.score;
    bestSoFar.push(best);
  });
  var chartEl = document.getElementById('chart');
  if (xs.length && typeof uPlot === 'function') {
    var width = Math.max(320, chartEl.clientWidth || 600);
    var points = function () { return null; };
    new uPlot({
      width: width, height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds since start' }, { label: s.metric }],
      series: [
        { label: 'time (s)' },
        { label: 'validation', stroke: '#1565c0', paths: points, points: { show: true, size: 7 } },
        { label: 'hidden test', stroke: '#ef6c00', paths: points, points: { show: true, size: 7 } },
        { label: 'best validation so far', stroke: '#2e7d32', width: 2 },
      ],
    }, [xs, val, test, bestSoFar], chartEl);
  } else { chartEl.appendChild(el('p', 'No nodes.', 'muted')); }

  // Budget
  var b = data.budget, sp = s.spend, budget = document.getElementById('budget');
  var brows = [
    ['time', dur(s.elapsedMs) + ' used' + (b ? ' of ' + dur(b.wallMs) : '')],
    ['steps', s.nodes + ' nodes' + (b ? ' of ' + b.maxSteps : '')],
    ['tokens', (sp.promptTokens + sp.completionTokens) + (b && b.maxTokens != null ? ' of ' + b.maxTokens : '') + ' (' + sp.calls + ' LLM calls)'],
    ['cost', '$' + sp.costUsd.toFixed(4) + (b && b.maxCostUsd != null ? ' of $' + b.maxCostUsd : '') + (sp.unpricedCalls ? ' (' + sp.unpricedCalls + ' unpriced calls)' : '')],
    ['stopped by', s.stopReason + (s.stopNote ? ': ' + s.stopNote : '') + (s.error ? ' (' + s.error + ')' : '')],
  ];
  budget.appendChild(table(brows));
  if (!b) budget.appendChild(el('p', 'The budget limits were not available (no Temporal server answered when this report was written).', 'muted'));

  // Selection
  var sel = s.selection, selEl = document.getElementById('selection');
  if (s.best) {
    var g = s.best.grade;
    selEl.appendChild(el('p', 'Submitted node #' + s.best.id + ' (' + s.best.operator + ') by ' + sel.strategy + ': validation ' + num(s.best.score) +
      ', hidden test ' + num(g ? g.score : null) + ', ' + (g && g.medal ? g.medal + ' medal' : 'no medal')));
  } else selEl.appendChild(el('p', 'No working solution was found within the budget.', 'bug'));
  if (sel.selections.length) {
    selEl.appendChild(table(sel.selections.map(function (x) {
      return [x.strategy + (x.strategy === sel.strategy ? ' (used)' : ''), '#' + x.nodeId, num(x.validationScore), num(x.rescore), num(x.testScore), x.medal || '—', num(x.gap)];
    }), ['strategy', 'pick', 'validation', 'rescore', 'test', 'medal', 'gap']));
  }
  selEl.appendChild(el('p', sel.oracle ? 'Oracle: node #' + sel.oracle.nodeId + ', test ' + num(sel.oracle.testScore) + (sel.oracle.medal ? ' (' + sel.oracle.medal + ')' : '') +
    '; generalization gap ' + num(sel.gap) : 'No oracle (no node has a hidden test score).'));
  selEl.querySelectorAll('td').forEach(function (td) {
    var m = /^#(\d+)$/.exec(td.textContent); if (m) { td.style.cursor = 'pointer'; td.style.textDecoration = 'underline'; td.onclick = function () { showNode(Number(m[1])); }; }
  });
})();
`;

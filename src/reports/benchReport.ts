/**
 * The benchmark report: one self-contained HTML page for a benchmark, from its results.json.
 * Tables: per task (every agent on it), overall (per agent), per run. Charts drawn with uPlot (its dist
 * bundle is inlined, so the page needs no network): any-medal rate per task grouped by agent (bars), the
 * any-medal rate each selection strategy and the oracle would have had (bars), and hidden test score
 * against validation score per run, one small chart per task (metrics differ across tasks).
 * Every text from the data reaches the page as JSON and is set with textContent: nothing is parsed as HTML.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchPageData } from './benchPageData.js';
import type { BenchResultsFile } from './benchResults.js';
import { escapeHtml, inlineJson, inlineSafe, packageAsset, pageAsset } from './html.js';

export interface BenchReportOptions {
  /** Folder holding results.json; the page goes to <benchDir>/report.html unless `out` says otherwise. */
  benchDir?: string;
  /** The results themselves (then `benchDir` or `out` must say where the page goes). */
  results?: BenchResultsFile;
  out?: string;
}

/** Builds the page (a string). */
export async function renderBenchReport(results: BenchResultsFile): Promise<string> {
  const data = benchPageData(results);
  const [uplot, uplotCss, css, pageCss, script] = await Promise.all([
    packageAsset('uplot/dist/uPlot.iife.min.js'), packageAsset('uplot/dist/uPlot.min.css'),
    pageAsset('report.css'), pageAsset('bench-page.css'), pageAsset('bench-page.js'),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Crucible benchmark: ${results.benchmarkId}`)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${inlineSafe(uplotCss)}</style>
<style>${inlineSafe(css + pageCss)}</style>
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
<script>${inlineSafe(script)}</script>
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

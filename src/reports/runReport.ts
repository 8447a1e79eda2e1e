/**
 * The run report: one self-contained HTML page for a finished run (<run folder>/report.html). The search
 * graph is drawn with cytoscape (a tree by the breadthfirst layout; crossover second-parent edges dashed),
 * score over time with uPlot; both libraries' dist bundles are inlined, so the page needs no network when
 * viewed. Every text from the data reaches the page as JSON and is set with textContent.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import type { RunBudget } from '../core/run.js';
import { escapeHtml, inlineJson, inlineSafe, packageAsset, pageAsset } from './html.js';
import { runPageData } from './runPageData.js';

export interface RunReportOptions {
  /** Folder with graph.json and summary.json. */
  runDir: string;
  store: ArtifactStore;
  /** Default: <runDir>/report.html. */
  out?: string;
  /** The run's budget, when known (summary.json does not hold it). */
  budget?: RunBudget | null;
}

/** Builds the page (a string) for a run folder. */
export async function renderRunReport(opts: Omit<RunReportOptions, 'out'>): Promise<string> {
  const data = await runPageData(opts.runDir, opts.store, opts.budget ?? null);
  const [cytoscape, uplot, uplotCss, css, pageCss, script] = await Promise.all([
    packageAsset('cytoscape/dist/cytoscape.min.js'), packageAsset('uplot/dist/uPlot.iife.min.js'), packageAsset('uplot/dist/uPlot.min.css'),
    pageAsset('report.css'), pageAsset('run-page.css'), pageAsset('run-page.js'),
  ]);
  const title = escapeHtml(`Crucible report: ${data.summary.runId}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${inlineSafe(uplotCss)}</style>
<style>${inlineSafe(css + pageCss)}</style>
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
<script type="application/json" id="report-data">${inlineJson(data)}</script>
<script>${inlineSafe(cytoscape)}</script>
<script>${inlineSafe(uplot)}</script>
<script>${inlineSafe(script)}</script>
</body></html>
`;
}

/** Writes the page; returns its path. */
export async function writeRunReport(opts: RunReportOptions): Promise<string> {
  const out = path.resolve(opts.out ?? path.join(opts.runDir, 'report.html'));
  await writeFile(out, await renderRunReport(opts));
  return out;
}

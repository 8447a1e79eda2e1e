import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileArtifactStore } from '../../src/artifacts/store.js';
import type { NodeRecord } from '../../src/core/node.js';
import { trimText } from '../../src/reports/runPageData.js';
import { writeRunReport } from '../../src/reports/runReport.js';
import type { RunSummary } from '../../src/core/run.js';
import { launchChromium } from '../helpers/chromium.js';
import { startHarness, type Harness } from '../helpers/harness.js';


describe('crucible report: the HTML page of a real run, in headless Chromium', () => {
  let env: Harness;
  let browser: Browser | undefined;
  let summary: RunSummary;
  let nodes: NodeRecord[];
  let store: FileArtifactStore;
  let reportPath: string;

  beforeAll(async () => {
    env = await startHarness({ name: 'report' });
    const input = await env.input({ steps: '4', seed: '2' });
    summary = await env.runAgent(input);
    nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    store = env.store;
    reportPath = await writeRunReport({ runDir: summary.runDir, store, budget: input.budget });
    browser = await launchChromium('report');
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('writes runs/<run>/report.html: one self-contained page, no external resources', async () => {
    expect(reportPath).toBe(path.join(summary.runDir, 'report.html'));
    const html = await readFile(reportPath, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]*\.(js|css)\b/);
    expect(html).toContain(summary.runId);
  });

  it('draws one graph node per run node, and shows a node\'s code when it is clicked', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(reportPath).href);

    expect(nodes.length).toBe(summary.nodes + 1); // the root and one node per step
    await expect.poll(() => page.getAttribute('#graph', 'data-node-count')).toBe(String(nodes.length));
    expect(await page.evaluate(() => (globalThis as unknown as { crucibleReport: { cy: { nodes(): { length: number } } } }).crucibleReport.cy.nodes().length))
      .toBe(nodes.length);

    // A real mouse click on the drawn node (not a synthetic event).
    const target = nodes.find((n) => n.id > 0 && n.codeRef)!;
    const pos = await page.evaluate((id) => {
      const cy = (globalThis as unknown as { crucibleReport: { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } } }).crucibleReport.cy;
      return cy.getElementById(`n${id}`).renderedPosition();
    }, target.id);
    const box = (await page.locator('#graph').boundingBox())!;
    await page.mouse.click(box.x + pos.x, box.y + pos.y);
    await expect.poll(() => page.getAttribute('#details', 'data-node-id')).toBe(String(target.id));
    const code = await store.getText(target.codeRef!);
    expect(await page.textContent('#detail-code')).toBe(code);
    expect(await page.textContent('#details')).toContain(target.plan.slice(0, 60));

    // Score chart, budget and selection are drawn.
    expect(await page.locator('#chart canvas').count()).toBeGreaterThan(0);
    expect(await page.textContent('#budget')).toContain(`${summary.nodes} nodes of 4`);
    if (summary.best) expect(await page.textContent('#selection')).toContain(`#${summary.best.id}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('trimText', () => {
  it('keeps short texts whole and long ones as a 4 KB head and tail', () => {
    expect(trimText('abc')).toEqual({ head: 'abc', tail: '', omittedBytes: 0 });
    const long = 'h'.repeat(5000) + 'm'.repeat(3000) + 't'.repeat(5000);
    const t = trimText(long);
    expect(t.head).toBe('h'.repeat(4096));
    expect(t.tail).toBe('t'.repeat(4096));
    expect(t.omittedBytes).toBe(13000 - 8192);
  });
});

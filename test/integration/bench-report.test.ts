import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeWriteBenchResults } from '../../src/activities/benchResults.js';
import { cmdReport } from '../../src/cli/report.js';
import { UsageError } from '../../src/cli/runInput.js';
import { benchmarksDir, projectRoot } from '../../src/config/paths.js';
import { writeBenchReport } from '../../src/reports/benchReport.js';
import type { BenchmarkRunResult } from '../../src/reports/benchTable.js';
import type { Medal } from '../../src/tasks/medals.js';
import { launchChromium } from '../helpers/chromium.js';


const BENCH_ID = 'bench-20260101-000000-test';
const XSS_TASK = '<script>window.__pwned = 1</script>';
const XSS_ERROR = '<img src=x onerror="window.__pwned = 2"><script>window.__pwned = 3</script> sandbox died';
const AGENTS = ['aira-greedy', 'aira-mcts'];
const STRATEGIES = ['validation', 'holdout', 'oracle'];

function run(task: string, agent: string, seed: number, over: Partial<BenchmarkRunResult> = {}): BenchmarkRunResult {
  const medal: Medal | null = over.medal !== undefined ? over.medal : 'bronze';
  return {
    task, competitionId: null, agent, seed, runId: `${BENCH_ID}--${task}--${agent}--s${seed}`, status: 'completed', error: null, metric: 'accuracy', nodes: 5 + seed,
    validationScore: 0.9 + seed / 100, testScore: 0.88 + seed / 100, medal, aboveMedian: medal !== null, validSubmission: true, submissionExists: true, hints: 0, gap: 0.01,
    selections: STRATEGIES.map((strategy) => ({ strategy, testScore: 0.88, medal: strategy === 'oracle' ? 'gold' : medal, aboveMedian: true })),
    ...over,
  };
}

/** 3 tasks × 2 agents × 2 seeds; the third task's id is an HTML injection and none of its runs has scores. */
const RUNS: BenchmarkRunResult[] = [
  run('iris', 'aira-greedy', 0, { medal: 'gold', validationScore: 0.91234567, testScore: 0.876543 }),
  run('iris', 'aira-greedy', 1, { medal: null }),
  run('iris', 'aira-mcts', 0), run('iris', 'aira-mcts', 1, { medal: 'silver' }),
  run('houses', 'aira-greedy', 0, { metric: 'rmse', validationScore: 31.5, testScore: 33.25 }),
  run('houses', 'aira-greedy', 1, { metric: 'rmse', validationScore: 30.1, testScore: 35.5 }),
  run('houses', 'aira-mcts', 0, { metric: 'rmse', validationScore: 29.9, testScore: 30.5 }),
  run('houses', 'aira-mcts', 1, { metric: 'rmse', validationScore: 32, testScore: 31 }),
  ...AGENTS.flatMap((agent) => [0, 1].map((seed) => run(XSS_TASK, agent, seed, {
    status: 'failed', error: XSS_ERROR, nodes: 0, validationScore: null, testScore: null, medal: null, aboveMedian: false,
    validSubmission: false, submissionExists: false, gap: null, selections: [],
  }))),
];
const TASKS = ['iris', 'houses', XSS_TASK];
/** Two bar charts, and one validation-vs-test chart per task with a scored run. */
const CHART_COUNT = 2 + 2;

describe('crucible report --bench: a benchmark\'s page in headless Chromium', () => {
  let stateRoot: string;
  let benchDir: string;
  let reportPath: string;
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];
  const requests: string[] = [];
  const savedHome = process.env.CRUCIBLE_HOME;

  beforeAll(async () => {
    stateRoot = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-report-'));
    process.env.CRUCIBLE_HOME = stateRoot;
    // results.{md,csv,json} written by the benchmark workflow's own activity.
    benchDir = (await makeWriteBenchResults(benchmarksDir(stateRoot))({ benchmarkId: BENCH_ID, results: RUNS })).dir;
    reportPath = await writeBenchReport({ benchDir });
    browser = await launchChromium('report');
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('request', (r) => { if (r.url() !== pathToFileURL(reportPath).href) requests.push(r.url()); });
    await page.goto(pathToFileURL(reportPath).href);
  });
  afterAll(async () => {
    await browser?.close();
    if (savedHome === undefined) delete process.env.CRUCIBLE_HOME;
    else process.env.CRUCIBLE_HOME = savedHome;
    if (stateRoot) await rm(stateRoot, { recursive: true, force: true });
  });

  const rows = (id: string) => page.locator(`#${id} tbody tr`);
  const rowTexts = async (id: string) => Promise.all((await rows(id).all()).map((r) => r.locator('td').allTextContents()));

  it('writes <benchmark>/report.html: one self-contained page, the injected markup only as escaped JSON', async () => {
    expect(reportPath).toBe(path.join(benchDir, 'report.html'));
    const html = await readFile(reportPath, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]*\.(js|css)\b/);
    expect(html).toContain(BENCH_ID);
    expect(html).not.toContain('window.__pwned = 1</script>');
    expect(html).not.toContain('<img src=x');
  });

  it('has one table row per agent, per (task, agent) and per run, with the data\'s values', async () => {
    await expect.poll(() => page.getAttribute('body', 'data-chart-count')).toBe(String(CHART_COUNT));
    expect(await rows('table-overall').count()).toBe(AGENTS.length);
    expect(await rows('table-tasks').count()).toBe(TASKS.length * AGENTS.length);
    expect(await rows('table-runs').count()).toBe(RUNS.length);

    // iris × aira-greedy: one gold and one no-medal run → any medal 50.0 ± 50.0, gold 50.0 ± 50.0.
    const iris = (await rowTexts('table-tasks'))[0]!;
    expect(iris.slice(0, 7)).toEqual(['iris', 'accuracy', 'aira-greedy', '2', '50.0 ± 50.0', '50.0 ± 50.0', '0.0 ± 0.0']);
    // The oracle's any-medal rate (every oracle pick of a completed run is gold).
    const head = await page.locator('#table-tasks th').allTextContents();
    expect(iris[head.indexOf('any medal % (oracle)')]).toBe('100.0 ± 0.0');
    const first = (await rowTexts('table-runs'))[0]!;
    expect(first).toEqual(['iris', 'aira-greedy', '0', `${BENCH_ID}--iris--aira-greedy--s0`, 'completed', '5', '0.91235', '0.87654', 'gold', 'yes', '0.01']);
    expect(await page.textContent('#facts')).toContain(`${RUNS.length} runs (4 failed)`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('draws every chart with uPlot: two bar charts and one validation-vs-test chart per scored task', async () => {
    expect(await page.locator('.uplot canvas').count()).toBe(CHART_COUNT);
    expect(await page.locator('#chart-medals canvas').count()).toBe(1);
    expect(await page.locator('#chart-selection canvas').count()).toBe(1);
    expect(await page.locator('#charts-scatter canvas').count()).toBe(2);
    const charts = await page.evaluate(() => {
      const r = (globalThis as unknown as { crucibleBenchReport: { charts: { series: { label: string }[]; data: unknown[][] }[] } }).crucibleBenchReport;
      return r.charts.map((c) => ({ series: c.series.map((s) => s.label), points: c.data[0]!.length }));
    });
    expect(charts.length).toBe(CHART_COUNT);
    expect(charts[0]).toEqual({ series: ['task', ...AGENTS], points: TASKS.length + 1 }); // + "all"
    expect(charts[1]).toEqual({ series: ['strategy', ...AGENTS], points: STRATEGIES.length });
    expect(charts[2]!.points).toBe(4); // iris: 4 scored runs
    expect(errors).toEqual([]);
  });

  it('renders an injected <script> in a task id and an error string as text, never as markup', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);
    const taskCells = await page.locator('#table-tasks tbody td:first-child').allTextContents();
    expect(taskCells.filter((t) => t === XSS_TASK)).toHaveLength(AGENTS.length);
    const statuses = await page.locator('#table-runs tbody td:nth-child(5)').allTextContents();
    expect(statuses.filter((t) => t === `failed: ${XSS_ERROR}`)).toHaveLength(4);
    expect(await page.textContent('#charts-scatter')).toContain(`No run with both scores: ${XSS_TASK}`);
    expect(errors).toEqual([]);
  });

  it('crucible report --bench <id>: prints the path, or {"report": path} with --json; --out moves it', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await cmdReport(['--bench', BENCH_ID])).toBe(0);
      expect(log).toHaveBeenLastCalledWith(`Report: ${reportPath}`);
      const out = path.join(stateRoot, 'elsewhere.html');
      expect(await cmdReport(['--bench', BENCH_ID, '--out', out, '--json'])).toBe(0);
      expect(JSON.parse(String(log.mock.lastCall![0]))).toMatchObject({ report: out });
      expect(await readFile(out, 'utf8')).toContain(BENCH_ID);
    } finally {
      log.mockRestore();
    }
  });

  it('an unknown benchmark id is a usage error naming the id and the folder searched (exit 2)', async () => {
    const err = await cmdReport(['--bench', 'no-such-bench']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain('"no-such-bench"');
    expect((err as Error).message).toContain(benchmarksDir(stateRoot));
    expect((err as Error).message).toContain(BENCH_ID); // the known ids are listed

    const cli = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), ['report', '--bench', 'no-such-bench'], {
      env: { ...process.env, CRUCIBLE_HOME: stateRoot },
    }).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`no benchmark "no-such-bench" in ${benchmarksDir(stateRoot)}`);
  });
});

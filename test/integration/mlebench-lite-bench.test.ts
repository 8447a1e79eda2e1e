/**
 * `crucible bench --tasks mlebench:lite` over the 22 lite competitions as `mlebench prepare` leaves
 * them (test/fixtures/mlebench-lite, registry stand-in test/fixtures/mlebench-registry), with the
 * offline operators, through the real server and sandbox: every table or text competition ends with
 * a submission its grader accepts, every other stops at once with the message saying why and how
 * to run it with an LLM endpoint, and the results carry MLE-bench's report fields and summary.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBenchmarkInput } from '../../src/cli/runInput.js';
import { projectRoot } from '../../src/config/paths.js';
import type { BenchmarkSummary } from '../../src/reports/benchResults.js';
import { benchmark } from '../../src/workflows/index.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures');
/** The lite competitions that are one table of rows to predict (the loader's types; test/unit/tasks/mlebench-loader.test.ts). */
const TABLES = [
  'detecting-insults-in-social-commentary', 'jigsaw-toxic-comment-classification-challenge', 'leaf-classification',
  'new-york-city-taxi-fare-prediction', 'nomad2018-predict-transparent-conductors', 'siim-isic-melanoma-classification',
  'spooky-author-identification', 'tabular-playground-series-dec-2021', 'tabular-playground-series-may-2022',
];
const STEPS = 4;

describe('crucible bench --tasks mlebench:lite with the offline operators', () => {
  let h: Harness;
  let summary: BenchmarkSummary;
  const saved = { ...process.env };

  beforeAll(async () => {
    process.env.MLEBENCH_COMPETITIONS_DIR = path.join(FIXTURES, 'mlebench-registry');
    process.env.MLEBENCH_SPLITS_DIR = path.join(FIXTURES, 'mlebench-registry', 'splits');
    h = await startHarness({ name: 'mlebench-lite', execConcurrency: 2 });
    const input = await buildBenchmarkInput({
      tasks: 'mlebench:lite', dataDir: path.join(FIXTURES, 'mlebench-lite'), agents: 'aira-greedy', seeds: '1', budget: '5m',
      steps: String(STEPS), concurrency: '2', selection: 'validation', execTimeout: '1m',
    });
    for (const run of input.runs) run.execTaskQueue = h.queues.exec;
    summary = await h.until(h.client.workflow.execute(benchmark, { taskQueue: h.queues.control, workflowId: h.queues.workflowId, args: [input] }));
  }, 600_000);
  afterAll(async () => {
    process.env = saved;
    await h?.close();
  });

  it('runs all 22; the 9 table and text competitions end with a submission the grader accepts', () => {
    expect(summary.results).toHaveLength(22);
    const valid = summary.results.filter((r) => r.validSubmission).map((r) => r.task).sort();
    expect(valid).toEqual(TABLES);
    for (const r of summary.results.filter((x) => TABLES.includes(x.task))) {
      expect(r.status, r.task).toBe('completed');
      expect(r.testScore, r.task).toEqual(expect.any(Number));
    }
  });

  it('every other competition stops at once: no execution, the reason and how to run it with an LLM endpoint', async () => {
    for (const r of summary.results.filter((x) => !TABLES.includes(x.task))) {
      expect(r.status, r.task).toBe('failed');
      expect(r.error, r.task).toMatch(new RegExp(`the offline operators cannot work on ${r.task}: .*Not one table of rows to predict: .*Run it with an LLM endpoint: crucible run --task \\S+ --llm-url`));
      const run = (await h.client.workflow.getHandle(r.runId).describe());
      expect(run.status.name, r.task).toBe('FAILED');
      const runSummary = JSON.parse(await readFile(path.join(h.stateRoot, 'runs', r.runId, 'summary.json'), 'utf8')) as RunSummary;
      expect(runSummary.stopReason, r.task).toBe('operator error');
      expect(runSummary.best, r.task).toBeNull();
    }
  });

  it("each graded run's grading_report.json has mlebench's fields, and the results MLE-bench's summary", async () => {
    const r = summary.results.find((x) => x.task === 'spooky-author-identification')!;
    const report = JSON.parse(await readFile(path.join(h.stateRoot, 'runs', r.runId, 'grading_report.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(expect.arrayContaining([
      'competition_id', 'score', 'gold_threshold', 'silver_threshold', 'bronze_threshold', 'median_threshold', 'any_medal', 'gold_medal',
      'silver_medal', 'bronze_medal', 'above_median', 'submission_exists', 'valid_submission', 'is_lower_better', 'created_at', 'submission_path',
    ]));
    expect(report).toMatchObject({ competition_id: 'spooky-author-identification', valid_submission: true, is_lower_better: true, test_set_feedback: false, external_knowledge: false });
    const results = JSON.parse(await readFile(path.join(summary.dir, 'results.json'), 'utf8')) as { mlebench: unknown };
    expect(JSON.stringify(results.mlebench)).toContain('"valid_submissions_percentage"');
    const md = await readFile(path.join(summary.dir, 'results.md'), 'utf8');
    expect(md).toContain('## MLE-bench summary');
  });
});

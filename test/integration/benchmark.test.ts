/**
 * A small benchmark through the real server: two bundled tasks × one preset × two seeds as child
 * workflows, two at a time, real offline operators and sandbox, every selection strategy reported.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBenchmarkInput } from '../../src/cli/runInput.js';
import type { BenchmarkSummary } from '../../src/reports/benchResults.js';
import { benchmark } from '../../src/workflows/index.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('crucible bench: runs as child workflows, one results table', () => {
  let h: Harness;
  let summary: BenchmarkSummary;

  beforeAll(async () => {
    h = await startHarness({ name: 'bench', execConcurrency: 2 });
    const q = h.queues;
    const input = await buildBenchmarkInput({
      tasks: 'breast-cancer,diabetes', agents: 'aira-greedy', seeds: '2', budget: '5m', steps: '4', concurrency: '2',
      selection: 'holdout', execTimeout: '1m',
    });
    for (const run of input.runs) run.execTaskQueue = q.exec;
    summary = await h.until(h.client.workflow.execute(benchmark, { taskQueue: q.control, workflowId: q.workflowId, args: [input] }));
  });
  afterAll(async () => h?.close());

  it('runs every (task, agent, seed) as a child workflow and completes them all', async () => {
    expect(summary.results.map((r) => `${r.task}/${r.seed}`).sort()).toEqual(['breast-cancer/0', 'breast-cancer/1', 'diabetes/0', 'diabetes/1']);
    expect(summary.results.every((r) => r.status === 'completed')).toBe(true);
    for (const r of summary.results) {
      const child = await h.client.workflow.getHandle(r.runId).describe();
      expect(child.status.name).toBe('COMPLETED');
      expect(child.parentExecution?.workflowId).toBe(h.queues.workflowId);
      const result = (await h.client.workflow.getHandle(r.runId).result()) as RunSummary;
      expect(result.nodes).toBe(4);
    }
  });

  it('each run reports every selection strategy, the oracle and the gap; the submission follows the configured strategy', async () => {
    for (const r of summary.results) {
      expect(r.selections.map((s) => s.strategy)).toEqual(['holdout', 'validation', 'kfold', 'oracle']);
      expect(r.gap).toBeGreaterThanOrEqual(0);
      const oracle = r.selections.find((s) => s.strategy === 'oracle')!;
      for (const s of r.selections) {
        // No strategy beats the oracle on the hidden test.
        if (s.testScore !== null) expect(r.task === 'diabetes' ? s.testScore >= oracle.testScore! : s.testScore <= oracle.testScore!).toBe(true);
      }
      const run = (await h.client.workflow.getHandle(r.runId).result()) as RunSummary;
      expect(run.selection.strategy).toBe('holdout');
      const holdout = run.selection.selections.find((s) => s.strategy === 'holdout')!;
      expect(run.best!.id).toBe(holdout.nodeId);
      expect(holdout.rescore).toEqual(expect.any(Number));
      expect(run.selection.selections.find((s) => s.strategy === 'kfold')!.rescore).toEqual(expect.any(Number));
    }
  });

  it('writes the results table as Markdown, CSV and JSON', async () => {
    const md = await readFile(path.join(summary.dir, 'results.md'), 'utf8');
    expect(md).toContain('| aira-greedy | breast-cancer | 2 |');
    expect(md).toContain('| aira-greedy | **all** | 4 |');
    expect(md).toContain('any medal % (oracle)');
    const csv = (await readFile(path.join(summary.dir, 'results.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(1 + 3);
    const json = JSON.parse(await readFile(path.join(summary.dir, 'results.json'), 'utf8')) as { runs: unknown[] };
    expect(json.runs).toHaveLength(4);
  });
});

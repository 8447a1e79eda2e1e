import { describe, expect, it } from 'vitest';
import { foldMean, generalizationGap, oracleNode, pickByRescore, topCandidates } from '../../../src/fitness/finalSelection.js';
import type { NodeRecord } from '../../../src/core/node.js';
import { foldOf, splitFold } from '../../../src/tasks/folds.js';
import { benchmarkTable, estimate, tableCsv, tableMarkdown, type BenchmarkRunResult } from '../../../src/reports/benchTable.js';

const node = (id: number, score: number | null, testScore: number | null, buggy = false): NodeRecord => ({
  id, parents: [0], operator: 'draft', plan: '', codeRef: null, score, buggy, bugReason: null, debugDepth: 0, testScore, exec: null, createdAt: 0, llm: null, hintIds: [],
});
const root = node(0, null, null);

describe('final selection (pure)', () => {
  const nodes = [root, node(1, 0.90, 0.80), node(2, 0.95, 0.70), node(3, null, null, true), node(4, 0.93, 0.85), node(5, 0.95, 0.60)];

  it('top k by validation, ties to the earliest node, buggy and root left out', () => {
    expect(topCandidates(nodes, 'maximize', 3).map((n) => n.id)).toEqual([2, 5, 4]);
    expect(topCandidates(nodes, 'minimize', 2).map((n) => n.id)).toEqual([1, 4]);
    expect(topCandidates([root], 'maximize', 3)).toEqual([]);
  });

  it('picks the best re-score; unscored candidates never win; all unscored keeps validation order', () => {
    const c = topCandidates(nodes, 'maximize', 3);
    expect(pickByRescore(c, [0.5, 0.7, 0.6], 'maximize')!.id).toBe(5);
    expect(pickByRescore(c, [0.5, 0.7, 0.6], 'minimize')!.id).toBe(2);
    expect(pickByRescore(c, [null, null, 0.1], 'maximize')!.id).toBe(4);
    expect(pickByRescore(c, [null, null, null], 'maximize')!.id).toBe(2);
    expect(pickByRescore(c, [0.7, 0.7, 0.7], 'maximize')!.id).toBe(2);
  });

  it('the oracle has the best test score; the gap is what the submitted node lost, never negative', () => {
    expect(oracleNode(nodes, 'maximize')!.id).toBe(4);
    expect(oracleNode(nodes, 'minimize')!.id).toBe(5);
    expect(generalizationGap(0.70, 0.85, 'maximize')).toBeCloseTo(0.15, 12);
    expect(generalizationGap(3.0, 2.5, 'minimize')).toBeCloseTo(0.5, 12);
    expect(generalizationGap(0.9, 0.85, 'maximize')).toBe(0);
    expect(generalizationGap(null, 0.85, 'maximize')).toBeNull();
  });

  it('k-fold mean, null when any fold failed', () => {
    expect(foldMean([0.8, 0.9, 1.0])).toBeCloseTo(0.9, 12);
    expect(foldMean([0.8, null])).toBeNull();
    expect(foldMean([])).toBeNull();
  });
});

describe('k-fold data', () => {
  const train = { header: ['id', 'x', 'target'], rows: Array.from({ length: 60 }, (_, i) => [String(i + 1), String(i * 2), String(i % 2)]) };

  it('folds are a function of the id, partition the rows, and drop the target from test', () => {
    const parts = [0, 1, 2].map((f) => splitFold(train, { idColumn: 'id', target: 'target' }, 3, f));
    expect(parts.reduce((n, p) => n + p.test.rows.length, 0)).toBe(60);
    for (const p of parts) {
      expect(p.train.rows.length + p.test.rows.length).toBe(60);
      expect(p.test.header).toEqual(['id', 'x']);
      expect(p.sample.header).toEqual(['id', 'target']);
      expect(p.truth.ids).toEqual(p.test.rows.map((r) => r[0]));
      expect(p.test.rows.length).toBeGreaterThan(10); // roughly balanced
    }
    expect(foldOf('17', 3)).toBe(foldOf('17', 3));
    const shuffled = { ...train, rows: [...train.rows].reverse() };
    expect(new Set(splitFold(shuffled, { idColumn: 'id', target: 'target' }, 3, 1).truth.ids)).toEqual(new Set(parts[1]!.truth.ids));
  });
});

describe('benchmark table', () => {
  const run = (agent: string, task: string, seed: number, medal: BenchmarkRunResult['medal'], over: Partial<BenchmarkRunResult> = {}): BenchmarkRunResult => ({
    task, competitionId: null, agent, seed, runId: `${task}-${agent}-${seed}`, status: 'completed', error: null, metric: 'auc', nodes: 5,
    validationScore: 0.9, testScore: 0.8, medal, aboveMedian: medal !== null, validSubmission: true, submissionExists: true, hints: 0, gap: 0.02,
    selections: [{ strategy: 'validation', testScore: 0.8, medal, aboveMedian: false }, { strategy: 'oracle', testScore: 0.85, medal: 'gold', aboveMedian: true }],
    ...over,
  });

  it('mean ± standard error over runs (sample sd / √n)', () => {
    expect(estimate([1, 0, 1, 0])).toMatchObject({ mean: 0.5, n: 4 });
    expect(estimate([1, 0, 1, 0]).se).toBeCloseTo(Math.sqrt(1 / 3 / 4), 12);
    expect(estimate([1]).se).toBeNull();
  });

  it('rates per task and overall; a failed run counts as no medal and no valid submission', () => {
    const rows = benchmarkTable([
      run('a', 't1', 0, 'gold'), run('a', 't1', 1, null), run('a', 't2', 0, 'bronze'),
      run('a', 't2', 1, null, { status: 'failed', error: 'boom', validSubmission: false, testScore: null, gap: null, selections: [] }),
      run('b', 't1', 0, 'silver'),
    ]);
    expect(rows.map((r) => `${r.agent}/${r.task}`)).toEqual(['a/t1', 'a/t2', 'a/all', 'b/t1', 'b/all']);
    const all = rows.find((r) => r.agent === 'a' && r.task === 'all')!;
    expect(all.runs).toBe(4);
    expect(all.anyMedal.mean).toBe(0.5);
    expect(all.gold.mean).toBe(0.25);
    expect(all.validSubmission.mean).toBe(0.75);
    expect(all.selectionAnyMedal.oracle!.mean).toBe(0.75);
    expect(all.testScore).toBeNull(); // metrics differ across tasks
    expect(rows[0]!.gap!.mean).toBeCloseTo(0.02, 12);
    const md = tableMarkdown(rows);
    expect(md).toContain('| a | **all** | 4 | 50.0 ± 28.9 | 25.0 ± 25.0 |');
    expect(md).toContain('any medal % (oracle)');
    expect(tableCsv(rows).split('\n')[0]).toContain('any_medal_mean,any_medal_se');
  });
});

/**
 * A benchmark's MLE-bench summary (src/reports/benchMlebench.ts) and the results files that carry it
 * (src/reports/benchResults.ts): per agent, MLE-bench's aggregation over its runs; a failed run is a
 * competition with no submission; nothing for a benchmark with a task that is not an MLE-bench competition.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchMlebenchSummary } from '../../../src/reports/benchMlebench.js';
import { writeBenchResults, type BenchResultsFile } from '../../../src/reports/benchResults.js';
import type { BenchmarkRunResult } from '../../../src/reports/benchTable.js';
import { tempDir } from '../tasks/fixtures.js';

type Outcome = 'gold' | 'silver' | 'bronze' | 'valid' | 'invalid' | 'none' | 'failed';

function run(competition: string, agent: string, seed: number, o: Outcome): BenchmarkRunResult {
  const medal = o === 'gold' || o === 'silver' || o === 'bronze' ? o : null;
  return {
    task: competition, competitionId: competition, agent, seed, runId: `b--${competition}--${agent}--s${seed}`,
    status: o === 'failed' ? 'failed' : 'completed', error: o === 'failed' ? 'worker lost' : null, metric: 'auc', nodes: 3,
    validationScore: null, testScore: null, medal, aboveMedian: medal !== null,
    validSubmission: medal !== null || o === 'valid', submissionExists: o !== 'none' && o !== 'failed', hints: 0, gap: null, selections: [],
  };
}

// Two competitions, three seeds, listed out of seed order. By hand, per seed (a, b):
// seed 0: gold, failed → any 50, exists 50, valid 50; seed 1: invalid, bronze → any 50, exists 100, valid 50;
// seed 2: none, valid → any 0, exists 50, valid 50.
const RESULTS = [
  run('a', 'greedy', 2, 'none'), run('a', 'greedy', 0, 'gold'), run('a', 'greedy', 1, 'invalid'),
  run('b', 'greedy', 0, 'failed'), run('b', 'greedy', 1, 'bronze'), run('b', 'greedy', 2, 'valid'),
  run('a', 'mcts', 0, 'silver'), run('b', 'mcts', 0, 'silver'),
];

describe("a benchmark's MLE-bench summary", () => {
  const summary = benchMlebenchSummary(RESULTS)!;

  it('per agent, seeds in seed order, over the competitions of the benchmark', () => {
    expect(summary.map((s) => [s.agent, s.competitions, s.aggregate.num_seeds_averaged])).toEqual([['greedy', ['a', 'b'], 3], ['mcts', ['a', 'b'], 1]]);
    const greedy = summary[0]!.aggregate;
    expect(greedy.seeds.map((s) => s.metrics.any_medal_percentage)).toEqual([50, 50, 0]);
    expect(greedy.seeds.map((s) => s.metrics.submission_exists_percentage)).toEqual([50, 100, 50]);
    expect(greedy.seeds.map((s) => s.metrics.valid_submissions_percentage)).toEqual([50, 50, 50]);
    expect(greedy.seeds.map((s) => s.summary.total_runs_with_submissions)).toEqual([1, 2, 1]);
    // any medal 50, 50, 0: mean 100/3, sd 50/√3, SE 50/3.
    expect(greedy.metrics.any_medal_percentage.mean).toBeCloseTo(100 / 3, 12);
    expect(greedy.metrics.any_medal_percentage.standard_error).toBeCloseTo(50 / 3, 12);
    expect(summary[1]!.aggregate.metrics.silver_medal_percentage).toEqual({ mean: 100, ci_lower: 100, ci_upper: 100, standard_error: 0 });
  });

  it('none for a benchmark with a task that is not an MLE-bench competition, or with no runs', () => {
    expect(benchMlebenchSummary([...RESULTS, { ...run('wine', 'greedy', 0, 'gold'), competitionId: null }])).toBeNull();
    expect(benchMlebenchSummary([])).toBeNull();
  });
});

describe('the results files', () => {
  const { dir, cleanup } = tempDir('crucible-bench-results-');
  afterAll(() => cleanup());

  it('results.json and results.md carry the summary, the table and the statements', async () => {
    const written = await writeBenchResults(dir, 'b', RESULTS);
    expect(written.mlebench).toEqual(benchMlebenchSummary(RESULTS));
    const json = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as BenchResultsFile;
    expect(json).toMatchObject({ benchmarkId: 'b', test_set_feedback: false, external_knowledge: false });
    expect(json.mlebench).toEqual(written.mlebench);
    const md = await readFile(path.join(dir, 'results.md'), 'utf8');
    expect(md).toContain('## MLE-bench summary');
    expect(md).toContain('### greedy: 3 complete seeds of 2 competitions');
    expect(md).toContain('| seed | any medal % | gold % | silver % | bronze % | above median % | valid submission % | submission exists % |');
    expect(md).toContain('| 1 | 50.00 | 0.00 | 0.00 | 50.00 | 50.00 | 50.00 | 100.00 |');
    expect(md).toContain('| **mean ± SE** | 33.33 ± 16.67 | 16.67 ± 16.67 |');
    expect(md).toContain('"num_seeds_averaged": 3');
    expect(md).toContain("MLE-bench's statements: test_set_feedback false, external_knowledge false.");
    expect(written.statements).toEqual({ test_set_feedback: false, external_knowledge: false });
  });

  it('a run the researcher sent hints makes external_knowledge true, naming it', async () => {
    const hinted = RESULTS.map((r, i) => (i === 1 ? { ...r, hints: 1 } : r));
    const written = await writeBenchResults(path.join(dir, 'hinted'), 'h', hinted);
    expect(written.statements).toEqual({ test_set_feedback: false, external_knowledge: true });
    const md = await readFile(path.join(dir, 'hinted', 'results.md'), 'utf8');
    expect(md).toContain('external_knowledge true (the researcher sent hints: b--a--greedy--s0).');
    expect(md).toContain('test_set_feedback: false, external_knowledge: true.');
  });

  it('no MLE-bench section when a task is not an MLE-bench competition; the statements still', async () => {
    const other = RESULTS.map((r) => ({ ...r, competitionId: null }));
    const written = await writeBenchResults(path.join(dir, 'other'), 'o', other);
    expect(written.mlebench).toBeNull();
    const json = JSON.parse(await readFile(path.join(dir, 'other', 'results.json'), 'utf8')) as BenchResultsFile;
    expect(json.mlebench).toBeUndefined();
    expect(json).toMatchObject({ test_set_feedback: false, external_knowledge: false });
    expect(await readFile(path.join(dir, 'other', 'results.md'), 'utf8')).not.toContain('MLE-bench summary');
  });
});

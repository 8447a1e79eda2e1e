/**
 * MLE-bench's leaderboard aggregation (src/reports/mlebenchAggregate.ts): by hand on small cases, and
 * against mle-bench's own experiments/aggregate_grading_reports.py run over run folders' grading
 * reports (test/fixtures/mlebench-aggregate, made by its make_oracle.py; README.md there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aggregateMlebench, completeSeeds, gradingSummary, seedMetrics, zeroReport, type CompetitionOutcome, type GradingSummary, type SeedMetrics,
} from '../../../src/reports/mlebenchAggregate.js';
import { gradingReport } from '../../../src/reports/gradingReport.js';

const outcome = (id: string, over: Partial<CompetitionOutcome> = {}): CompetitionOutcome => ({
  ...zeroReport(id), submission_exists: true, valid_submission: true, ...over,
});

describe('complete seeds', () => {
  it('seed k is the k-th report of every competition; seeds past the fewest reports are dropped', () => {
    const reports = [outcome('a'), outcome('b', { gold_medal: true }), outcome('a', { above_median: true }), outcome('b'), outcome('b', { silver_medal: true })];
    const seeds = completeSeeds(reports, ['a', 'b']);
    expect(seeds).toEqual([[reports[0], reports[1]], [reports[2], reports[3]]]);
  });

  it('a competition with no report leaves no complete seed, and says which', () => {
    expect(() => completeSeeds([outcome('a')], ['a', 'b'])).toThrow('no grading report for b: no complete seed');
  });
});

describe('one seed', () => {
  // 4 competitions: gold, silver + above median only... counted by hand.
  const seed = [
    outcome('a', { gold_medal: true, above_median: true }),
    outcome('b', { bronze_medal: true, above_median: true }),
    outcome('c', { valid_submission: false }), // a file mlebench could not score
    zeroReport('d'), // no file
  ];

  it('the percentages of its competitions', () => {
    expect(seedMetrics(seed)).toEqual<SeedMetrics>({
      total_competitions: 4, submission_exists_percentage: 75, valid_submissions_percentage: 50, above_median_percentage: 50,
      gold_medal_percentage: 25, silver_medal_percentage: 0, bronze_medal_percentage: 25, any_medal_percentage: 50,
    });
  });

  it("mlebench's summary of the run group", () => {
    expect(gradingSummary(seed)).toEqual<GradingSummary>({
      total_runs: 4, total_runs_with_submissions: 3, total_valid_submissions: 2, total_medals: 2,
      total_gold_medals: 1, total_silver_medals: 0, total_bronze_medals: 1, total_above_median: 2,
    });
  });
});

describe('across seeds', () => {
  it('mean and standard error of the mean (sample sd / √n), the interval ± 1.96 SE', () => {
    // any medal per seed: 1/2, 2/2, 0/2 → 50, 100, 0 %: mean 50, sd 50, SE 50/√3.
    const reports = [
      outcome('a', { gold_medal: true }), outcome('b'),
      outcome('a', { silver_medal: true }), outcome('b', { bronze_medal: true }),
      outcome('a'), zeroReport('b'),
    ];
    const agg = aggregateMlebench(reports, ['a', 'b']);
    expect(agg.num_seeds_averaged).toBe(3);
    expect(agg.num_competitions_per_seed).toBe(2);
    expect(agg.seeds.map((s) => s.metrics.any_medal_percentage)).toEqual([50, 100, 0]);
    const se = 50 / Math.sqrt(3);
    expect(agg.metrics.any_medal_percentage.mean).toBe(50);
    expect(agg.metrics.any_medal_percentage.standard_error).toBeCloseTo(se, 12);
    expect(agg.metrics.any_medal_percentage.ci_lower).toBeCloseTo(50 - 1.96 * se, 12);
    expect(agg.metrics.any_medal_percentage.ci_upper).toBeCloseTo(50 + 1.96 * se, 12);
    // submission exists: 100, 100, 50.
    expect(agg.metrics.submission_exists_percentage.mean).toBeCloseTo(250 / 3, 12);
  });

  it('one seed: standard error 0, as the script gives', () => {
    const agg = aggregateMlebench([outcome('a', { gold_medal: true })], ['a']);
    expect(agg.metrics.gold_medal_percentage).toEqual({ mean: 100, ci_lower: 100, ci_upper: 100, standard_error: 0 });
  });
});

describe("against mle-bench's aggregate_grading_reports.py", () => {
  const FIXTURE = path.resolve(import.meta.dirname, '../../fixtures/mlebench-aggregate');
  const competitionIds = readFileSync(path.join(FIXTURE, 'split.txt'), 'utf8').split('\n').filter(Boolean);
  // Run folders in seed order, as a benchmark's runs: <bench>--<competition>--<agent>--s<seed>.
  const runs = readdirSync(path.join(FIXTURE, 'runs')).sort((x, y) => Number(x.split('--s').pop()) - Number(y.split('--s').pop()));
  const reports = runs.map((r) => JSON.parse(readFileSync(path.join(FIXTURE, 'runs', r, 'grading_report.json'), 'utf8')) as CompetitionOutcome);
  const output = readFileSync(path.join(FIXTURE, 'oracle', 'aggregate_output.txt'), 'utf8');
  const ours = aggregateMlebench(reports, competitionIds);

  it('reads grading reports in the format the run folders write', () => {
    const written = gradingReport({ competitionId: 'x', isLowerBetter: false, grade: null, submissionPath: 'p', submissionExists: false, hints: 0, createdAt: new Date() });
    for (const r of reports) expect(Object.keys(r)).toEqual(Object.keys(written));
  });

  it('the same complete seeds and the same per-seed percentages', () => {
    const seedLines = [...output.matchAll(/^Seed \d+: SeedMetrics\((.*)\)$/gm)].map((m) =>
      Object.fromEntries(m[1]!.split(', ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)])));
    expect(seedLines).toHaveLength(3);
    expect(ours.seeds.map((s) => s.metrics)).toEqual(seedLines);
  });

  it('the same mean, standard error and interval of every metric', () => {
    const theirs = JSON.parse(output.slice(output.indexOf('{'))) as { num_seeds_averaged: number; num_competitions_per_seed: number; metrics: Record<string, Record<string, number>> };
    expect(ours.num_seeds_averaged).toBe(theirs.num_seeds_averaged);
    expect(ours.num_competitions_per_seed).toBe(theirs.num_competitions_per_seed);
    expect(Object.keys(ours.metrics)).toEqual(Object.keys(theirs.metrics));
    for (const [name, m] of Object.entries(theirs.metrics)) {
      for (const [field, value] of Object.entries(m)) expect(ours.metrics[name as keyof SeedMetrics][field as 'mean'], `${name}.${field}`).toBeCloseTo(value, 10);
    }
    expect(theirs.metrics.any_medal_percentage).toMatchObject({ mean: 58.333333333333336, standard_error: 8.333333333333334 });
  });

  it("each seed's summary is mlebench's grading report summary of that seed's run group", () => {
    ours.seeds.forEach((seed, k) => {
      const file = JSON.parse(readFileSync(path.join(FIXTURE, 'oracle', `seed-${k}_grading_report.json`), 'utf8')) as Record<string, unknown>;
      const { competition_reports: _, ...summary } = file;
      expect(seed.summary).toEqual(summary);
    });
  });
});

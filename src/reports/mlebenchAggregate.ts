/**
 * MLE-bench's leaderboard aggregation, as its experiments/aggregate_grading_reports.py computes it
 * (openai/mle-bench at 783b15a), pure, with each seed's summary as `mlebench grade` writes it for a
 * run group (mlebench/grade.py aggregate_reports). Reports are grouped by competition, in the order given; seed k
 * is the k-th report of every competition, and only complete seeds count (as many as the competition
 * with the fewest reports: the script's default, without --pad-missing). Per seed, each rate is the
 * percentage of its competitions; across seeds, the mean, the standard error of the mean (sample
 * standard deviation / √n; 0 for one seed) and the 95% interval mean ± 1.96 SE. Names are the
 * script's, so the JSON reads as its output.
 */
import { estimate } from './benchTable.js';
import type { MlebenchGradingReport } from './gradingReport.js';

/** What the aggregation reads of a grading report (the script's CompetitionReport). */
export type CompetitionOutcome = Pick<MlebenchGradingReport,
  'competition_id' | 'gold_medal' | 'silver_medal' | 'bronze_medal' | 'above_median' | 'submission_exists' | 'valid_submission'>;

/** A competition with no submission: what mlebench reports for a missing file, and the script's zero_report. */
export function zeroReport(competitionId: string): CompetitionOutcome {
  return {
    competition_id: competitionId, gold_medal: false, silver_medal: false, bronze_medal: false,
    above_median: false, submission_exists: false, valid_submission: false,
  };
}

/** One seed: counts as percentages of its competitions (the script's SeedMetrics). */
export interface SeedMetrics {
  total_competitions: number;
  submission_exists_percentage: number;
  valid_submissions_percentage: number;
  above_median_percentage: number;
  gold_medal_percentage: number;
  silver_medal_percentage: number;
  bronze_medal_percentage: number;
  any_medal_percentage: number;
}

export interface AggregateMetric {
  mean: number;
  ci_lower: number;
  ci_upper: number;
  standard_error: number;
}

/** The summary fields of mlebench's grading report of a run group (aggregate_reports). */
export interface GradingSummary {
  total_runs: number;
  total_runs_with_submissions: number;
  total_valid_submissions: number;
  total_medals: number;
  total_gold_medals: number;
  total_silver_medals: number;
  total_bronze_medals: number;
  total_above_median: number;
}

export interface MlebenchSeed {
  summary: GradingSummary;
  metrics: SeedMetrics;
}

/** The script's AggregateMetrics, with the seeds it averaged. */
export interface MlebenchAggregate {
  num_seeds_averaged: number;
  num_competitions_per_seed: number;
  metrics: Record<keyof SeedMetrics, AggregateMetric>;
  seeds: MlebenchSeed[];
}

/**
 * Seeds of one report per competition of `competitionIds`: the k-th report of each, for k below the
 * fewest reports any competition has. A competition with none leaves no complete seed: an Error
 * names it, as the script does.
 */
export function completeSeeds(reports: readonly CompetitionOutcome[], competitionIds: readonly string[]): CompetitionOutcome[][] {
  if (competitionIds.length === 0) throw new Error('no competitions to aggregate over');
  const byCompetition = new Map(competitionIds.map((id) => [id, reports.filter((r) => r.competition_id === id)]));
  const missing = competitionIds.filter((id) => byCompetition.get(id)!.length === 0);
  if (missing.length > 0) throw new Error(`no grading report for ${missing.join(', ')}: no complete seed`);
  const seeds = Math.min(...competitionIds.map((id) => byCompetition.get(id)!.length));
  return Array.from({ length: seeds }, (_, k) => competitionIds.map((id) => byCompetition.get(id)![k]!));
}

const count = (seed: readonly CompetitionOutcome[], ok: (r: CompetitionOutcome) => boolean) => seed.filter(ok).length;

export function gradingSummary(seed: readonly CompetitionOutcome[]): GradingSummary {
  const [gold, silver, bronze] = [count(seed, (r) => r.gold_medal), count(seed, (r) => r.silver_medal), count(seed, (r) => r.bronze_medal)];
  return {
    total_runs: seed.length,
    total_runs_with_submissions: count(seed, (r) => r.submission_exists),
    total_valid_submissions: count(seed, (r) => r.valid_submission),
    total_medals: gold + silver + bronze,
    total_gold_medals: gold,
    total_silver_medals: silver,
    total_bronze_medals: bronze,
    total_above_median: count(seed, (r) => r.above_median),
  };
}

export function seedMetrics(seed: readonly CompetitionOutcome[]): SeedMetrics {
  const total = seed.length;
  // count / total * 100, in the script's order of operations, so the floats are its floats.
  const percent = (ok: (r: CompetitionOutcome) => boolean) => (count(seed, ok) / total) * 100;
  return {
    total_competitions: total,
    submission_exists_percentage: percent((r) => r.submission_exists),
    valid_submissions_percentage: percent((r) => r.valid_submission),
    above_median_percentage: percent((r) => r.above_median),
    gold_medal_percentage: percent((r) => r.gold_medal),
    silver_medal_percentage: percent((r) => r.silver_medal),
    bronze_medal_percentage: percent((r) => r.bronze_medal),
    any_medal_percentage: percent((r) => r.gold_medal || r.silver_medal || r.bronze_medal),
  };
}

function aggregateMetric(values: readonly number[]): AggregateMetric {
  const { mean, se } = estimate(values);
  const standardError = se ?? 0;
  return { mean, ci_lower: mean - 1.96 * standardError, ci_upper: mean + 1.96 * standardError, standard_error: standardError };
}

/** The leaderboard's figures over the complete seeds of `reports` (see completeSeeds). */
export function aggregateMlebench(reports: readonly CompetitionOutcome[], competitionIds: readonly string[]): MlebenchAggregate {
  const seeds = completeSeeds(reports, competitionIds).map((seed) => ({ summary: gradingSummary(seed), metrics: seedMetrics(seed) }));
  const keys = Object.keys(seeds[0]!.metrics) as (keyof SeedMetrics)[];
  return {
    num_seeds_averaged: seeds.length,
    num_competitions_per_seed: competitionIds.length,
    metrics: Object.fromEntries(keys.map((k) => [k, aggregateMetric(seeds.map((s) => s.metrics[k]))])) as Record<keyof SeedMetrics, AggregateMetric>,
    seeds,
  };
}

/**
 * A benchmark's MLE-bench summary (pure), when every run is of an MLE-bench competition: per agent,
 * MLE-bench's leaderboard aggregation (mlebenchAggregate.ts) over its runs, each run one grading
 * report, in seed order, so seed k is every competition's k-th run. A failed run counts as mlebench's
 * zero report (no submission), as a run that left no file does: mlebench grades a missing file as a
 * report with submission_exists and valid_submission false, in the seed's denominator.
 */
import type { BenchmarkRunResult } from './benchTable.js';
import type { MlebenchStatements } from './gradingReport.js';
import { aggregateMlebench, zeroReport, type CompetitionOutcome, type MlebenchAggregate, type SeedMetrics } from './mlebenchAggregate.js';

export interface MlebenchAgentSummary {
  agent: string;
  /** The competitions every seed holds, in the benchmark's order. */
  competitions: string[];
  aggregate: MlebenchAggregate;
}

function outcome(r: BenchmarkRunResult, competitionId: string): CompetitionOutcome {
  if (r.status === 'failed') return zeroReport(competitionId);
  return {
    competition_id: competitionId, gold_medal: r.medal === 'gold', silver_medal: r.medal === 'silver', bronze_medal: r.medal === 'bronze',
    above_median: r.aboveMedian, submission_exists: r.submissionExists, valid_submission: r.validSubmission,
  };
}

/** Per agent, MLE-bench's summary; null unless every run is of an MLE-bench competition. */
export function benchMlebenchSummary(results: readonly BenchmarkRunResult[]): MlebenchAgentSummary[] | null {
  if (results.length === 0 || results.some((r) => r.competitionId === null)) return null;
  const competitions = [...new Set(results.map((r) => r.competitionId!))];
  const agents = [...new Set(results.map((r) => r.agent))];
  return agents.map((agent) => {
    const runs = results.filter((r) => r.agent === agent).sort((a, b) => a.seed - b.seed);
    return { agent, competitions, aggregate: aggregateMlebench(runs.map((r) => outcome(r, r.competitionId!)), competitions) };
  });
}

/** The columns, in the leaderboard's order of interest: any medal first. */
const COLUMNS: [keyof SeedMetrics, string][] = [
  ['any_medal_percentage', 'any medal %'], ['gold_medal_percentage', 'gold %'], ['silver_medal_percentage', 'silver %'],
  ['bronze_medal_percentage', 'bronze %'], ['above_median_percentage', 'above median %'],
  ['valid_submissions_percentage', 'valid submission %'], ['submission_exists_percentage', 'submission exists %'],
];

/** Two decimals, as MLE-bench's leaderboard writes its percentages. */
const pct = (x: number) => x.toFixed(2);

/** results.md's section: per agent a table (each seed, then mean ± SE) and the script's JSON. */
export function mlebenchMarkdown(summaries: readonly MlebenchAgentSummary[], statements: MlebenchStatements): string {
  const head = ['seed', ...COLUMNS.map(([, label]) => label)];
  const lines = [
    '## MLE-bench summary', '',
    "As MLE-bench's leaderboard computes it (its experiments/aggregate_grading_reports.py): seed k is every competition's",
    'k-th run by seed, only complete seeds count; each rate is the percentage of the competitions of a seed, then the mean ±',
    'standard error of the mean over seeds. A failed run or one with no submission counts as no submission.',
    `test_set_feedback: ${statements.test_set_feedback}, external_knowledge: ${statements.external_knowledge}.`,
  ];
  for (const s of summaries) {
    const a = s.aggregate;
    lines.push('', `### ${s.agent}: ${a.num_seeds_averaged} complete seeds of ${a.num_competitions_per_seed} competitions`, '',
      `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`,
      ...a.seeds.map((seed, k) => `| ${k} | ${COLUMNS.map(([key]) => pct(seed.metrics[key])).join(' | ')} |`),
      `| **mean ± SE** | ${COLUMNS.map(([key]) => `${pct(a.metrics[key].mean)} ± ${pct(a.metrics[key].standard_error)}`).join(' | ')} |`,
      '', '```json',
      JSON.stringify({ num_seeds_averaged: a.num_seeds_averaged, num_competitions_per_seed: a.num_competitions_per_seed, metrics: a.metrics }, null, 2),
      '```');
  }
  return `${lines.join('\n')}\n`;
}

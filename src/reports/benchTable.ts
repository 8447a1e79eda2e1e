/**
 * A benchmark's results table (pure): per (agent, task) and per agent over all tasks, the rates the
 * paper reports (any medal, gold, silver, bronze, above median, valid submission) as mean ± standard
 * error over runs, the generalization gap, and the same medal rates for every selection strategy and
 * for the oracle (the node with the best hidden test score), as Markdown, CSV and JSON.
 */
import type { Medal } from '../tasks/medals.js';

/** What one (task, agent, seed) run contributes to the table. */
export interface BenchmarkRunResult {
  task: string;
  /** The MLE-bench competition the task is (task.mlebench); null for other tasks. */
  competitionId: string | null;
  agent: string;
  seed: number;
  runId: string;
  status: 'completed' | 'failed';
  error: string | null;
  metric: string;
  nodes: number;
  validationScore: number | null;
  testScore: number | null;
  medal: Medal | null;
  aboveMedian: boolean;
  validSubmission: boolean;
  /** The submitted node left a submission file (false for a failed run or one with no working node). */
  submissionExists: boolean;
  /** Hints the researcher sent the run (0 for a failed run: its summary is lost). */
  hints: number;
  /** Test score lost against the oracle by the submitted node (metric units, >= 0). */
  gap: number | null;
  /** Per selection strategy (and `oracle`): the medal its pick earns. */
  selections: { strategy: string; testScore: number | null; medal: Medal | null; aboveMedian: boolean }[];
}

export interface Estimate {
  mean: number;
  /** Standard error of the mean (sample standard deviation / √n); null with fewer than 2 values. */
  se: number | null;
  n: number;
}

export interface TableRow {
  agent: string;
  /** A task id, or "all" for the agent's runs over every task. */
  task: string;
  runs: number;
  anyMedal: Estimate;
  gold: Estimate;
  silver: Estimate;
  bronze: Estimate;
  aboveMedian: Estimate;
  validSubmission: Estimate;
  /** Mean hidden test score of the submitted nodes (per task only: metrics differ across tasks). */
  testScore: Estimate | null;
  gap: Estimate | null;
  /** Any-medal rate of each strategy's pick, and of the oracle's. */
  selectionAnyMedal: Record<string, Estimate>;
}

export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { mean: 0, se: null, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: null, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n };
}

const rate = (runs: readonly BenchmarkRunResult[], ok: (r: BenchmarkRunResult) => boolean): Estimate => estimate(runs.map((r) => (ok(r) ? 1 : 0)));

function numbers(values: readonly (number | null)[]): Estimate | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length > 0 ? estimate(present) : null;
}

function row(agent: string, task: string, runs: readonly BenchmarkRunResult[], strategies: readonly string[]): TableRow {
  return {
    agent, task, runs: runs.length,
    anyMedal: rate(runs, (r) => r.medal !== null),
    gold: rate(runs, (r) => r.medal === 'gold'),
    silver: rate(runs, (r) => r.medal === 'silver'),
    bronze: rate(runs, (r) => r.medal === 'bronze'),
    aboveMedian: rate(runs, (r) => r.aboveMedian),
    validSubmission: rate(runs, (r) => r.validSubmission),
    testScore: task === 'all' ? null : numbers(runs.map((r) => r.testScore)),
    gap: task === 'all' ? null : numbers(runs.map((r) => r.gap)),
    selectionAnyMedal: Object.fromEntries(strategies.map((s) => [s, rate(runs, (r) => r.selections.some((x) => x.strategy === s && x.medal !== null))])),
  };
}

/** Rows per agent: one per task (in first-seen order), then "all". */
export function benchmarkTable(results: readonly BenchmarkRunResult[]): TableRow[] {
  const agents = [...new Set(results.map((r) => r.agent))];
  const tasks = [...new Set(results.map((r) => r.task))];
  const strategies = [...new Set(results.flatMap((r) => r.selections.map((s) => s.strategy)))];
  return agents.flatMap((agent) => {
    const mine = results.filter((r) => r.agent === agent);
    return [
      ...tasks.filter((t) => mine.some((r) => r.task === t)).map((t) => row(agent, t, mine.filter((r) => r.task === t), strategies)),
      row(agent, 'all', mine, strategies),
    ];
  });
}

/** A rate as "mean ± se" in %, one decimal. */
export const percentText = (e: Estimate): string => `${(100 * e.mean).toFixed(1)}${e.se === null ? '' : ` ± ${(100 * e.se).toFixed(1)}`}`;
/** A score as "mean ± se" (5 and 2 significant digits); "—" for none. */
export const estimateText = (e: Estimate | null): string =>
  (e === null ? '—' : `${Number(e.mean.toPrecision(5))}${e.se === null ? '' : ` ± ${Number(e.se.toPrecision(2))}`}`);

export function tableMarkdown(rows: readonly TableRow[]): string {
  const strategies = Object.keys(rows[0]?.selectionAnyMedal ?? {});
  const head = ['agent', 'task', 'runs', 'any medal %', 'gold %', 'silver %', 'bronze %', 'above median %', 'valid %', 'test score', 'gap',
    ...strategies.map((s) => `any medal % (${s})`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const rates = [r.anyMedal, r.gold, r.silver, r.bronze, r.aboveMedian, r.validSubmission].map(percentText);
    const cells = [r.agent, r.task === 'all' ? '**all**' : r.task, String(r.runs), ...rates, estimateText(r.testScore), estimateText(r.gap),
      ...strategies.map((s) => percentText(r.selectionAnyMedal[s]!))];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function tableCsv(rows: readonly TableRow[]): string {
  const strategies = Object.keys(rows[0]?.selectionAnyMedal ?? {});
  const est = (name: string) => [`${name}_mean`, `${name}_se`];
  const head = ['agent', 'task', 'runs', ...['any_medal', 'gold', 'silver', 'bronze', 'above_median', 'valid_submission', 'test_score', 'gap'].flatMap(est),
    ...strategies.flatMap((s) => est(`any_medal_${s}`))];
  const cells = (e: Estimate | null) => (e === null ? ['', ''] : [String(e.mean), e.se === null ? '' : String(e.se)]);
  const lines = [head.join(',')];
  for (const r of rows) {
    lines.push([r.agent, r.task, String(r.runs), ...[r.anyMedal, r.gold, r.silver, r.bronze, r.aboveMedian, r.validSubmission, r.testScore, r.gap].flatMap(cells),
      ...strategies.flatMap((s) => cells(r.selectionAnyMedal[s]!))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A benchmark's results as files in its folder: results.md and results.csv (the table), and results.json
 * (the table with every run's row, which the benchmark report page reads). When every task is an
 * MLE-bench competition, results.md and results.json add MLE-bench's summary (benchMlebench.ts); both
 * state MLE-bench's statements (mlebenchStatements, over every run's hints).
 */
import path from 'node:path';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { benchMlebenchSummary, mlebenchMarkdown, type MlebenchAgentSummary } from './benchMlebench.js';
import { benchmarkTable, tableCsv, tableMarkdown, type BenchmarkRunResult, type TableRow } from './benchTable.js';
import { mlebenchStatements, type MlebenchStatements } from './gradingReport.js';

/** <benchmark folder>/results.json. */
export interface BenchResultsFile extends Partial<MlebenchStatements> {
  benchmarkId: string;
  /** Recomputed from `runs` when absent. */
  table?: TableRow[];
  runs: BenchmarkRunResult[];
  /** MLE-bench's summary per agent, when every task is an MLE-bench competition. */
  mlebench?: MlebenchAgentSummary[];
}

/** What the benchmark workflow returns. */
export interface BenchmarkSummary {
  benchmarkId: string;
  results: BenchmarkRunResult[];
  table: TableRow[];
  /** MLE-bench's summary per agent; null unless every task is an MLE-bench competition. */
  mlebench: MlebenchAgentSummary[] | null;
  /** MLE-bench's statements over every run (results.json holds them at its top level). */
  statements: MlebenchStatements;
  /** Folder with results.md, results.csv, results.json. */
  dir: string;
}

/** Writes the results table as Markdown, CSV and JSON (with every run's row) to `dir`, and returns it. */
export async function writeBenchResults(dir: string, benchmarkId: string, results: BenchmarkRunResult[]): Promise<BenchmarkSummary> {
  const table = benchmarkTable(results);
  const mlebench = benchMlebenchSummary(results);
  const hinted = results.filter((r) => r.hints > 0);
  const statements = mlebenchStatements(hinted.length);
  const failed = results.filter((r) => r.status === 'failed');
  const md = [
    `# Benchmark ${benchmarkId}`, '',
    `${results.length} runs (${failed.length} failed). Rates in % as mean ± standard error over runs; test score and gap`,
    'in the metric\'s units (gap: hidden test score lost by the submitted node against the best node of the run).',
    '"any medal % (s)": the medal rate had strategy s chosen the submission; `oracle` chooses by hidden test score.',
    `MLE-bench's statements: test_set_feedback ${statements.test_set_feedback}, external_knowledge ${statements.external_knowledge}` +
      (statements.external_knowledge ? ` (the researcher sent hints: ${hinted.map((r) => r.runId).join(', ')}).` : '.'), '',
    tableMarkdown(table),
    ...(mlebench !== null ? [mlebenchMarkdown(mlebench, statements)] : []),
    ...(failed.length > 0 ? ['', '## Failed runs', '', ...failed.map((r) => `- ${r.runId}: ${r.error}`)] : []),
  ].join('\n');
  const file: BenchResultsFile = { benchmarkId, ...statements, table, runs: results, ...(mlebench !== null ? { mlebench } : {}) };
  await writeFileAtomic(path.join(dir, 'results.md'), `${md}\n`);
  await writeFileAtomic(path.join(dir, 'results.csv'), tableCsv(table));
  await writeFileAtomic(path.join(dir, 'results.json'), JSON.stringify(file, null, 1));
  return { benchmarkId, results, table, mlebench, statements, dir };
}

/**
 * A benchmark's results as files in its folder: results.md and results.csv (the table), and results.json
 * (the table with every run's row, which the benchmark report page reads).
 */
import path from 'node:path';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { benchmarkTable, tableCsv, tableMarkdown, type BenchmarkRunResult, type TableRow } from './benchTable.js';

/** <benchmark folder>/results.json. */
export interface BenchResultsFile {
  benchmarkId: string;
  /** Recomputed from `runs` when absent. */
  table?: TableRow[];
  runs: BenchmarkRunResult[];
}

/** What the benchmark workflow returns. */
export interface BenchmarkSummary {
  benchmarkId: string;
  results: BenchmarkRunResult[];
  table: TableRow[];
  /** Folder with results.md, results.csv, results.json. */
  dir: string;
}

/** Writes the results table as Markdown, CSV and JSON (with every run's row) to `dir`, and returns it. */
export async function writeBenchResults(dir: string, benchmarkId: string, results: BenchmarkRunResult[]): Promise<BenchmarkSummary> {
  const table = benchmarkTable(results);
  const failed = results.filter((r) => r.status === 'failed');
  const md = [
    `# Benchmark ${benchmarkId}`, '',
    `${results.length} runs (${failed.length} failed). Rates in % as mean ± standard error over runs; test score and gap`,
    'in the metric\'s units (gap: hidden test score lost by the submitted node against the best node of the run).',
    '"any medal % (s)": the medal rate had strategy s chosen the submission; `oracle` chooses by hidden test score.', '',
    tableMarkdown(table),
    ...(failed.length > 0 ? ['', '## Failed runs', '', ...failed.map((r) => `- ${r.runId}: ${r.error}`)] : []),
  ].join('\n');
  const file: BenchResultsFile = { benchmarkId, table, runs: results };
  await writeFileAtomic(path.join(dir, 'results.md'), `${md}\n`);
  await writeFileAtomic(path.join(dir, 'results.csv'), tableCsv(table));
  await writeFileAtomic(path.join(dir, 'results.json'), JSON.stringify(file, null, 1));
  return { benchmarkId, results, table, dir };
}

import path from 'node:path';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { benchmarkTable, tableCsv, tableMarkdown, type BenchmarkRunResult } from '../reports/benchTable.js';
import type { BenchmarkSummary } from '../workflows/types.js';

/** Writes a benchmark's results table as Markdown, CSV and JSON (with every run's row) and returns it. */
export function makeBenchmarkReport(benchmarksRoot: string) {
  return async function benchmarkReport(input: { benchmarkId: string; results: BenchmarkRunResult[] }): Promise<BenchmarkSummary> {
    const dir = path.join(benchmarksRoot, input.benchmarkId);
    const table = benchmarkTable(input.results);
    const failed = input.results.filter((r) => r.status === 'failed');
    const md = [
      `# Benchmark ${input.benchmarkId}`, '',
      `${input.results.length} runs (${failed.length} failed). Rates in % as mean ± standard error over runs; test score and gap`,
      'in the metric\'s units (gap: hidden test score lost by the submitted node against the best node of the run).',
      '"any medal % (s)": the medal rate had strategy s chosen the submission; `oracle` chooses by hidden test score.', '',
      tableMarkdown(table),
      ...(failed.length > 0 ? ['', '## Failed runs', '', ...failed.map((r) => `- ${r.runId}: ${r.error}`)] : []),
    ].join('\n');
    await writeFileAtomic(path.join(dir, 'results.md'), `${md}\n`);
    await writeFileAtomic(path.join(dir, 'results.csv'), tableCsv(table));
    await writeFileAtomic(path.join(dir, 'results.json'), JSON.stringify({ benchmarkId: input.benchmarkId, table, runs: input.results }, null, 1));
    return { benchmarkId: input.benchmarkId, results: input.results, table, dir };
  };
}

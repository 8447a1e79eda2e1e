import path from 'node:path';
import { writeBenchResults, type BenchmarkSummary } from '../reports/benchResults.js';
import type { BenchmarkRunResult } from '../reports/benchTable.js';

/** The benchmark's last activity: its results table, written to <benchmarks>/<id>/ and returned. */
export function makeWriteBenchResults(benchmarksRoot: string) {
  return async function writeBenchResultsActivity(input: { benchmarkId: string; results: BenchmarkRunResult[] }): Promise<BenchmarkSummary> {
    return writeBenchResults(path.join(benchmarksRoot, input.benchmarkId), input.benchmarkId, input.results);
  };
}

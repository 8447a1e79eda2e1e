/**
 * A benchmark: every (task, agent, seed) run as a child agentRun workflow, at most `concurrency` at
 * once, then one results table. Like any run it survives worker and server restarts: children are
 * durable workflows of their own, and this workflow only waits for them. A failed run is a row with
 * its error (no medal, no valid submission), never a failed benchmark.
 */
import * as wf from '@temporalio/workflow';
import type { BenchmarkSummary } from '../reports/benchResults.js';
import type { BenchmarkRunResult } from '../reports/benchTable.js';
import { controlWorker } from './action.js';
import { agentRun } from './agentRun.js';
import { errorText } from './run/errors.js';
import { initialSearchAttributes } from './searchAttributes.js';
import type { AgentRunInput, BenchmarkInput, BenchmarkStatus } from './types.js';
import { scoreName } from '../tasks/types.js';
import type { RunSummary } from '../core/run.js';

export const benchmarkStatusQuery = wf.defineQuery<BenchmarkStatus>('benchmarkStatus');

export async function benchmark(input: BenchmarkInput): Promise<BenchmarkSummary> {
  const benchmarkId = wf.workflowInfo().workflowId;
  const results: (BenchmarkRunResult | null)[] = input.runs.map(() => null);
  const running = new Set<string>();
  wf.setHandler(benchmarkStatusQuery, () => ({
    total: input.runs.length, done: results.filter(Boolean).length, running: [...running], results: results.filter((r): r is BenchmarkRunResult => r !== null),
  }));

  let next = 0;
  const lane = async () => {
    while (next < input.runs.length) {
      const i = next++;
      const run = input.runs[i]!;
      const runId = `${benchmarkId}--${run.task.id}--${run.agent.name}--s${run.seed}`;
      running.add(runId);
      try {
        const summary = await wf.executeChild(agentRun, {
          workflowId: runId, args: [run], typedSearchAttributes: initialSearchAttributes(run),
          staticSummary: `${run.agent.name} on ${run.task.id}, seed ${run.seed} (benchmark ${benchmarkId})`,
        });
        results[i] = resultOf(run, runId, summary);
      } catch (err) {
        results[i] = failedResult(run, runId, err);
      } finally {
        running.delete(runId);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, input.runs.length) }, lane));
  return controlWorker.writeBenchResults.executeWithOptions(
    { summary: `write the benchmark's tables (${results.length} runs)` }, [{ benchmarkId, results: results as BenchmarkRunResult[] }],
  );
}

function resultOf(run: AgentRunInput, runId: string, s: RunSummary): BenchmarkRunResult {
  const grade = s.best?.grade ?? null;
  return {
    task: run.task.id, competitionId: run.task.mlebench?.competitionId ?? null, agent: run.agent.name, seed: run.seed, runId,
    status: 'completed', error: null, metric: s.metric, nodes: s.nodes,
    validationScore: s.best?.score ?? null, testScore: grade?.score ?? null, medal: grade?.medal ?? null,
    aboveMedian: grade?.aboveMedian ?? false, validSubmission: grade?.validSubmission ?? false,
    submissionExists: s.best?.submissionRef != null, hints: s.hints.length, gap: s.selection.gap,
    selections: [
      ...s.selection.selections.map((x) => ({ strategy: x.strategy, testScore: x.testScore, medal: x.medal, aboveMedian: x.aboveMedian })),
      ...(s.selection.oracle ? [{ strategy: 'oracle', testScore: s.selection.oracle.testScore, medal: s.selection.oracle.medal, aboveMedian: s.selection.oracle.aboveMedian }] : []),
    ],
  };
}

function failedResult(run: AgentRunInput, runId: string, err: unknown): BenchmarkRunResult {
  return {
    task: run.task.id, competitionId: run.task.mlebench?.competitionId ?? null, agent: run.agent.name, seed: run.seed, runId, status: 'failed',
    error: errorText(err, 2000), metric: scoreName(run.task), nodes: 0,
    validationScore: null, testScore: null, medal: null, aboveMedian: false, validSubmission: false, submissionExists: false, hints: 0, gap: null, selections: [],
  };
}

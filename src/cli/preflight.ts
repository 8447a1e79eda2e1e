/**
 * What is checked before a run starts, so that a run that cannot succeed never starts: an MLE-bench
 * competition needs a grader (mlebench's, else Crucible's native one), and the offline operators need
 * one table of rows to predict. Either failure is bad input: a UsageError (exit 2) that says why and
 * what to do.
 */
import { UnfitTaskError, offlineTask } from '../operators/offline/task.js';
import { mlebenchGradingAuthority } from '../tasks/mlebenchGrade.js';
import type { AgentRunInput } from '../workflows/types.js';
import { UsageError } from './usageError.js';

/** The hidden grade of an MLE-bench competition has an authority; for `crucible run` and `crucible bench` alike. */
export async function checkGrader(input: AgentRunInput): Promise<void> {
  if (input.task.mlebench === undefined) return;
  const authority = await mlebenchGradingAuthority(input.task);
  if (authority.gradedBy === null) throw new UsageError(`--task: ${authority.why}`);
}

/**
 * The offline operators can work on the task. Only `crucible run` asks: a benchmark runs such a
 * competition and records its run as stopped with the same message, as mle-bench counts a run
 * with no submission.
 */
export function checkOfflineFit(input: AgentRunInput): void {
  if (input.agent.operators.backend !== 'offline') return;
  try {
    offlineTask(input.task);
  } catch (err) {
    if (err instanceof UnfitTaskError) throw new UsageError(err.message);
    throw err;
  }
}

/** What a run starts from: its search (fresh, forked or carried) and its task data in the store. */
import * as wf from '@temporalio/workflow';
import { forkSearch, newSearch, type SearchSnapshot } from '../../search/driver.js';
import type { SearchPolicy } from '../../search/policy.js';
import { controlWorker, execActivities } from '../action.js';
import { unpackSearch } from '../carry.js';
import type { AgentRunInput } from '../types.js';
import { errorText } from './errors.js';

/**
 * The search the carried state holds, else a fresh one, or for a fork one that starts from the source
 * run's nodes; a policy that cannot be forked fails the run.
 */
export function searchToRun(input: AgentRunInput, policy: SearchPolicy<unknown, unknown>, config: unknown, startedAt: number): SearchSnapshot<unknown> {
  if (input.carried) return unpackSearch(input.carried.search);
  const options = { seed: input.seed, direction: input.task.direction, createdAt: startedAt };
  if (!input.fork) return newSearch(policy, config, options);
  try {
    return forkSearch(policy, config, input.fork.nodes, options);
  } catch (err) {
    throw wf.ApplicationFailure.nonRetryable(`fork of ${input.fork.fromRunId}: ${errorText(err)}`, 'BadFork');
  }
}

/**
 * The run's input with the task's public data published to the store and, for LLM backends, the data
 * overview made in the sandbox; both once per run (carried across continue-as-new in the input).
 */
export async function withTaskData(runInput: AgentRunInput): Promise<AgentRunInput> {
  const input = runInput.taskDataRef
    ? runInput
    : { ...runInput, taskDataRef: await controlWorker.publishTaskData.executeWithOptions(
      { summary: `publish the public data of ${runInput.task.id}` }, [{ publicDir: runInput.task.publicDir }],
    ) };
  if (input.agent.operators.backend === 'offline' || input.dataOverviewRef !== undefined) return input;
  // Without an overview the prompts fall back to a plain CSV summary: not a reason to stop the run.
  const dataOverviewRef = await execActivities(input)
    .describeData.executeWithOptions(
      { summary: `describe the data of ${input.task.id} for the prompts` }, [{ runId: wf.workflowInfo().workflowId, dataRef: input.taskDataRef! }],
    )
    .catch(() => null);
  return { ...input, dataOverviewRef };
}

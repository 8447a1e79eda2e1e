/**
 * The Temporal floor of a node, for the step benchmark: a bare workflow that makes exactly the
 * activity calls of one node of agentRun (operate on the workflow's queue, execute on the exec queue,
 * then grade when the node is good, which runs while the next node's operate does, as agentRun's
 * deferred grade does), with no search, no state, no handlers. What agentRun
 * takes per node beyond this is what Crucible's own workflow code adds; this itself is what three
 * activity round trips cost on the server at hand. Bundled on its own (bench/orchestration.ts).
 */
import * as wf from '@temporalio/workflow';
import type { ExecuteInput, OperateInput } from '../src/activities/types.js';
import type { InstantActivities } from './instantActivities.js';

const control = wf.proxyActivities<InstantActivities['control']>({
  startToCloseTimeout: '10 minutes', heartbeatTimeout: '30 seconds', retry: { maximumAttempts: 3 },
});

export interface FloorInput {
  runId: string;
  nodes: number;
  execQueue: string;
  /** Nodes made by earlier executions of this run (continue-as-new). */
  done?: number;
}

export async function floorRun(input: FloorInput): Promise<number> {
  const exec = wf.proxyActivities<InstantActivities['exec']>({
    taskQueue: input.execQueue, startToCloseTimeout: '6 minutes', heartbeatTimeout: '10 seconds', retry: { maximumAttempts: 3 },
  });
  const grades: Promise<unknown>[] = [];
  for (let nodeId = (input.done ?? 0) + 1; nodeId <= input.nodes; nodeId++) {
    if (wf.workflowInfo().continueAsNewSuggested) {
      await Promise.all(grades);
      return wf.continueAsNew<typeof floorRun>({ ...input, done: nodeId - 1 });
    }
    const op = nodeId <= 5 ? 'draft' : 'improve';
    // Only the fields the instant doubles read; the rest of an operate input does not change the round trip.
    const proposal = await control.operate({ runId: input.runId, nodeId, op } as OperateInput);
    const result = await exec.execute({ runId: input.runId, nodeId, codeRef: proposal.codeRef } as ExecuteInput);
    if (!result.buggy) grades.push(control.grade());
  }
  await Promise.all(grades);
  return input.nodes;
}

/**
 * The run's queries and steering updates (README "Steering a run"). The wire names are what the CLI
 * sends. Each is one call onto the RunState: validators throw (the update is rejected and leaves no
 * trace in history); handlers never await, so every one has finished by the main loop's next await.
 */
import * as wf from '@temporalio/workflow';
import type { GraphNode } from '../../core/node.js';
import { bestNode, type SolutionGraph } from '../../search/graph.js';
import type { BudgetChange, RunStatus, SteerAck } from '../types.js';
import type { RunState } from './state.js';

export const statusQuery = wf.defineQuery<RunStatus>('status');
/** Node metadata from index `since` on (the live view polls it); nodes below the archive boundary are compact. */
export const nodesQuery = wf.defineQuery<GraphNode[], [number]>('nodes');
/** The best node by validation score so far, or null. */
export const bestQuery = wf.defineQuery<GraphNode | null>('best');
/** The whole graph's node metadata, root included (nodes below the archive boundary are compact). */
export const graphQuery = wf.defineQuery<SolutionGraph>('graph');

/** No new actions start; running ones finish and commit. The wall-clock deadline still applies. */
export const pauseUpdate = wf.defineUpdate<SteerAck>('pause');
export const resumeUpdate = wf.defineUpdate<SteerAck>('resume');
/** Finish gracefully: stop proposing, let running actions finish, then the final selection and report. */
export const stopUpdate = wf.defineUpdate<SteerAck, [reason: string | null]>('stop');
export const setBudgetUpdate = wf.defineUpdate<SteerAck, [BudgetChange]>('setBudget');
/** A human note: every following operator call gets it (LLM prompts show it); nodes record its id. */
export const hintUpdate = wf.defineUpdate<SteerAck, [text: string]>('hint');

export function setHandlers(run: RunState, graph: SolutionGraph): void {
  wf.setHandler(statusQuery, () => run.status());
  wf.setHandler(nodesQuery, (since) => graph.nodes.slice(Math.max(1, since)));
  wf.setHandler(bestQuery, () => bestNode(graph));
  wf.setHandler(graphQuery, () => graph);
  wf.setHandler(pauseUpdate, () => run.pause(), { validator: () => run.checkPause() });
  wf.setHandler(resumeUpdate, () => run.resume(), { validator: () => run.checkResume() });
  wf.setHandler(stopUpdate, (note) => run.requestStop(note), { validator: (note) => run.checkStop(note) });
  wf.setHandler(setBudgetUpdate, (change) => run.setBudget(change), { validator: (change) => run.checkSetBudget(change) });
  wf.setHandler(hintUpdate, (text) => run.addHint(text), { validator: (text) => run.checkHint(text) });
}

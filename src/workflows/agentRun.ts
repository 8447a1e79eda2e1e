import * as wf from '@temporalio/workflow';
import type { ExecActivities } from '../activities/index.js';
import { begin, isFinished, openLoop, snapshotOf, type SearchLoop } from '../search/driver.js';
import { bestNode } from '../search/graph.js';
import { policyFor } from '../search/policies.js';
import { controlWorker, execActivities, llmActivities } from './action.js';
import { packSearch } from './carry.js';
import { selectFinal } from './finalSelection.js';
import { archiveCommitted } from './run/archive.js';
import { DeadlineTimer } from './run/deadline.js';
import { setHandlers } from './run/handlers.js';
import { ActionsInFlight } from './run/inFlight.js';
import { ProgressPublisher } from './run/progress.js';
import { searchToRun, withTaskData } from './run/start.js';
import { RunState, type LoopCounts } from './run/state.js';
import { CrucibleStatus, initialSearchAttributes } from './searchAttributes.js';
import type { AgentRunInput } from './types.js';
import { metricOptimum } from '../tasks/metrics.js';
import { scoreName } from '../tasks/types.js';
import { RUN_STOPPED } from './run/errors.js';
import type { RunSummary } from '../core/run.js';

/**
 * One agent run: the search loop of docs/architecture.md "One step of a run, as data", for any policy, with up to
 * `parallelism` actions in flight (run/inFlight.ts). The workflow holds the search and the run's own
 * state (run/state.ts); every effect is an activity. Each turn of the loop reacts to the steering
 * updates (run/handlers.ts), ends the search at the wall-clock deadline (running actions are
 * cancelled and recorded as such), continues as new with the whole state when Temporal suggests it,
 * or waits: for an action to finish (its node commits, the policy proposes into the freed slots),
 * an update, or the deadline. A token or cost budget stops proposing and lets running actions finish.
 * An LLM endpoint that refuses the run's key or model stops it at once, and the run fails with that
 * error after its report is written.
 */
export async function agentRun(runInput: AgentRunInput): Promise<RunSummary> {
  // A run started before the optimum rule (src/search/improvable.ts) keeps deciding as it did.
  const optimum = wf.patched('improve-below-optimum') ? metricOptimum(runInput.task.metric) : null;
  const { policy, config } = policyFor(runInput.agent.policy, optimum);
  const run: RunState = new RunState(runInput, { runId: wf.workflowInfo().workflowId, now: () => Date.now(), counts: () => countsOf(loop, flight) });
  const loop: SearchLoop<unknown, unknown> = openLoop(policy, searchToRun(runInput, policy, config, run.startedAt), {
    parallelism: runInput.agent.parallelism, maxNodes: run.budget.maxSteps,
  });
  const progress = new ProgressPublisher(loop.graph, run.spend);
  const flight = new ActionsInFlight(loop, run, progress);
  setHandlers(run, loop.graph);
  // After the handlers, so updates sent while the task data is published are not rejected for want of one.
  const input = await withTaskData(runInput);
  if (!input.carried) {
    // A run started before 'progress-at-start' published its progress only as it changed: a fork kept
    // its parent's best score unpublished and a run without an LLM never had tokens or cost.
    const progressNow = wf.patched('progress-at-start') ? progress.atStart(run.spend) : [];
    wf.upsertSearchAttributes([...initialSearchAttributes(input), ...progressNow]);
  }
  const exec = execActivities(input);
  const deadline = new DeadlineTimer(() => run.wake());

  flight.begin({ input, exec, llm: llmActivities(input) }, () => begin(loop));
  for (;;) {
    flight.react();
    if (isFinished(loop)) break;
    if (run.deadlinePassed()) {
      flight.stopAtDeadline();
      continue;
    }
    run.drainIf(wf.workflowInfo().continueAsNewSuggested);
    if (run.readyToContinue(flight.busy)) {
      await wf.condition(wf.allHandlersFinished);
      const archivedUpTo = await archiveCommitted(loop.graph, run.archivedUpTo);
      progress.flush(run.spend);
      // Updates that arrive while archiving travel on: carryOn reads the state as it is then.
      return wf.continueAsNew<typeof agentRun>(run.carryOn(input, packSearch(snapshotOf(loop), archivedUpTo), archivedUpTo));
    }
    run.changed = false;
    if (run.awaitsDeadline) deadline.arm(run.deadline);
    await wf.condition(() => run.changed);
  }
  deadline.disarm();
  await flight.gradesDone();
  return conclude(input, exec, run, loop, progress);
}

function countsOf(loop: SearchLoop<unknown, unknown>, flight: ActionsInFlight): LoopCounts {
  return { nodes: loop.graph.nodes.length - 1, steps: loop.scheduler.state.nextTicket - 1, inFlight: flight.size, best: bestNode(loop.graph) };
}

/** The final selection, the report, the last progress; the run fails here if an operator error stopped it. */
async function conclude(
  input: AgentRunInput, exec: wf.ActivityInterfaceFor<ExecActivities>, run: RunState, loop: SearchLoop<unknown, unknown>, progress: ProgressPublisher,
): Promise<RunSummary> {
  run.phase = 'selecting';
  const nodes = loop.graph.nodes;
  const { best, ...selection } = await selectFinal(input, exec, nodes);
  const summary: Omit<RunSummary, 'runDir'> = {
    runId: wf.workflowInfo().workflowId, task: input.task.id, metric: scoreName(input.task), agent: input.agent.name, policy: input.agent.policy.kind,
    seed: input.seed, nodes: nodes.length - 1, buggyNodes: nodes.filter((n) => n.id > 0 && n.buggy).length, ...run.outcome(), best, selection,
  };
  const { runDir, isolation } = await controlWorker.writeRunFolder.executeWithOptions({ summary: `write the run's folder (${summary.nodes} nodes)` }, [{
    // Archived nodes are read from the archive: inline, a 10,000-node graph passed the 2 MB payload limit.
    runId: summary.runId, nodes: nodes.slice(run.archivedUpTo), nodesFrom: run.archivedUpTo, summary, bestNodeId: best?.id ?? null,
    task: { competitionId: input.task.mlebench?.competitionId ?? input.task.id, isLowerBetter: input.task.direction === 'minimize' },
    budget: run.budget,
  }]);
  run.phase = 'finished';
  progress.flush(run.spend);
  wf.upsertSearchAttributes([{ key: CrucibleStatus, value: run.fatalError === null ? 'completed' : 'failed' }]);
  // Handlers never await, so this returns at once; it keeps an accepted update from being cut off.
  await wf.condition(wf.allHandlersFinished);
  if (run.fatalError !== null) {
    throw wf.ApplicationFailure.nonRetryable(`the run stopped: ${run.fatalError} (report in ${runDir})`, RUN_STOPPED);
  }
  return { ...summary, isolation, runDir };
}

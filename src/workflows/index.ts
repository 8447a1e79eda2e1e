// Entry point of the workflow bundle: only deterministic code is reachable from here.
export { agentRun } from './agentRun.js';
export {
  statusQuery, nodesQuery, bestQuery, graphQuery, pauseUpdate, resumeUpdate, stopUpdate, setBudgetUpdate, hintUpdate,
} from './run/handlers.js';
export { benchmark, benchmarkStatusQuery } from './benchmark.js';

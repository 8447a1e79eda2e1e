// Entry point of the workflow bundle: only deterministic code is reachable from here.
export {
  agentRun, statusQuery, nodesQuery, bestQuery, graphQuery,
  pauseUpdate, resumeUpdate, stopUpdate, setBudgetUpdate, hintUpdate,
} from './agentRun.js';
export { benchmark, benchmarkStatusQuery } from './benchmark.js';

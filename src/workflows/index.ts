// Entry point of the workflow bundle: only deterministic code is reachable from here.
export { agentRun, statusQuery, nodesQuery } from './agentRun.js';
export { benchmark, benchmarkStatusQuery } from './benchmark.js';

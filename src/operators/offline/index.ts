export { OfflineBackend, generateOffline, type OfflineBackendOptions } from './backend.js';
export { FAULT_KINDS, type FaultKind } from './faults.js';
export { geneDiff, readGenome, type Genome } from './genome.js';
export { renderSolution } from './render.js';
export { offlineTask, UnfitTaskError, type OfflineTask } from './task.js';

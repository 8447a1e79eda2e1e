/** Labels on sandbox containers: whose execution it is, so leftovers can be traced and swept. */
export const RUN_LABEL = 'crucible.run';
export const NODE_LABEL = 'crucible.node';
export const WORKER_LABEL = 'crucible.worker';

import os from 'node:os';

/** Labels on sandbox containers: whose execution it is, so leftovers can be traced and swept. */
export const RUN_LABEL = 'crucible.run';
export const NODE_LABEL = 'crucible.node';
export const WORKER_LABEL = 'crucible.worker';

/** This process as a container's owner (WORKER_LABEL): a sweep removes a container only once its owner is gone. */
export const PROCESS_OWNER = `${os.hostname()}:${process.pid}`;

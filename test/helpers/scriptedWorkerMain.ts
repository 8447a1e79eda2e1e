/** A scripted worker process for kill tests; options come as JSON in SCRIPTED_WORKER. */
import { NativeConnection } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { installRuntime } from '../../src/workers/logging.js';
import { createScriptedWorkers } from './scriptedWorker.js';

const o = JSON.parse(process.env.SCRIPTED_WORKER ?? '') as {
  address: string; controlQueue: string; execQueue: string; seed: number; stateRoot: string; maxDelayMs: number;
};
installRuntime();
const connection = await NativeConnection.connect({ address: o.address });
const workers = await createScriptedWorkers({ ...o, connection, workflowBundle: await bundleWorkflows() });
console.log('scripted worker polling');
await Promise.all(workers.map((w) => w.run()));

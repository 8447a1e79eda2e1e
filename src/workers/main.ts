/**
 * Worker process entry:
 *   tsx src/workers/main.ts [--role control|exec|all] [--control-queue Q] [--exec-queue Q]
 *                           [--executor auto|docker|process] [--gpus 0[,1]] [--concurrency N]
 * Production runs one control worker and one exec worker per GPU (`--gpus N`, which polls the GPU
 * queue) or per CPU pool, each a process, on any number of machines.
 */
import { installRuntime } from './logging.js';
import { parseArgs } from 'node:util';
import { CONTROL_TASK_QUEUE } from '../config/constants.js';
import { connectNativeConnection, describeTemporal, temporalSettings } from '../config/temporalConnection.js';
import { bundleWorkflows } from './bundle.js';
import { createControlWorker } from './control.js';
import { createExecWorker } from './exec.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'all' },
      'control-queue': { type: 'string', default: CONTROL_TASK_QUEUE },
      'exec-queue': { type: 'string' },
      executor: { type: 'string', default: 'auto' },
      gpus: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const kind = values.executor;
  if (kind !== 'auto' && kind !== 'docker' && kind !== 'process') {
    throw new Error(`--executor must be auto, docker or process (got "${kind}")`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be a positive integer (got "${values.concurrency}")`);
  const gpus = values.gpus?.split(',').map((g) => g.trim()).filter(Boolean);
  const role = values.role;
  if (role !== 'control' && role !== 'exec' && role !== 'all') {
    throw new Error(`--role must be control, exec or all (got "${role}")`);
  }
  installRuntime();
  // Address, namespace, TLS, API key and payload encryption: all from the environment (config/temporalConnection.ts).
  const settings = temporalSettings();
  const connection = await connectNativeConnection();
  try {
    const workers = [];
    if (role !== 'exec') workers.push(await createControlWorker({ connection, workflowBundle: await bundleWorkflows(), taskQueue: values['control-queue'] }));
    if (role !== 'control') {
      workers.push(await createExecWorker({
        connection, taskQueue: values['exec-queue'], maxConcurrent: concurrency, executor: { kind, gpus },
      }));
    }
    console.log(`crucible worker (${role}) polling ${describeTemporal(settings)}`);
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * Worker process entry: `tsx src/workers/main.ts [--role control|exec|all] [--control-queue Q] [--exec-queue Q]`.
 * Production runs one control worker and one exec worker per GPU or CPU pool, each a process.
 */
import { NativeConnection } from '@temporalio/worker';
import { installRuntime } from './logging.js';
import { parseArgs } from 'node:util';
import { CONTROL_TASK_QUEUE, EXEC_CPU_TASK_QUEUE, temporalAddress } from '../config/constants.js';
import { bundleWorkflows } from './bundle.js';
import { createControlWorker } from './control.js';
import { createExecWorker } from './exec.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'all' },
      'control-queue': { type: 'string', default: CONTROL_TASK_QUEUE },
      'exec-queue': { type: 'string', default: EXEC_CPU_TASK_QUEUE },
    },
  });
  const role = values.role;
  if (role !== 'control' && role !== 'exec' && role !== 'all') {
    throw new Error(`--role must be control, exec or all (got "${role}")`);
  }
  installRuntime();
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  try {
    const workers = [];
    if (role !== 'exec') workers.push(await createControlWorker({ connection, workflowBundle: await bundleWorkflows(), taskQueue: values['control-queue'] }));
    if (role !== 'control') workers.push(await createExecWorker({ connection, taskQueue: values['exec-queue'] }));
    console.log(`crucible worker (${role}) polling ${temporalAddress()}`);
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

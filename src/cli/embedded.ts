import type { Worker } from '@temporalio/worker';
import { sharedDataRoots } from '../config/sharedData.js';
import { connectNativeConnection } from '../config/temporalConnection.js';
import { installRuntime } from '../workers/logging.js';
import { bundleWorkflows } from '../workers/bundle.js';
import { createControlWorker } from '../workers/control.js';
import { createExecWorker } from '../workers/exec.js';

/** Control and exec workers in this process (the embedded default), stopped with `stop()`. */
export async function startEmbeddedWorkers(address: string, opts: { execConcurrency?: number; execTaskQueue?: string } = {}): Promise<{ stop: () => Promise<void> }> {
  // The follower says when the server is lost and when it is back; the core's per-call retries would flood the terminal.
  installRuntime({ serverUnreachable: 'silent' });
  // TLS, API key, namespace and payload encryption come from the environment (config/temporalConnection.ts).
  const connection = await connectNativeConnection({ address });
  const workers: Worker[] = [
    // One host: the exec worker sees every path the control worker does, so task data is read in place.
    await createControlWorker({ connection, workflowBundle: await bundleWorkflows(), sharedData: sharedDataRoots(process.env, ['/']) }),
    await createExecWorker({ connection, maxConcurrent: opts.execConcurrency ?? 1, taskQueue: opts.execTaskQueue }),
  ];
  const running = workers.map((w) => w.run());
  return {
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await connection.close();
    },
  };
}

/**
 * Worker process entry:
 *   tsx src/workers/main.ts [--role control|exec|all] [--control-queue Q] [--exec-queue Q]
 *                           [--executor auto|docker|process] [--gpus 0[,1]] [--concurrency N]
 * Production runs one control worker and one exec worker per GPU (`--gpus N`, which polls the GPU
 * queue) or per CPU pool, each a process, on any number of machines.
 */
import { installRuntime } from './logging.js';
import { isServerUnreachable } from '../config/serverReachable.js';
import { parseArgs } from 'node:util';
import { CONTROL_TASK_QUEUE } from '../config/constants.js';
import { connectNativeConnection, describeTemporal, temporalSettings } from '../config/temporalConnection.js';
import { closeMlebenchGraders } from '../tasks/sources/mlebenchGrader.js';
import { bundleWorkflows } from './bundle.js';
import { createControlWorker } from './control.js';
import { createExecWorker } from './exec.js';

const USAGE = `usage: crucible-worker [--role control|exec|all] [--control-queue Q] [--exec-queue Q]
                       [--executor auto|docker|process] [--gpus 0[,1]] [--concurrency N]

  --role           control: workflows, operator calls, grading and reports; exec: solutions in the
                   sandbox; all (default): both in this process
  --control-queue  the control task queue (default ${CONTROL_TASK_QUEUE})
  --exec-queue     the exec task queue (default: the CPU queue, or the GPU queue with --gpus)
  --executor       the sandbox: auto (default: Docker where an engine and the image exist), docker, process
  --gpus           GPU indices this exec worker owns, e.g. 0 or 0,1
  --concurrency    executions at once on this exec worker (default 1)

The Temporal cluster comes from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and API
key settings; see the README).`;

/** A mistake in the command line: said with the usage, exit 2. */
class UsageError extends Error {}

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

const OPTIONS = {
  role: { type: 'string', default: 'all' },
  'control-queue': { type: 'string', default: CONTROL_TASK_QUEUE },
  'exec-queue': { type: 'string' },
  executor: { type: 'string', default: 'auto' },
  gpus: { type: 'string' },
  concurrency: { type: 'string', default: '1' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function main(): Promise<void> {
  const values = parseCommandLine();
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const kind = values.executor;
  if (kind !== 'auto' && kind !== 'docker' && kind !== 'process') {
    throw new UsageError(`--executor must be auto, docker or process (got "${kind}")`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer (got "${values.concurrency}")`);
  const gpus = values.gpus?.split(',').map((g) => g.trim()).filter(Boolean);
  const role = values.role;
  if (role !== 'control' && role !== 'exec' && role !== 'all') {
    throw new UsageError(`--role must be control, exec or all (got "${role}")`);
  }
  installRuntime();
  // Address, namespace, TLS, API key and payload encryption: all from the environment (config/temporalConnection.ts).
  const settings = temporalSettings();
  const connection = await whenReachable('connecting', () => connectNativeConnection());
  try {
    const workflowBundle = role !== 'exec' ? await bundleWorkflows() : null;
    const workers = await whenReachable('starting the workers', async () => [
      ...(workflowBundle ? [await createControlWorker({ connection, workflowBundle, taskQueue: values['control-queue'] })] : []),
      ...(role !== 'control'
        ? [await createExecWorker({ connection, taskQueue: values['exec-queue'], maxConcurrent: concurrency, executor: { kind, gpus } })]
        : []),
    ]);
    console.log(`crucible worker (${role}) polling ${describeTemporal(settings)}`);
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await closeMlebenchGraders();
    await connection.close();
  }
}

/** How long a starting worker waits for its cluster (a server restarting, a network blip) before it gives up. */
const START_PATIENCE_MS = 5 * 60_000;

/** `attempt`, retried with backoff while the cluster does not answer; any other error is final. */
async function whenReachable<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + START_PATIENCE_MS;
  for (let delayMs = 1000; ; delayMs = Math.min(2 * delayMs, 10_000)) {
    try {
      return await attempt();
    } catch (err) {
      if (!isServerUnreachable(err) || Date.now() + delayMs > giveUpAt) throw err;
      console.warn(`${what}: the Temporal cluster does not answer yet; retrying in ${delayMs / 1000} s (${(err as Error).message.split('\n')[0]})`);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  if (err instanceof UsageError) console.error(`\n${USAGE}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});

/**
 * Whether any worker serves a run: Temporal's task queues remember their pollers and when each last
 * asked for work. A live worker asks at least once per long poll (a minute on the server's default),
 * so a queue whose newest poll is older than that has nobody working on it.
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { parseDuration } from '../config/duration.js';
import { CONTROL_TASK_QUEUE } from '../config/constants.js';

const { TaskQueueType } = proto.temporal.api.enums.v1;

/** Default for how long a queue may go without a poll before its run counts as waiting for workers. */
const IDLE_AFTER_DEFAULT = '90s';

/** CRUCIBLE_WORKER_IDLE_AFTER (a duration), for clusters whose long polls are shorter or longer than a minute. */
export function idleAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const setting = env.CRUCIBLE_WORKER_IDLE_AFTER?.trim() || IDLE_AFTER_DEFAULT;
  try {
    return parseDuration(setting);
  } catch (err) {
    throw new Error(`CRUCIBLE_WORKER_IDLE_AFTER: ${(err as Error).message}`);
  }
}

/** One kind of worker a run needs, and the command that starts it. */
export interface WorkerNeed {
  queue: string;
  type: 'workflow' | 'activity';
  role: 'control' | 'exec';
}

/** A run needs a control worker (its workflow and control activities) and an exec worker on its exec queue. */
export function workersNeeded(execTaskQueue: string, controlTaskQueue = CONTROL_TASK_QUEUE): WorkerNeed[] {
  return [
    { queue: controlTaskQueue, type: 'workflow', role: 'control' },
    { queue: execTaskQueue, type: 'activity', role: 'exec' },
  ];
}

/** When a worker last polled the queue (ms since the epoch), or null when none has within the server's memory. */
export async function lastPoll(client: Client, need: WorkerNeed): Promise<number | null> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: need.queue },
    taskQueueType: need.type === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  const times = (res.pollers ?? []).map((p) => optionalTsToMs(p.lastAccessTime) ?? 0);
  return times.length > 0 ? Math.max(...times) : null;
}

/** The needs nobody has polled for within `idleMs`, each with how long ago the last poll was (null: never). */
export async function unservedNeeds(client: Client, needs: readonly WorkerNeed[], now: number, idleMs: number): Promise<Array<WorkerNeed & { idleForMs: number | null }>> {
  const polls = await Promise.all(needs.map((n) => lastPoll(client, n)));
  return needs
    .map((n, i) => ({ ...n, idleForMs: polls[i] === null ? null : now - polls[i]! }))
    .filter((n) => n.idleForMs === null || n.idleForMs > idleMs);
}

/** One line: which workers are missing and what to start. */
export function describeUnserved(runId: string, unserved: ReadonlyArray<WorkerNeed & { idleForMs: number | null }>): string {
  const missing = unserved.map((n) => `${n.role} worker on ${n.queue} (${n.idleForMs === null ? 'none seen' : `last poll ${Math.round(n.idleForMs / 1000)} s ago`})`);
  const roles = [...new Set(unserved.map((n) => n.role))];
  const start = roles.length === 2 ? '--role all' : `--role ${roles[0]}`;
  return `no worker serves run ${runId}: missing ${missing.join(' and ')}. `
    + `Start \`crucible attach ${runId}\` on a machine with the task's data, or \`crucible-worker ${start}\` on the cluster`;
}

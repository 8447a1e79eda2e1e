import Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_LABEL } from '../../src/sandbox/labels.js';
import { agentRun, nodesQuery } from '../../src/workflows/index.js';
import { bundledRunInput, tempStateRoot, testEnv, uniqueQueues } from '../helpers/temporal.js';
import { spawnWorker } from '../helpers/workerProcess.js';

describe('durability', () => {
  let env: Awaited<ReturnType<typeof testEnv>> | undefined;
  afterAll(async () => env?.close());

  it('a run survives SIGKILL of its worker mid-execution: it completes on a new worker, no node lost or duplicated, no container left', async () => {
    env = await testEnv();
    const stateRoot = await tempStateRoot();
    const q = uniqueQueues('durability');
    const steps = 8;
    const input = await bundledRunInput({ execQueue: q.exec, steps: String(steps), seed: '5' });
    const workerOpts = { address: env.address, stateRoot, controlQueue: q.control, execQueue: q.exec };

    const docker = new Docker();
    const first = spawnWorker(workerOpts);
    const handle = await env.client.workflow.start(agentRun, { taskQueue: q.control, workflowId: q.workflowId, args: [input] });

    // Wait until some nodes exist and an execution is in flight, then kill the worker outright.
    const deadline = Date.now() + 120_000;
    let killedAt = -1;
    while (Date.now() < deadline) {
      const nodes = await handle.query(nodesQuery, 1).catch(() => []);
      // A sandbox container of this run is running right now: the worker dies mid-execution.
      const containers = await docker.listContainers({ filters: { label: [`${RUN_LABEL}=${q.workflowId}`], status: ['running'] } });
      const executing = containers.length > 0;
      if (nodes.length >= 2 && executing) {
        killedAt = nodes.length;
        first.kill('SIGKILL');
        break;
      }
      await sleep(200);
    }
    expect(killedAt, `worker never reached a mid-run execution:\n${first.output()}`).toBeGreaterThanOrEqual(2);
    await first.exited;
    expect(first.signalCode).toBe('SIGKILL');

    const second = spawnWorker(workerOpts);
    try {
      const summary = await handle.result();
      expect(summary.nodes).toBe(steps);
      const nodes = await handle.query(nodesQuery, 1).catch(async () => {
        // The query needs a worker; the second one is still up, so this path should not happen.
        throw new Error(second.output());
      });
      expect(nodes.map((n) => n.id)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));

      // History: exactly one completed operate per node, so nothing was duplicated by the retry.
      const history = await handle.fetchHistory();
      const scheduled = new Map<string, string>();
      let operatesCompleted = 0;
      let executeRetried = false;
      const attempts: string[] = [];
      for (const e of history.events ?? []) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
        const c = e.activityTaskCompletedEventAttributes;
        if (c && scheduled.get(String(c.scheduledEventId)) === 'operate') operatesCompleted += 1;
        const started = e.activityTaskStartedEventAttributes;
        if (started) attempts.push(`${scheduled.get(String(started.scheduledEventId))}:${started.attempt}`);
        if (started && (started.attempt ?? 1) > 1 && scheduled.get(String(started.scheduledEventId)) === 'execute') executeRetried = true;
      }
      expect(operatesCompleted).toBe(steps);
      // The killed worker's sandbox container was swept when the new worker started: none is left.
      const left = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${q.workflowId}`] } });
      expect(left).toEqual([]);
      expect(second.output()).toMatch(/Removed [1-9]\d* sandbox container\(s\) left by a worker that is gone/);
      expect(executeRetried, `attempts: ${attempts.join(' ')}; killed after ${killedAt} nodes`).toBe(true);
    } finally {
      second.kill('SIGTERM');
      await second.exited;
    }
  });
});

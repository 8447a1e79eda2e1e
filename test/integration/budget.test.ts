import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeRecord } from '../../src/core/node.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('wall-clock budget', () => {
  let h: Harness | undefined;
  afterAll(async () => h?.close());

  it('stops the run on time while executions are still running: they are cancelled and recorded as such', async () => {
    let cancelledExecutions = 0;
    h = await startHarness({ name: 'budget', scripted: { seed: 1, hang: { onCancel: () => { cancelledExecutions += 1; } } } });
    const input = await h.input({ budget: '4s', steps: '50', execTimeout: '10m' });
    input.agent.parallelism = 2;
    const started = Date.now();
    const summary = await h.runAgent(input);
    const wall = Date.now() - started;

    expect(summary.stopReason).toBe('wall-clock budget');
    // Every execution hangs, so the two actions in flight at the deadline are the only nodes.
    expect(summary.nodes).toBe(2);
    expect(summary.best).toBeNull();
    const { nodes } = JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
    for (const n of nodes.slice(1)) expect(n).toMatchObject({ buggy: true, bugReason: expect.stringMatching(/^cancelled: the run stopped \(wall-clock budget\)/) });
    const history = await h.client.workflow.getHandle(h.queues.workflowId).fetchHistory();
    const cancelRequests = (history.events ?? []).filter((e) => e.activityTaskCancelRequestedEventAttributes).length;
    expect(cancelRequests).toBe(2);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(4000);
    expect(wall).toBeLessThan(4000 + 10_000); // not the 10-minute execution timeout
    // The activities themselves learned of the cancellation (they heartbeat), so the sandbox would be killed.
    for (let i = 0; i < 50 && cancelledExecutions < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(cancelledExecutions).toBe(2);
  });
});

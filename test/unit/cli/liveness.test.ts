import { describe, expect, it } from 'vitest';
import { ServiceError } from '@temporalio/client';
import { describeUnserved, idleAfterMs, workersNeeded } from '../../../src/cli/liveness.js';
import { formatRunRow, unservedHint, type RunRow } from '../../../src/cli/inspect.js';
import { isServerUnreachable } from '../../../src/config/serverReachable.js';

const row: RunRow = {
  runId: 'r1', status: 'running', task: 'wine', agent: 'aira-greedy', policy: 'greedy', seed: 0, nodes: 3, bestScore: 0.9,
  tokens: 0, costUsd: 0, startTime: '2026-12-05T00:00:00.000Z', closeTime: null,
};

describe('runs no worker serves', () => {
  it('needs a control worker on the control queue and an exec worker on the run\'s exec queue', () => {
    expect(workersNeeded('gpu-q', 'ctl')).toEqual([
      { queue: 'ctl', type: 'workflow', role: 'control' },
      { queue: 'gpu-q', type: 'activity', role: 'exec' },
    ]);
  });

  it('names the missing workers, how long ago they polled, and what to start', () => {
    const line = describeUnserved('r1', [
      { queue: 'ctl', type: 'workflow', role: 'control', idleForMs: 125_000 },
      { queue: 'q', type: 'activity', role: 'exec', idleForMs: null },
    ]);
    expect(line).toBe('no worker serves run r1: missing control worker on ctl (last poll 125 s ago) and exec worker on q (none seen). '
      + 'Start `crucible attach r1` on a machine with the task\'s data, or `crucible-worker --role all` on the cluster');
    expect(describeUnserved('r1', [{ queue: 'q', type: 'activity', role: 'exec', idleForMs: null }])).toContain('crucible-worker --role exec');
  });

  it('marks the row in ls, with one hint under the table', () => {
    expect(formatRunRow(row)).not.toContain('WORKER');
    expect(formatRunRow({ ...row, missingWorkers: ['exec'] })).toMatch(/NO EXEC WORKER$/);
    expect(unservedHint([row])).toBeNull();
    expect(unservedHint([row, { ...row, missingWorkers: ['control', 'exec'] }])).toMatch(/^1 running run has had no worker poll for 90 s: `crucible attach <run>`/);
  });

  it('reads CRUCIBLE_WORKER_IDLE_AFTER as a duration, naming it when it is not one', () => {
    expect(idleAfterMs({})).toBe(90_000);
    expect(idleAfterMs({ CRUCIBLE_WORKER_IDLE_AFTER: '2m' })).toBe(120_000);
    expect(() => idleAfterMs({ CRUCIBLE_WORKER_IDLE_AFTER: 'soon' })).toThrow(/^CRUCIBLE_WORKER_IDLE_AFTER: /);
  });
});

describe('isServerUnreachable', () => {
  it('sees a gRPC UNAVAILABLE through the client\'s wrapping, and nothing else', () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'x', metadata: {} });
    expect(isServerUnreachable(new ServiceError('Failed to get Workflow execution history', { cause: grpc }))).toBe(true);
    expect(isServerUnreachable(new Error('tcp connect error'))).toBe(true);
    const notFound = Object.assign(new Error('5 NOT_FOUND: workflow not found'), { code: 5, details: 'x', metadata: {} });
    expect(isServerUnreachable(new ServiceError('Failed to query Workflow', { cause: notFound }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { judgeExecution, type ExecutionEvidence } from '../../../src/fitness/verdict.js';

const MiB = 1024 ** 2;
const ENOSPC = 'Traceback (most recent call last):\n  File "/workdir/solution.py", line 4, in <module>\nOSError: [Errno 28] No space left on device\n';
const ok: ExecutionEvidence = {
  exec: { exitCode: 0, signal: null, timedOut: false, oomKilled: false, cancelled: false, stderr: { text: '', droppedBytes: 0 } },
  metricsJson: '{"metric": "auc", "score": 0.93}',
  submission: { valid: true },
  timeoutMs: 60_000,
  disk: { quotaBytes: 32 * MiB, full: false },
};
const failed = (stderr: string, full: boolean, quotaBytes: number | null = 32 * MiB): ExecutionEvidence => ({
  ...ok, metricsJson: null, submission: null,
  exec: { ...ok.exec, exitCode: 1, stderr: { text: stderr, droppedBytes: 0 } }, disk: { quotaBytes, full },
});

describe('judgeExecution: a full disk reads as such', () => {
  it('a failed run on a full workspace: disk quota exceeded, with the quota and the error', () => {
    const v = judgeExecution(failed(ENOSPC, true));
    expect(v).toMatchObject({ buggy: true, score: null, needsReview: false });
    expect(v.bugReason).toMatch(/^disk quota exceeded: the workspace is limited to 32 MiB and the solution filled it/);
    expect(v.bugReason).toContain('[Errno 28] No space left on device');
  });

  it('ENOSPC in stderr counts even when the solution removed its files before exiting', () => {
    expect(judgeExecution(failed(ENOSPC, false)).bugReason).toMatch(/^disk quota exceeded: the workspace is limited to 32 MiB and a write failed/);
  });

  it('a full workspace explains a run that exited 0 but wrote no outputs', () => {
    const v = judgeExecution({ ...ok, metricsJson: null, submission: null, disk: { quotaBytes: 64 * MiB, full: true } });
    expect(v.bugReason).toMatch(/^disk quota exceeded: the workspace is limited to 64 MiB/);
    expect(v.needsReview).toBe(false);
  });

  it('without a quota, ENOSPC is a full disk', () => {
    expect(judgeExecution(failed(ENOSPC, false, null)).bugReason).toMatch(/^disk full: no space left on device \(OSError/);
  });

  it('leaves other verdicts alone', () => {
    // A good run on a full disk is still good; timeouts and OOM keep their own reasons; other errors theirs.
    expect(judgeExecution({ ...ok, disk: { quotaBytes: 32 * MiB, full: true } })).toMatchObject({ buggy: false, score: 0.93 });
    expect(judgeExecution({ ...failed(ENOSPC, true), exec: { ...failed(ENOSPC, true).exec, timedOut: true } }).bugReason).toMatch(/^timeout/);
    expect(judgeExecution({ ...failed(ENOSPC, true), exec: { ...failed(ENOSPC, true).exec, oomKilled: true } }).bugReason).toMatch(/^out of memory/);
    expect(judgeExecution(failed('KeyError: \'x\'\n', false)).bugReason).toBe("exit code 1: KeyError: 'x'");
    const { disk: _omitted, ...noDisk } = failed('KeyError: \'x\'\n', false);
    expect(judgeExecution(noDisk).bugReason).toBe("exit code 1: KeyError: 'x'");
  });
});

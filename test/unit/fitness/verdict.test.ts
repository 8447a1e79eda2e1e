import { describe, expect, it } from 'vitest';
import { judgeExecution, type ExecutionEvidence } from '../../../src/fitness/verdict.js';

const ok: ExecutionEvidence = {
  exec: { exitCode: 0, signal: null, timedOut: false, oomKilled: false, cancelled: false, stderr: { text: '', droppedBytes: 0 } },
  metricsJson: '{"metric": "auc", "score": 0.93}',
  submission: { valid: true },
  timeoutMs: 60_000,
};
const withExec = (exec: Partial<ExecutionEvidence['exec']>): ExecutionEvidence => ({ ...ok, exec: { ...ok.exec, ...exec } });

describe('judgeExecution (fitness from an execution)', () => {
  it('takes the score from metrics.json when everything is in order', () => {
    expect(judgeExecution(ok)).toEqual({ score: 0.93, buggy: false, bugReason: null, needsReview: false });
  });

  it('a traceback becomes the bug reason (its last error line)', () => {
    const stderr = 'Traceback (most recent call last):\n  File "solution.py", line 3\nKeyError: \'mean_radius\'\n';
    const v = judgeExecution(withExec({ exitCode: 1, stderr: { text: stderr, droppedBytes: 0 } }));
    expect(v).toEqual({ score: null, buggy: true, bugReason: "exit code 1: KeyError: 'mean_radius'", needsReview: false });
  });

  it.each([
    ['timeout', withExec({ timedOut: true, exitCode: null, signal: 'SIGKILL' }), /timeout: execution exceeded its limit of 60 s/],
    ['oom', withExec({ oomKilled: true, exitCode: 137 }), /out of memory/],
    ['cancelled', withExec({ cancelled: true, exitCode: null }), /cancelled/],
    ['no metrics.json', { ...ok, metricsJson: null }, /metrics\.json missing/],
    ['bad JSON', { ...ok, metricsJson: '{score: 1' }, /not valid JSON/],
    ['non-numeric score', { ...ok, metricsJson: '{"score": "high"}' }, /"score" must be a finite number, got "high"/],
    ['NaN score', { ...ok, metricsJson: '{"score": NaN}' }, /not valid JSON/],
    ['no submission', { ...ok, submission: null }, /submission\.csv missing/],
    ['invalid submission', { ...ok, submission: { valid: false as const, reason: '3 rows, expected 4' } }, /invalid submission: 3 rows, expected 4/],
  ])('%s makes the node buggy with a reason', (_name, evidence, reason) => {
    const v = judgeExecution(evidence);
    expect(v.buggy).toBe(true);
    expect(v.score).toBeNull();
    expect(v.bugReason).toMatch(reason);
  });

  it('asks for an Analyze review only when metrics.json is the one thing missing', () => {
    expect(judgeExecution({ ...ok, metricsJson: null }).needsReview).toBe(true);
    expect(judgeExecution({ ...ok, metricsJson: null, submission: null }).needsReview).toBe(false);
    expect(judgeExecution({ ...ok, metricsJson: null, submission: { valid: false, reason: 'bad' } }).needsReview).toBe(false);
    expect(judgeExecution(withExec({ exitCode: 1 })).needsReview).toBe(false);
  });
});

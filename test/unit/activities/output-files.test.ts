import { mkdir, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_OUTPUT_FILE_BYTES, readOutputFile, tooLargeReason } from '../../../src/activities/workspace.js';
import { judgeExecution } from '../../../src/fitness/verdict.js';

describe('output files a solution writes', () => {
  it('reads a normal file, gives null for a missing file or a folder, and refuses one over the limit without reading it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crucible-outputs-'));
    await writeFile(path.join(dir, 'metrics.json'), '{"metric": "auc", "score": 0.9}');
    await mkdir(path.join(dir, 'submission.csv'));
    const huge = path.join(dir, 'huge.csv');
    await writeFile(huge, '');
    await truncate(huge, MAX_OUTPUT_FILE_BYTES + 1); // sparse: nothing is written or read
    expect(await readOutputFile(path.join(dir, 'metrics.json'))).toBe('{"metric": "auc", "score": 0.9}');
    expect(await readOutputFile(path.join(dir, 'missing.json'))).toBeNull();
    expect(await readOutputFile(path.join(dir, 'submission.csv'))).toBeNull();
    expect(await readOutputFile(huge)).toEqual({ tooLarge: MAX_OUTPUT_FILE_BYTES + 1 });
  });

  it('a too-large output makes the node buggy with that reason, even after a clean exit', () => {
    const reason = tooLargeReason('submission.csv', 300 * 1024 * 1024);
    expect(reason).toBe('submission.csv is 300 MiB; outputs larger than 256 MiB are not read');
    const verdict = judgeExecution({
      exec: { exitCode: 0, signal: null, timedOut: false, oomKilled: false, cancelled: false, stderr: { text: '', droppedBytes: 0 } },
      metricsJson: '{"metric": "auc", "score": 0.9}', submission: null, timeoutMs: 60_000, tooLarge: reason,
    });
    expect(verdict).toMatchObject({ buggy: true, bugReason: reason, score: null });
  });
});

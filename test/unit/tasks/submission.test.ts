import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../../../src/tasks/load.js';
import { validateSubmission } from '../../../src/tasks/submission.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { tempDir, writeTask } from './fixtures.js';

let task: TaskSpec;
let textIds: TaskSpec;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  const a = tempDir();
  cleanups.push(a.cleanup);
  task = await loadTask(writeTask(a.dir));
  const b = tempDir();
  cleanups.push(b.cleanup);
  textIds = await loadTask(
    writeTask(b.dir, {
      test: 'id,x\nab-1,0\nab-2,1\n007,2\n',
      sample: 'id,target\nab-1,0\nab-2,0\n007,0\n',
      answers: 'id,target\nab-1,0\nab-2,1\n007,1\n',
    }),
  );
});
afterAll(() => cleanups.forEach((c) => c()));

function reason(t: TaskSpec, csv: string): string {
  const r = validateSubmission(t, csv);
  if (r.valid) throw new Error('expected an invalid submission');
  return r.reason;
}

describe('validateSubmission', () => {
  it('accepts a submission shaped like the sample, in any row or column order', () => {
    const r = validateSubmission(task, 'target,id\n1,5\n0,1\n1,3\n0,2\n1,4\n');
    expect(r.valid).toBe(true);
    // Rows come back in the sample's order.
    if (r.valid) expect(r.rows.map((row) => [row.id, row.target])).toEqual([['1', '0'], ['2', '0'], ['3', '1'], ['4', '1'], ['5', '1']]);
  });

  it('accepts CRLF, a BOM, quoted fields, and integer ids written as floats', () => {
    expect(validateSubmission(task, '\uFEFFid,target\r\n1.0,0\r\n2.0,1\r\n"3",0\r\n4,1\r\n5,0.5').valid).toBe(true);
  });

  it('rejects missing and unexpected columns', () => {
    expect(reason(task, 'id,prediction\n1,0\n2,0\n3,0\n4,0\n5,0\n')).toBe(
      'submission.csv: missing column `target` (expected columns: id, target; got: id, prediction)',
    );
    expect(reason(task, 'id,target,extra\n1,0,1\n2,0,1\n3,0,1\n4,0,1\n5,0,1\n')).toBe(
      'submission.csv: unexpected column `extra` (expected columns: id, target)',
    );
    expect(reason(task, 'id,target,target\n1,0,0\n')).toContain('duplicate column `target`');
  });

  it('rejects a wrong row count', () => {
    expect(reason(task, 'id,target\n1,0\n2,0\n3,0\n4,0\n')).toBe('submission.csv: 4 rows, expected 5');
    expect(reason(task, 'id,target\n')).toBe('submission.csv: 0 rows, expected 5');
  });

  it('rejects ids outside the test set, with examples', () => {
    expect(reason(task, 'id,target\n1,0\n2,0\n3,0\n4,0\n17,0\n')).toBe(
      'submission.csv: ids differ: 1 not in the test set, e.g. 17; 1 test id missing, e.g. 5',
    );
    expect(reason(task, 'id,target\n11,0\n12,0\n13,0\n14,0\n5,0\n')).toContain('ids differ: 4 not in the test set, e.g. 11, 12, 13, …');
    expect(reason(task, 'id,target\n1,0\n2,0\n3,0\n4,0\n,0\n')).toContain('e.g. ""');
  });

  it('rejects duplicate ids', () => {
    expect(reason(task, 'id,target\n1,0\n2,0\n3,0\n4,0\n4.0,1\n')).toBe('submission.csv: 1 duplicate id, e.g. 4.0');
  });

  it('rejects missing and non-numeric predictions where the sample has numbers', () => {
    expect(reason(task, 'id,target\n1,0\n2,\n3,0\n4,0\n5,0\n')).toBe('submission.csv: column `target`: missing value for id 2');
    expect(reason(task, 'id,target\n1,0\n2,abc\n3,0\n4,0\n5,0\n')).toBe(
      'submission.csv: column `target`: "abc" for id 2 is not a finite number',
    );
    expect(reason(task, 'id,target\n1,nan\n2,0\n3,0\n4,0\n5,0\n')).toContain('"nan" for id 1 is not a finite number');
    expect(reason(task, 'id,target\n1,inf\n2,0\n3,0\n4,0\n5,0\n')).toContain('not a finite number');
  });

  it('reports malformed CSV and empty input', () => {
    expect(reason(task, 'id,target\n1,0\n2\n')).toBe('submission.csv: malformed CSV: line 3: 1 fields, expected 2 (as in the header)');
    expect(reason(task, '')).toBe('submission.csv: malformed CSV: empty file: no header row');
    expect(reason(task, 'id,target\n1,"0\n')).toContain('unterminated quoted field');
  });

  it('compares non-integer ids as trimmed strings (no numeric folding)', () => {
    expect(validateSubmission(textIds, 'id,target\n007,1\nab-2,0\n ab-1 ,0\n').valid).toBe(true);
    expect(reason(textIds, 'id,target\n7,1\nab-2,0\nab-1,0\n')).toContain('ids differ: 1 not in the test set, e.g. 7; 1 test id missing, e.g. 007');
  });
});

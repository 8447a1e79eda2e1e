import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeSelection, gradeSubmission, scoreAgainst } from '../../../src/tasks/grade.js';
import { loadTask, TaskError } from '../../../src/tasks/load.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { DEFAULT_YAML, leaderboardCsv, tempDir, writeTask } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir()));
afterAll(() => cleanup());

/**
 * Ids 1..8 in the public test file and the sample submission: 1..5 are the hidden test
 * (private/answers.csv), 6..8 the selection holdout (private/selection.csv), appended unlabelled.
 */
const HIDDEN = [0, 1, 0, 1, 1];
const HOLDOUT = [1, 0, 1];

async function selectionTask(
  name: string,
  opts: { yaml?: string; hidden?: readonly (number | string)[]; holdout?: readonly (number | string)[]; sampleValue?: string; leaderboard?: string } = {},
): Promise<TaskSpec> {
  const hidden = opts.hidden ?? HIDDEN;
  const holdout = opts.holdout ?? HOLDOUT;
  const n = hidden.length + holdout.length;
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const dir = writeTask(path.join(root, name), {
    yaml: (opts.yaml ?? DEFAULT_YAML) + 'selection: private/selection.csv\n',
    test: 'id,x\n' + ids.map((i) => `${i},${(i / 10).toFixed(1)}`).join('\n') + '\n',
    sample: 'id,target\n' + ids.map((i) => `${i},${opts.sampleValue ?? '0'}`).join('\n') + '\n',
    answers: 'id,target\n' + hidden.map((y, i) => `${i + 1},${y}`).join('\n') + '\n',
    leaderboard: opts.leaderboard,
  });
  writeFileSync(
    path.join(dir, 'private/selection.csv'),
    'id,target\n' + holdout.map((y, i) => `${hidden.length + i + 1},${y}`).join('\n') + '\n',
  );
  return loadTask(dir);
}

function submission(preds: readonly (number | string)[], header = 'id,target'): string {
  return header + '\n' + preds.map((p, i) => `${i + 1},${p}`).join('\n') + '\n';
}

describe('selection holdout: grading scores the hidden test only, selection scores the holdout only', () => {
  let task: TaskSpec;
  beforeAll(async () => {
    // N = 5: gold rank 1 (1.0), silver rank 1, bronze rank 2 (0.8), median 0.6.
    task = await selectionTask('acc', { leaderboard: leaderboardCsv([1, 0.8, 0.6, 0.4, 0.2]) });
  });

  it('loads selectionPath', () => {
    expect(task.selectionPath).toBe(path.join(task.dir, 'private/selection.csv'));
  });

  it('a perfect submission scores 1 on both', async () => {
    const perfect = submission([...HIDDEN, ...HOLDOUT]);
    expect(await gradeSubmission(task, perfect)).toMatchObject({ score: 1, validSubmission: true, medal: 'gold', reason: null });
    expect(await gradeSelection(task, perfect)).toEqual({ score: 1, reason: null });
  });

  it('holdout rows do not count in the test score, and test rows do not count in the selection score', async () => {
    // Hidden rows all right, holdout rows all wrong.
    const sub = submission([...HIDDEN, 0, 1, 0]);
    expect((await gradeSubmission(task, sub)).score).toBe(1);
    expect(await gradeSelection(task, sub)).toEqual({ score: 0, reason: null });
    // Hidden: 3 of 5 right (ids 1..3 right, 4, 5 wrong) = 0.6; holdout: 2 of 3 (id 8 wrong) = 0.66667.
    const mixed = submission([0, 1, 0, 0, 0, 1, 0, 0]);
    expect(await gradeSubmission(task, mixed)).toMatchObject({ score: 0.6, medal: null, aboveMedian: false });
    expect(await gradeSelection(task, mixed)).toEqual({ score: 0.66667, reason: null });
  });

  it('matches rows by id, in any order', async () => {
    const shuffled = 'target,id\n1,8\n1,5\n0,1\n0,7\n1,2\n1,6\n1,4\n0,3\n';
    expect((await gradeSubmission(task, shuffled)).score).toBe(1);
    // Holdout: id 6 → 1 (right), id 7 → 0 (right), id 8 → 1 (right).
    expect((await gradeSelection(task, shuffled)).score).toBe(1);
  });

  it('a submission with only the hidden test rows is invalid: the whole sample must be answered', async () => {
    const report = await gradeSubmission(task, submission(HIDDEN));
    expect(report).toMatchObject({ score: null, validSubmission: false, reason: 'submission.csv: 5 rows, expected 8' });
    expect(await gradeSelection(task, submission(HIDDEN))).toEqual({ score: null, reason: 'submission.csv: 5 rows, expected 8' });
  });

  it('a task without a selection holdout has no selection score', async () => {
    const plain = await loadTask(writeTask(path.join(root, 'plain'), {}));
    expect(await gradeSelection(plain, submission(HIDDEN))).toEqual({ score: null, reason: 'task tiny has no selection holdout (task.yaml `selection:`)' });
  });

  it('answers or selection ids missing from the sample submission are a task error', async () => {
    const dir = writeTask(path.join(root, 'broken'), { yaml: DEFAULT_YAML + 'selection: private/selection.csv\n' });
    writeFileSync(path.join(dir, 'private/selection.csv'), 'id,target\n42,1\n');
    const broken = await loadTask(dir);
    await expect(gradeSelection(broken, submission(HIDDEN))).rejects.toThrow(TaskError);
    await expect(gradeSelection(broken, submission(HIDDEN))).rejects.toThrow(/id 42 is not in/);
  });

  it('a selection file without the target column fails at load time', async () => {
    const dir = writeTask(path.join(root, 'nocol'), { yaml: DEFAULT_YAML + 'selection: private/selection.csv\n' });
    writeFileSync(path.join(dir, 'private/selection.csv'), 'id,label\n6,1\n');
    await expect(loadTask(dir)).rejects.toThrow(/selection.csv: missing column `target`/);
    const missing = writeTask(path.join(root, 'nofile'), { yaml: DEFAULT_YAML + 'selection: private/nope.csv\n' });
    await expect(loadTask(missing)).rejects.toThrow(/field `selection`: file not found/);
  });
});

describe('invalid submissions are recorded with a reason by gradeSubmission and gradeSelection, never thrown', () => {
  let acc: TaskSpec;
  let text: TaskSpec;
  let auc: TaskSpec;
  let logloss: TaskSpec;
  let f1: TaskSpec;
  beforeAll(async () => {
    acc = await selectionTask('inv-acc');
    text = await selectionTask('inv-text', { hidden: ['cat', 'dog', 'cat', 'bird', 'dog'], holdout: ['dog', 'cat', 'bird'], sampleValue: 'cat' });
    auc = await selectionTask('inv-auc', { yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: auc'), sampleValue: '0.5' });
    logloss = await selectionTask('inv-logloss', { yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: logloss'), sampleValue: '0.5' });
    f1 = await selectionTask('inv-f1', { yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: f1') });
  });

  const good = [...HIDDEN, ...HOLDOUT];
  const cases: [string, () => TaskSpec, string, string | RegExp][] = [
    ['missing ids (one replaced by an unknown id)', () => acc, submission(good).replace('\n8,1\n', '\n99,1\n'), 'submission.csv: ids differ: 1 not in the test set, e.g. 99; 1 test id missing, e.g. 8'],
    ['an extra id', () => acc, submission([...good, 1]), 'submission.csv: 9 rows, expected 8'],
    ['a duplicated id', () => acc, submission(good).replace('\n8,1\n', '\n7,1\n'), 'submission.csv: 1 duplicate id, e.g. 7'],
    ['a wrong column name', () => acc, submission(good, 'id,label'), /^submission.csv: missing column `target` \(expected columns: id, target; got: id, label\)/],
    ['an extra column', () => acc, 'id,target,p\n' + good.map((y, i) => `${i + 1},${y},0.5`).join('\n') + '\n', 'submission.csv: unexpected column `p` (expected columns: id, target)'],
    ['NaN', () => acc, submission(good.map((y, i) => (i === 6 ? 'NaN' : y))), 'submission.csv: column `target`: "NaN" for id 7 is not a finite number'],
    ['an empty value', () => acc, submission(good.map((y, i) => (i === 1 ? '' : y))), 'submission.csv: column `target`: missing value for id 2'],
    ['no rows', () => acc, 'id,target\n', 'submission.csv: 0 rows, expected 8'],
    ['too few rows', () => acc, submission(good.slice(0, 7)), 'submission.csv: 7 rows, expected 8'],
    ['malformed CSV', () => acc, 'id,target\n1,"0\n', /^submission.csv: malformed CSV: unterminated quoted field/],
    ['an empty file', () => acc, '', 'submission.csv: malformed CSV: empty file: no header row'],
    ['a ragged row', () => acc, 'id,target\n1,0,7\n', /^submission.csv: malformed CSV: line 2: 3 fields, expected 2/],
    ['text where numbers are needed', () => acc, submission(good.map((y, i) => (i === 0 ? 'yes' : y))), 'submission.csv: column `target`: "yes" for id 1 is not a finite number'],
    ['text where probabilities are needed (auc)', () => auc, submission(good.map((y, i) => (i === 3 ? 'high' : y))), 'submission.csv: column `target`: "high" for id 4 is not a finite number'],
    ['a numeric label outside the classes', () => acc, submission(good.map((y, i) => (i === 2 ? 2 : y))), 'submission.csv: column `target`: "2" for id 3 is not one of the classes (0, 1)'],
    ['a label outside the classes in a holdout row', () => acc, submission(good.map((y, i) => (i === 7 ? 7 : y))), 'submission.csv: column `target`: "7" for id 8 is not one of the classes (0, 1)'],
    ['a text label outside the classes', () => text, submission(['cat', 'dog', 'elephant', 'bird', 'dog', 'dog', 'cat', 'bird']), /^submission.csv: column `target`: "elephant" for id 3 is not one of the classes \(/],
    ['a probability above 1 (logloss)', () => logloss, submission([0.1, 0.9, 0.2, 1.5, 0.7, 0.6, 0.4, 0.5]), 'submission.csv: column `target`: 1.5 for id 4 is not a probability in [0, 1]'],
    ['a negative probability (logloss)', () => logloss, submission([0.1, 0.9, -0.2, 0.5, 0.7, 0.6, 0.4, 0.5]), 'submission.csv: column `target`: -0.2 for id 3 is not a probability in [0, 1]'],
  ];

  it.each(cases)('%s', async (_, task, sub, reason) => {
    const report = await gradeSubmission(task(), sub);
    expect(report).toMatchObject({ score: null, validSubmission: false, medal: null, anyMedal: false });
    expect(report.reason).toMatch(typeof reason === 'string' ? new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : reason);
    const sel = await gradeSelection(task(), sub);
    expect(sel.score).toBeNull();
    expect(sel.reason).toBe(report.reason);
  });

  it('soft labels for f1 are invalid on the rows scored (hidden for grading, holdout for selection)', async () => {
    const soft = submission([0.1, 0.9, 0.2, 0.8, 0.7, 0.6, 0.4, 0.5]);
    expect((await gradeSubmission(f1, soft)).reason).toBe(
      'submission.csv: cannot be scored with f1: predictions (F1 needs hard labels) must be 0 or 1 (binary task), got 0.1',
    );
    expect((await gradeSelection(f1, soft)).reason).toBe(
      'submission.csv: cannot be scored with f1: predictions (F1 needs hard labels) must be 0 or 1 (binary task), got 0.6',
    );
  });

  it('labels written as floats ("0.0", "1.0") match integer answers, for accuracy and f1', async () => {
    const floats = submission([...HIDDEN, ...HOLDOUT].map((y) => `${y}.0`));
    expect((await gradeSubmission(acc, floats)).score).toBe(1);
    expect((await gradeSelection(acc, floats)).score).toBe(1);
    expect((await gradeSubmission(f1, floats)).score).toBe(1);
    expect((await gradeSelection(f1, floats)).score).toBe(1);
  });

  it('multi-class text labels are scored by accuracy', async () => {
    // Hidden: cat dog cat bird dog; predicted cat dog dog bird cat → 3 of 5 = 0.6.
    // Holdout: dog cat bird; predicted dog bird bird → 2 of 3 = 0.66667.
    const sub = submission(['cat', 'dog', 'dog', 'bird', 'cat', 'dog', 'bird', 'bird']);
    expect((await gradeSubmission(text, sub)).score).toBe(0.6);
    expect(await gradeSelection(text, sub)).toEqual({ score: 0.66667, reason: null });
  });
});

describe('scoreAgainst (labels outside the task files, e.g. a k-fold fold)', () => {
  let task: TaskSpec;
  beforeAll(async () => {
    task = await loadTask(writeTask(path.join(root, 'fold'), {}));
  });
  const truth = { ids: ['10', '11', '12'], labels: ['0', '1', '1'] };

  it('scores the rows of the given ids', () => {
    // 2 of 3 right.
    expect(scoreAgainst(task, truth, 'id,target\n10,0\n11,1\n12,0\n')).toEqual({ score: 0.66667, reason: null });
    expect(scoreAgainst(task, truth, 'target,id\n1,12\n0,10\n1,11\n')).toEqual({ score: 1, reason: null });
  });

  it.each([
    ['id,target\n10,0\n11,1\n', 'submission.csv: 2 rows, expected 3'],
    ['id,label\n10,0\n11,1\n12,0\n', 'submission.csv: missing column `target` (got: id, label)'],
    ['id,target\n10,0\n10,1\n12,0\n', 'submission.csv: duplicate id 10'],
    ['id,target\n10,0\n11,1\n99,0\n', 'submission.csv: id 12 missing'],
    ['id,target\n10,0\n11,\n12,0\n', 'submission.csv: column `target`: missing value for id 11'],
    ['id,target\n10,0\n11,5\n12,0\n', 'submission.csv: column `target`: "5" for id 11 is not one of the classes (0, 1)'],
    ['', 'submission.csv: malformed CSV: empty file: no header row'],
  ])('%j is invalid', (sub, reason) => {
    expect(scoreAgainst(task, truth, sub)).toEqual({ score: null, reason });
  });
});

import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { gradeSelection, gradeSubmission, taskThresholds } from '../../../src/tasks/grade.js';
import { loadTask, TaskError } from '../../../src/tasks/load.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { leaderboardCsv, tempDir } from './fixtures.js';

/**
 * test/fixtures/mlebench/toy-spaceship is a fake competition in the layout `mlebench prepare` writes:
 * <data-dir>/<id>/prepared/public/{description.md, train.csv, test.csv, sample_submission.csv} and
 * <data-dir>/<id>/prepared/private/test.csv, with the registry's config.yaml and leaderboard.csv
 * (mlebench/competitions/<id>/) mirrored next to prepared/. 20 teams: gold 0.9 (rank 2), silver 0.8
 * (rank 4), bronze 0.7 (rank 8), median 0.6.
 */
const FIXTURE = path.join(projectRoot, 'test', 'fixtures', 'mlebench', 'toy-spaceship');
const IDS = ['9001_01', '9002_01', '9003_01', '9004_01', '9005_01', '9006_01', '9007_01', '9008_01', '9009_01', '9010_01'];
const TRUTH = ['True', 'False', 'True', 'True', 'False', 'False', 'True', 'False', 'True', 'False'];
const NO_MLEBENCH = { mlebench: false } as const;

function submission(preds: readonly string[], ids: readonly string[] = IDS, header = 'PassengerId,Transported'): string {
  return header + '\n' + preds.map((p, i) => `${ids[i]},${p}`).join('\n') + '\n';
}

/** TRUTH with the first k labels flipped: accuracy (10 - k) / 10. */
function flipped(k: number): string[] {
  return TRUTH.map((t, i) => (i < k ? (t === 'True' ? 'False' : 'True') : t));
}

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir('crucible-mlebench-')));
afterAll(() => cleanup());

/** A copy of the fixture under the temp root, changed by `edit`. */
function copyFixture(name: string, edit: (dir: string) => void = () => {}): string {
  const dir = path.join(root, name, 'toy-spaceship');
  cpSync(FIXTURE, dir, { recursive: true });
  edit(dir);
  return dir;
}

describe("grading an MLE-bench competition with Crucible's grader", () => {
  let task: TaskSpec;
  beforeAll(async () => {
    task = await loadTask(FIXTURE);
  });

  it.each([
    [0, 1, 'gold'],
    [1, 0.9, 'gold'],
    [2, 0.8, 'silver'],
    [3, 0.7, 'bronze'],
    [4, 0.6, null],
  ] as const)('%i labels wrong → %d, medal %s', async (k, score, medal) => {
    const report = await gradeSubmission(task, submission(flipped(k)), NO_MLEBENCH);
    expect(report).toMatchObject({
      taskId: 'toy-spaceship',
      score,
      medal,
      validSubmission: true,
      goldThreshold: 0.9,
      silverThreshold: 0.8,
      bronzeThreshold: 0.7,
      medianThreshold: 0.6,
      isLowerBetter: false,
      aboveMedian: score > 0.6,
      gradedBy: 'crucible',
      reason: null,
    });
  });

  it('falls back to its own grader when mlebench is not installed (by default, and with a missing Python)', async () => {
    expect(await gradeSubmission(task, submission(TRUTH))).toMatchObject({ score: 1, medal: 'gold', gradedBy: 'crucible' });
    expect(await gradeSubmission(task, submission(TRUTH), { mlebench: { python: path.join(root, 'no-such-python') } })).toMatchObject({
      score: 1,
      gradedBy: 'crucible',
    });
  });

  it.each([
    ['a missing id', submission(TRUTH.slice(0, 9)), 'submission.csv: 9 rows, expected 10'],
    ['an unknown id', submission(TRUTH, [...IDS.slice(0, 9), '9999_01']), 'submission.csv: ids differ: 1 not in the test set, e.g. 9999_01; 1 test id missing, e.g. 9010_01'],
    ['a wrong column', submission(TRUTH, IDS, 'PassengerId,Label'), /^submission.csv: missing column `Transported`/],
    ['an empty label', submission(TRUTH.map((t, i) => (i === 4 ? '' : t))), 'submission.csv: column `Transported`: missing value for id 9005_01'],
    ['a label outside the classes', submission(TRUTH.map((t, i) => (i === 2 ? 'Maybe' : t))), 'submission.csv: column `Transported`: "Maybe" for id 9003_01 is not one of the classes (False, True)'],
    ['lower-case labels', submission(TRUTH.map((t) => t.toLowerCase())), /^submission.csv: column `Transported`: "true" for id 9001_01 is not one of the classes/],
  ])('records %s as invalid, with thresholds but no medal', async (_, sub, reason) => {
    const report = await gradeSubmission(task, sub, NO_MLEBENCH);
    expect(report).toMatchObject({ score: null, validSubmission: false, medal: null, anyMedal: false, goldThreshold: 0.9, medianThreshold: 0.6 });
    expect(report.reason).toMatch(typeof reason === 'string' ? new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : reason);
  });

  it('has no selection holdout unless crucible.yaml names one', async () => {
    expect((await gradeSelection(task, submission(TRUTH))).score).toBeNull();
    const dir = copyFixture('selection', (d) => {
      // Ids 9009_01 and 9010_01 become the selection holdout.
      const answers = path.join(d, 'prepared/private/test.csv');
      const lines = readFileSync(answers, 'utf8').trim().split('\n');
      writeFileSync(answers, lines.slice(0, 9).join('\n') + '\n');
      writeFileSync(path.join(d, 'prepared/private/selection.csv'), [lines[0], ...lines.slice(9)].join('\n') + '\n');
      writeFileSync(path.join(d, 'crucible.yaml'), 'selection: prepared/private/selection.csv\n');
    });
    const t = await loadTask(dir);
    // Wrong on 9009_01 (holdout) and 9010_01 (holdout): test 8/8 = 1, selection 0/2.
    const sub = submission(TRUTH.map((y, i) => (i >= 8 ? (y === 'True' ? 'False' : 'True') : y)));
    expect((await gradeSubmission(t, sub, NO_MLEBENCH)).score).toBe(1);
    expect(await gradeSelection(t, sub)).toEqual({ score: 0, reason: null });
  });
});

/**
 * A stand-in for the mlebench Python package with the API Crucible calls (registry.set_data_dir(…)
 * .get_competition(id), grade.grade_csv(path, competition).to_dict()), so the spawn-and-parse path is
 * tested without the real package. Its score is the submission's row count / 100, so the test can
 * see which rows it was given; FAKE_INVALID=1 makes it reject the submission as mlebench does.
 */
const FAKE_REGISTRY = `
from pathlib import Path
class _Competition:
    def __init__(self, id, data_dir):
        self.id = id
        self.data_dir = data_dir
class _Registry:
    def __init__(self, data_dir=Path('.')):
        self.data_dir = data_dir
    def set_data_dir(self, data_dir):
        return _Registry(data_dir)
    def get_competition(self, competition_id):
        if not (Path(self.data_dir) / competition_id / 'prepared' / 'private').is_dir():
            raise FileNotFoundError(competition_id)
        if competition_id == 'unknown-competition':
            raise FileNotFoundError('config.yaml')
        return _Competition(competition_id, self.data_dir)
registry = _Registry()
`;
const FAKE_GRADE = `
import os, sys, logging
from datetime import datetime
class _Report:
    def __init__(self, d):
        self.d = d
    def to_dict(self):
        return self.d
def grade_csv(path_to_submission, competition):
    rows = len(open(path_to_submission).read().strip().split('\\n')) - 1
    invalid = os.environ.get('FAKE_INVALID') == '1'
    if invalid:
        print('[2025-01-01 00:00:00,000] WARNING Invalid submission: Submission and answers must have the same PassengerId values', file=sys.stderr)
    score = None if invalid else rows / 100
    return _Report({
        'competition_id': competition.id, 'score': score,
        'gold_threshold': 0.9, 'silver_threshold': 0.8, 'bronze_threshold': 0.7, 'median_threshold': 0.6,
        'any_medal': False, 'gold_medal': False, 'silver_medal': False, 'bronze_medal': False,
        'above_median': False, 'submission_exists': True, 'valid_submission': score is not None,
        'is_lower_better': False, 'created_at': datetime.now().isoformat(), 'submission_path': str(path_to_submission),
    })
`;

describe('grading through the mlebench package (a stand-in with its API)', () => {
  const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;
  let pythonPathDir: string;
  beforeAll(() => {
    pythonPathDir = path.join(root, 'fakepy');
    mkdirSync(path.join(pythonPathDir, 'mlebench'), { recursive: true });
    writeFileSync(path.join(pythonPathDir, 'mlebench', '__init__.py'), '');
    writeFileSync(path.join(pythonPathDir, 'mlebench', 'registry.py'), FAKE_REGISTRY);
    writeFileSync(path.join(pythonPathDir, 'mlebench', 'grade.py'), FAKE_GRADE);
  });

  it.skipIf(!hasPython)('uses the mlebench report, camelCased, when the package knows the competition', async () => {
    const task = await loadTask(FIXTURE);
    const report = await gradeSubmission(task, submission(TRUTH), { mlebench: { python: 'python3', env: { PYTHONPATH: pythonPathDir } } });
    expect(report).toEqual({
      taskId: 'toy-spaceship',
      metric: 'accuracy',
      score: 0.1, // the stand-in's row count / 100
      goldThreshold: 0.9,
      silverThreshold: 0.8,
      bronzeThreshold: 0.7,
      medianThreshold: 0.6,
      anyMedal: false,
      goldMedal: false,
      silverMedal: false,
      bronzeMedal: false,
      aboveMedian: false,
      validSubmission: true,
      isLowerBetter: false,
      medal: null,
      reason: null,
      gradedBy: 'mlebench',
    });
  });

  it.skipIf(!hasPython)('gives mlebench only the hidden test rows when a selection holdout was appended', async () => {
    const dir = copyFixture('fake-selection', (d) => {
      const answers = path.join(d, 'prepared/private/test.csv');
      const lines = readFileSync(answers, 'utf8').trim().split('\n');
      writeFileSync(answers, lines.slice(0, 8).join('\n') + '\n');
      writeFileSync(path.join(d, 'prepared/private/selection.csv'), [lines[0], ...lines.slice(8)].join('\n') + '\n');
      writeFileSync(path.join(d, 'crucible.yaml'), 'selection: prepared/private/selection.csv\n');
    });
    const t = await loadTask(dir);
    const report = await gradeSubmission(t, submission(TRUTH), { mlebench: { python: 'python3', env: { PYTHONPATH: pythonPathDir } } });
    expect(report).toMatchObject({ score: 0.07, gradedBy: 'mlebench' }); // 7 hidden rows of 10: ids 9001..9007
  });

  it.skipIf(!hasPython)("records mlebench's rejection with its reason", async () => {
    const task = await loadTask(FIXTURE);
    const report = await gradeSubmission(task, submission(TRUTH), {
      mlebench: { python: 'python3', env: { PYTHONPATH: pythonPathDir, FAKE_INVALID: '1' } },
    });
    expect(report).toMatchObject({ score: null, validSubmission: false, medal: null, goldThreshold: 0.9, gradedBy: 'mlebench' });
    expect(report.reason).toBe(
      'submission.csv: rejected by the mlebench grader: Invalid submission: Submission and answers must have the same PassengerId values',
    );
  });

  it.skipIf(!hasPython)('Crucible validation comes first: an invalid submission never reaches mlebench', async () => {
    const task = await loadTask(FIXTURE);
    const report = await gradeSubmission(task, submission(TRUTH.slice(0, 3)), { mlebench: { python: 'python3', env: { PYTHONPATH: pythonPathDir } } });
    expect(report).toMatchObject({ score: null, gradedBy: 'crucible', reason: 'submission.csv: 3 rows, expected 10' });
  });

  it.skipIf(!hasPython)('a competition the registry does not know falls back to Crucible', async () => {
    const dir = path.join(root, 'unknown', 'unknown-competition');
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(path.join(dir, 'leaderboard.csv'), leaderboardCsv([1, 0.9, 0.8]));
    const task = await loadTask(dir);
    const report = await gradeSubmission(task, submission(TRUTH), { mlebench: { python: 'python3', env: { PYTHONPATH: pythonPathDir } } });
    expect(report).toMatchObject({ score: 1, gradedBy: 'crucible', medal: 'gold' });
  });
});

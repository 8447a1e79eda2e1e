import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeSubmission, taskThresholds } from '../../../src/tasks/grade.js';
import { loadTask, TaskError } from '../../../src/tasks/load.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { DEFAULT_YAML, leaderboardCsv, tempDir, writeTask } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir()));
afterAll(() => cleanup());

const ANSWERS = [0, 1, 0, 1, 1];

function submission(preds: readonly (number | string)[]): string {
  return 'id,target\n' + preds.map((p, i) => `${i + 1},${p}`).join('\n') + '\n';
}

async function fixture(name: string, t: Parameters<typeof writeTask>[1]): Promise<TaskSpec> {
  return loadTask(writeTask(path.join(root, name), t));
}

describe('gradeSubmission, higher is better (accuracy)', () => {
  let task: TaskSpec;
  beforeAll(async () => {
    // N = 10: gold rank 1 (1.0), silver rank 2 (0.8), bronze rank 4 (0.6), median (0.6 + 0.4) / 2.
    task = await fixture('acc', { leaderboard: leaderboardCsv([1, 0.8, 0.8, 0.6, 0.6, 0.4, 0.4, 0.2, 0.2, 0]) });
  });

  it('reports thresholds from the leaderboard', () => {
    expect(taskThresholds(task)).toEqual({ gold: 1, silver: 0.8, bronze: 0.6, median: 0.5 });
  });

  it('a perfect submission wins gold', async () => {
    expect(await gradeSubmission(task, submission(ANSWERS))).toEqual({
      taskId: 'tiny',
      metric: 'accuracy',
      score: 1,
      goldThreshold: 1,
      silverThreshold: 0.8,
      bronzeThreshold: 0.6,
      medianThreshold: 0.5,
      anyMedal: true,
      goldMedal: true,
      silverMedal: false,
      bronzeMedal: false,
      aboveMedian: true,
      validSubmission: true,
      isLowerBetter: false,
      medal: 'gold',
      reason: null,
      gradedBy: 'crucible',
    });
  });

  it('scores exactly at the silver and bronze thresholds earn them', async () => {
    expect(await gradeSubmission(task, submission([0, 1, 0, 1, 0]))).toMatchObject({ score: 0.8, medal: 'silver', silverMedal: true });
    expect(await gradeSubmission(task, submission([0, 1, 0, 0, 0]))).toMatchObject({
      score: 0.6,
      medal: 'bronze',
      bronzeMedal: true,
      aboveMedian: true,
    });
    expect(await gradeSubmission(task, submission([1, 1, 0, 0, 0]))).toMatchObject({
      score: 0.4,
      medal: null,
      anyMedal: false,
      aboveMedian: false,
    });
  });

  it('matches predictions to answers by id, not by row order', async () => {
    const shuffled = 'target,id\n1,5\n0,3\n1,2\n1,4\n0,1\n';
    expect((await gradeSubmission(task, shuffled)).score).toBe(1);
  });

  it('an invalid submission gets no score and no medal, but the thresholds and a reason', async () => {
    expect(await gradeSubmission(task, 'id,target\n1,0\n')).toEqual({
      taskId: 'tiny',
      metric: 'accuracy',
      score: null,
      goldThreshold: 1,
      silverThreshold: 0.8,
      bronzeThreshold: 0.6,
      medianThreshold: 0.5,
      anyMedal: false,
      goldMedal: false,
      silverMedal: false,
      bronzeMedal: false,
      aboveMedian: false,
      validSubmission: false,
      isLowerBetter: false,
      medal: null,
      reason: 'submission.csv: 1 rows, expected 5',
      gradedBy: 'crucible',
    });
  });
});

describe('gradeSubmission, lower is better (rmse)', () => {
  let task: TaskSpec;
  beforeAll(async () => {
    task = await fixture('rmse', {
      yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: rmse').replace('tabular-classification', 'tabular-regression'),
      answers: 'id,target\n1,1\n2,2\n3,3\n4,4\n5,5\n',
      // N = 5: gold and silver rank 1 (0), bronze rank 2 (0.5), median 1.
      leaderboard: leaderboardCsv([0, 0.5, 1, 1.5, 2]),
    });
  });
  const offset = (d: number | number[]) => submission([1, 2, 3, 4, 5].map((y, i) => y + (Array.isArray(d) ? d[i]! : d)));

  it('lower scores win, thresholds inclusive', async () => {
    expect(await gradeSubmission(task, offset(0))).toMatchObject({ score: 0, medal: 'gold', isLowerBetter: true, aboveMedian: true });
    expect(await gradeSubmission(task, offset(0.5))).toMatchObject({ score: 0.5, medal: 'bronze' });
    expect(await gradeSubmission(task, offset(0.9))).toMatchObject({ score: 0.9, medal: null, aboveMedian: true });
    // Exactly at the median is not above it.
    expect(await gradeSubmission(task, offset(-1))).toMatchObject({ score: 1, medal: null, aboveMedian: false });
  });

  it('rounds the score to 5 decimals', async () => {
    // sqrt(4 / 5) = 0.894427191…
    expect((await gradeSubmission(task, offset([0, 0, 0, 0, 2]))).score).toBe(0.89443);
  });
});

describe('gradeSubmission, other cases', () => {
  it('without a leaderboard: a score, but no thresholds and no medal', async () => {
    const task = await fixture('nolb', {});
    expect(await gradeSubmission(task, submission(ANSWERS))).toMatchObject({
      score: 1,
      validSubmission: true,
      goldThreshold: null,
      silverThreshold: null,
      bronzeThreshold: null,
      medianThreshold: null,
      medal: null,
      anyMedal: false,
      aboveMedian: false,
    });
  });

  it('a submission the metric cannot score is invalid, with the reason', async () => {
    const task = await fixture('f1', { yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: f1') });
    const report = await gradeSubmission(task, submission([0.1, 0.9, 0.2, 0.8, 0.7]));
    expect(report).toMatchObject({ score: null, validSubmission: false });
    expect(report.reason).toBe('submission.csv: cannot be scored with f1: predictions (F1 needs hard labels) must be 0 or 1 (binary task), got 0.1');
    expect((await gradeSubmission(task, submission([0, 1, 0, 1, 0]))).score).toBeCloseTo(0.8, 12);
  });

  it('auc on probabilities', async () => {
    const task = await fixture('auc', { yaml: DEFAULT_YAML.replace('metric: accuracy', 'metric: auc') });
    // Positives (ids 2, 4, 5) score 0.9, 0.4, 0.8; negatives (1, 3) 0.5, 0.2: 5 of 6 pairs right.
    expect((await gradeSubmission(task, submission([0.5, 0.9, 0.2, 0.4, 0.8]))).score).toBe(0.83333);
  });

  it('accuracy over text labels', async () => {
    const task = await fixture('text', {
      sample: 'id,target\n1,cat\n2,cat\n3,cat\n4,cat\n5,cat\n',
      answers: 'id,target\n1,cat\n2,dog\n3,cat\n4,dog\n5,bird\n',
    });
    expect((await gradeSubmission(task, submission(['cat', 'dog', 'dog', 'dog', 'cat']))).score).toBe(0.6);
  });

  it('answers that do not match the sample ids are a task error, not a bad submission', async () => {
    const task = await fixture('broken', { answers: 'id,target\n1,0\n2,1\n3,0\n4,1\n99,1\n' });
    await expect(gradeSubmission(task, submission(ANSWERS))).rejects.toThrow(TaskError);
  });
});

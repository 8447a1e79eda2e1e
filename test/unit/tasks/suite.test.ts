import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtTasksDir, projectRoot } from '../../../src/config/paths.js';
import { column, formatCsv, readCsvFile } from '../../../src/tasks/csv.js';
import { gradeSubmission, taskThresholds } from '../../../src/tasks/grade.js';
import { listTasks } from '../../../src/tasks/load.js';
import { predictsClasses, type TableTask } from '../../../src/tasks/types.js';

/**
 * The bundled suite as scripts/setup.sh builds it into the state folder (.crucible/tasks): every
 * task loads, the suite covers every task type and metric, each task has a real leaderboard and a
 * selection holdout hidden among its test rows, and the grader scores its sample submission.
 */

const TYPES = ['tabular-classification', 'tabular-regression', 'text-classification', 'image-classification'];
const METRICS = ['accuracy', 'auc', 'logloss', 'rmse', 'mae', 'f1'];

let tasks: TableTask[];

beforeAll(async () => {
  tasks = await listTasks();
  const sourceDir = path.join(projectRoot, 'tasks');
  const sources = readdirSync(sourceDir).filter((d) => !d.startsWith('_') && existsSync(path.join(sourceDir, d, 'prepare.py')));
  const missing = sources.filter((id) => !tasks.some((t) => t.id === id));
  expect(missing, `bundled tasks not built in ${builtTasksDir()}: run scripts/setup.sh (npm run setup)`).toEqual([]);
});

describe('bundled suite', () => {
  it('has at least 12 tasks covering every task type and metric', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(12);
    expect(new Set(tasks.map((t) => t.type))).toEqual(new Set(TYPES));
    expect(new Set(tasks.map((t) => t.metric))).toEqual(new Set(METRICS));
  });

  it('covers the shapes a solution must read from the data: class probabilities, a renamed text column, categorical-only inputs, an integer target, 50,000 rows', () => {
    const rows = (t: TableTask) => readCsvFile(t.files.train).rows.length + readCsvFile(t.files.test).rows.length;
    const inputs = (t: TableTask) => {
      const test = readCsvFile(t.files.test);
      return test.header.filter((c) => c !== t.idColumn).map((c) => column(test, c));
    };
    const numeric = (values: string[]) => values.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
    expect(tasks.some((t) => predictsClasses(t) && t.predictionColumns.length > 2), 'multi-class probability columns').toBe(true);
    expect(tasks.some((t) => t.type === 'text-classification' && !readCsvFile(t.files.test).header.includes('text')), 'a text column not named text').toBe(true);
    expect(tasks.some((t) => inputs(t).every((values) => !numeric(values))), 'categorical columns only').toBe(true);
    expect(
      tasks.some((t) => t.type === 'tabular-regression' && column(readCsvFile(t.answersPath), t.target).every((v) => /^-?\d+$/.test(v))),
      'an integer target',
    ).toBe(true);
    expect(Math.max(...tasks.map(rows)), 'a table of 50,000 rows or more').toBeGreaterThanOrEqual(50_000);
  });

  it('gives every task a leaderboard of at least 20 reference solutions, best first', () => {
    for (const t of tasks) {
      expect(t.leaderboardPath, t.id).not.toBeNull();
      const board = readCsvFile(t.leaderboardPath!);
      expect(board.header, t.id).toEqual(['scoreNullable', 'teamId', 'hasTeamName', 'submissionDate', 'score', 'hasScore']);
      expect(board.rows.length, t.id).toBeGreaterThanOrEqual(20);
      const scores = column(board, 'score').map(Number);
      const sorted = [...scores].sort((a, b) => (t.direction === 'maximize' ? b - a : a - b));
      expect(scores, t.id).toEqual(sorted);
      // Real attempts (tasks/_lib/ladder.py) cluster near the best score, and a small test set
      // (wine: 45 rows) allows few distinct accuracies; what matters is that gold beats the median.
      expect(new Set(scores).size, `${t.id}: reference scores should be spread`).toBeGreaterThanOrEqual(5);
      const th = taskThresholds(t)!;
      expect(t.direction === 'maximize' ? th.gold > th.median : th.gold < th.median, `${t.id}: gold ${th.gold} vs median ${th.median}`).toBe(true);
    }
  });

  it('hides a selection holdout among the test rows, never in the answers', () => {
    for (const t of tasks) {
      expect(t.selectionPath, t.id).not.toBeNull();
      const test = readCsvFile(t.files.test);
      const sample = readCsvFile(t.files.sampleSubmission);
      expect(test.header, t.id).not.toContain(t.target);
      const testIds = column(test, t.idColumn);
      const sampleIds = column(sample, t.idColumn);
      const answerIds = column(readCsvFile(t.answersPath), t.idColumn);
      const holdoutIds = column(readCsvFile(t.selectionPath!), t.idColumn);
      expect(holdoutIds.length, t.id).toBeGreaterThan(0);
      // test.csv and the sample submission: exactly the hidden test rows and the holdout, sorted by id.
      expect(new Set(testIds).size, t.id).toBe(testIds.length);
      expect([...testIds].sort(), t.id).toEqual([...answerIds, ...holdoutIds].sort());
      expect(sampleIds, t.id).toEqual(testIds);
      const numeric = testIds.map(Number);
      expect(numeric, `${t.id}: test.csv sorted by id`).toEqual([...numeric].sort((a, b) => a - b));
      const answers = new Set(answerIds);
      expect(holdoutIds.filter((id) => answers.has(id)), t.id).toEqual([]);
      // Training rows are neither test nor holdout rows.
      const unseen = new Set(testIds);
      expect(column(readCsvFile(t.files.train), t.idColumn).filter((id) => unseen.has(id)), t.id).toEqual([]);
    }
  });

  it('ships what the task type says: text rows, image files', () => {
    for (const t of tasks) {
      const header = readCsvFile(t.files.test).header;
      // Free text: a column whose values average more than 100 characters, whatever its name.
      const test = readCsvFile(t.files.test);
      const long = header.filter((c) => column(test, c).reduce((n, v) => n + v.length, 0) / test.rows.length > 100);
      if (t.type === 'text-classification') expect(long.length, t.id).toBeGreaterThan(0);
      if (t.type === 'image-classification') {
        expect(header, t.id).toContain('image');
        for (const file of [t.files.train, t.files.test]) {
          for (const rel of column(readCsvFile(file), 'image')) {
            const png = readFileSync(path.join(t.publicDir, rel));
            expect(png.subarray(0, 8).toString('latin1'), `${t.id}: ${rel}`).toBe('\x89PNG\r\n\x1a\n');
          }
        }
      }
    }
  });

  it('grades each sample submission, and the true labels as a perfect gold submission', async () => {
    for (const t of tasks) {
      const sampleText = readFileSync(t.files.sampleSubmission, 'utf8');
      const sample = await gradeSubmission(t, sampleText);
      expect(sample, t.id).toMatchObject({ validSubmission: true, reason: null });
      expect(Number.isFinite(sample.score), t.id).toBe(true);

      // The true labels of the test rows and the holdout, in the sample's row order.
      const truth = new Map<string, string>();
      for (const file of [t.answersPath, t.selectionPath!]) {
        const table = readCsvFile(file);
        const ids = column(table, t.idColumn);
        column(table, t.target).forEach((y, i) => truth.set(ids[i]!, y));
      }
      const ids = column(readCsvFile(t.files.sampleSubmission), t.idColumn);
      // Class probabilities: 1 in the true class's column, 0 in the others.
      const perfect = predictsClasses(t)
        ? formatCsv([t.idColumn, ...t.predictionColumns], ids.map((id) => [id, ...t.predictionColumns.map((c) => (c === truth.get(id) ? '1' : '0'))]))
        : formatCsv([t.idColumn, t.target], ids.map((id) => [id, truth.get(id)!]));
      const best = await gradeSubmission(t, perfect);
      expect(best, t.id).toMatchObject({ validSubmission: true, medal: 'gold', score: t.direction === 'maximize' ? 1 : 0 });
    }
  });
});

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtTasksDir, projectRoot } from '../../../src/config/paths.js';
import { column, formatCsv, readCsvFile } from '../../../src/tasks/csv.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { listTasks } from '../../../src/tasks/load.js';
import type { TableTask } from '../../../src/tasks/types.js';

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
  it('has at least 8 tasks covering every task type and metric', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    expect(new Set(tasks.map((t) => t.type))).toEqual(new Set(TYPES));
    expect(new Set(tasks.map((t) => t.metric))).toEqual(new Set(METRICS));
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
      expect(new Set(scores).size, `${t.id}: reference scores should be spread`).toBeGreaterThanOrEqual(10);
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
      if (t.type === 'text-classification') expect(header, t.id).toContain('text');
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
      const perfect = formatCsv([t.idColumn, t.target], ids.map((id) => [id, truth.get(id)!]));
      const best = await gradeSubmission(t, perfect);
      expect(best, t.id).toMatchObject({ validSubmission: true, medal: 'gold', score: t.direction === 'maximize' ? 1 : 0 });
    }
  });
});

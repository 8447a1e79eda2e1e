import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, stateDir } from '../../../src/config/paths.js';
import { readCsvFile } from '../../../src/tasks/csv.js';
import { gradeSubmission, taskThresholds } from '../../../src/tasks/grade.js';
import { listTasks, loadTableTask } from '../../../src/tasks/load.js';
import { score } from '../../../src/tasks/metrics.js';
import { csvRows, tempDir } from './fixtures.js';

/**
 * The bundled tasks, built for real by their prepare.py with the task-building Python
 * (.crucible/tasks-venv, which scripts/setup.sh makes; solutions' Python carries no dataset), then
 * loaded and graded through the TypeScript side.
 */

const python = path.join(stateDir(), 'tasks-venv', 'bin', 'python');

let pythonOk: boolean | undefined;
function requirePython(): void {
  pythonOk ??=
    existsSync(python) && spawnSync(python, ['-c', 'import sklearn, pandas, numpy'], { encoding: 'utf8' }).status === 0;
  const ok = pythonOk;
  expect(ok, `Python with scikit-learn, pandas and numpy is required at ${python}: run scripts/setup.sh (npm run setup)`).toBe(true);
}

// A build fits the reference ladder's tuned models (about 20 s of CPU); a busy machine stretches that.
const PREPARE_TIMEOUT_MS = 240_000;

function prepare(id: string, out: string, source = path.join(projectRoot, 'tasks', id, 'prepare.py')) {
  return spawnSync(python, [source, out], { encoding: 'utf8', timeout: PREPARE_TIMEOUT_MS });
}

let root: string;
let cleanup: () => void;
let savedHome: string | undefined;

beforeAll(() => {
  ({ dir: root, cleanup } = tempDir());
  savedHome = process.env.CRUCIBLE_HOME;
  process.env.CRUCIBLE_HOME = root;
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.CRUCIBLE_HOME;
  else process.env.CRUCIBLE_HOME = savedHome;
  cleanup();
});

describe.each([
  {
    id: 'breast-cancer',
    metric: 'auc',
    isLowerBetter: false,
    // test.csv: 143 hidden-test rows plus 64 selection-holdout rows.
    rows: { train: 362, test: 207 },
    // Committed reference leaderboard (tasks/_lib/ladder.py): 22 teams → gold rank 2, silver rank 4, bronze rank 8.
    thresholds: { gold: 0.9956, silver: 0.99497, bronze: 0.99078, median: 0.9891 },
    sampleScore: 0.5,
    perfect: 1,
  },
  {
    id: 'diabetes',
    metric: 'rmse',
    isLowerBetter: true,
    // test.csv: 111 hidden-test rows plus 50 selection-holdout rows.
    rows: { train: 281, test: 161 },
    // 23 teams → gold rank 2, silver rank 4, bronze rank 9; lower is better.
    thresholds: { gold: 56.20262, silver: 56.30041, bronze: 57.51745, median: 59.46121 },
    sampleScore: 81.3951,
    perfect: 0,
  },
])('bundled task $id', (c) => {
  let out: string;
  beforeAll(() => {
    requirePython();
    // Built where setup builds them, so loading by id is exercised too.
    out = path.join(root, 'tasks', c.id);
    mkdirSync(out, { recursive: true });
    const r = prepare(c.id, out);
    expect(r.status, `prepare.py failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
  }, PREPARE_TIMEOUT_MS + 10_000);

  it('writes a complete task folder', () => {
    expect(readdirSync(out).sort()).toEqual(['checksums.yaml', 'description.md', 'leaderboard.csv', 'private', 'public', 'task.yaml']);
    expect(readdirSync(path.join(out, 'public')).sort()).toEqual(['description.md', 'sample_submission.csv', 'test.csv', 'train.csv']);
    expect(readdirSync(path.join(out, 'private')).sort()).toEqual(['answers.csv', 'selection.csv']);
    expect(readFileSync(path.join(out, 'public/description.md'), 'utf8')).toMatch(/## Evaluation[\s\S]*## Submission File[\s\S]*## Dataset Description/);
  });

  it('loads by id and by path, and splits without leaking labels', async () => {
    const t = await loadTableTask(c.id);
    expect(await loadTableTask(out)).toEqual(t);
    expect(t).toMatchObject({ id: c.id, metric: c.metric, direction: c.isLowerBetter ? 'minimize' : 'maximize' });
    const train = readCsvFile(t.files.train);
    const test = readCsvFile(t.files.test);
    expect(train.rows.length).toBe(c.rows.train);
    expect(test.rows.length).toBe(c.rows.test);
    expect(test.header).not.toContain(t.target);
    expect(train.header.slice(0, 1)).toEqual(['id']);
    for (const name of train.header) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    const trainIds = new Set(csvRows(train).map((r) => r.id));
    expect(csvRows(test).some((r) => trainIds.has(r.id!))).toBe(false);
    expect((await listTasks()).map((x) => x.id)).toContain(c.id);
  });

  it('has a spread reference leaderboard with distinct thresholds', async () => {
    const t = await loadTableTask(out);
    const board = readCsvFile(t.leaderboardPath!);
    expect(board.header).toEqual(['scoreNullable', 'teamId', 'hasTeamName', 'submissionDate', 'score', 'hasScore']);
    expect(board.rows.length).toBeGreaterThanOrEqual(20);
    const th = taskThresholds(t)!;
    expect(th).toEqual(c.thresholds);
    const order = c.isLowerBetter ? [th.gold, th.silver, th.bronze, th.median] : [th.median, th.bronze, th.silver, th.gold];
    for (let i = 1; i < order.length; i++) expect(order[i]!).toBeGreaterThan(order[i - 1]!);
  });

  it('grades the sample submission (no medal) and the answers themselves (gold)', async () => {
    const t = await loadTableTask(c.id);
    expect(await gradeSubmission(t, readFileSync(t.files.sampleSubmission, 'utf8'))).toMatchObject({
      score: c.sampleScore,
      validSubmission: true,
      medal: null,
      aboveMedian: false,
      isLowerBetter: c.isLowerBetter,
    });
    // The answers themselves, plus the selection holdout's rows when the sample submission has them.
    const answers = readCsvFile(t.answersPath);
    const sel = t.selectionPath === null ? null : readCsvFile(t.selectionPath);
    const holdout = sel === null ? [] : sel.rows.map((r) => answers.header.map((h) => r[sel.header.indexOf(h)]!));
    const perfect = [answers.header, ...answers.rows, ...holdout].map((r) => r.join(',')).join('\n') + '\n';
    expect(await gradeSubmission(t, perfect)).toMatchObject({ score: c.perfect, medal: 'gold' });
  });
});

describe('prepare.py guards', () => {
  it('fails loudly when the produced data differs from the committed checksums', () => {
    requirePython();
    const src = path.join(root, 'tampered');
    mkdirSync(src, { recursive: true });
    const original = readFileSync(path.join(projectRoot, 'tasks/breast-cancer/prepare.py'), 'utf8');
    const tampered = original.replace(/"public\/train\.csv": "[0-9a-f]{32}"/, '"public/train.csv": "00000000000000000000000000000000"');
    expect(tampered).not.toBe(original);
    writeFileSync(path.join(src, 'prepare.py'), tampered);
    copyFileSync(path.join(projectRoot, 'tasks/breast-cancer/description.md'), path.join(src, 'description.md'));
    const r = prepare('breast-cancer', path.join(root, 'tampered-out'), path.join(src, 'prepare.py'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('produced data differs from the committed checksums');
    expect(r.stderr).toContain('public/train.csv: expected 00000000000000000000000000000000');
  });
});

describe('metrics agree with scikit-learn', () => {
  it('on random inputs with ties', () => {
    requirePython();
    // Deterministic pseudo-random data; scores on a coarse grid so that AUC sees many ties.
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 300;
    const yBin = Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
    const prob = Array.from({ length: n }, () => Math.round(rand() * 20) / 20);
    const label = prob.map((p) => (p >= 0.5 ? 1 : 0));
    const yReg = Array.from({ length: n }, () => rand() * 100);
    const pReg = yReg.map((y) => y + (rand() - 0.5) * 30);
    const code = `
import json, sys, numpy as np
from sklearn.metrics import roc_auc_score, log_loss, accuracy_score, f1_score, mean_squared_error, mean_absolute_error
d = json.load(sys.stdin)
print(json.dumps({
  "auc": roc_auc_score(d["yBin"], d["prob"]),
  "logloss": log_loss(d["yBin"], d["prob"]),
  "accuracy": accuracy_score(d["yBin"], d["label"]),
  "f1": f1_score(d["yBin"], d["label"]),
  "rmse": float(np.sqrt(mean_squared_error(d["yReg"], d["pReg"]))),
  "mae": mean_absolute_error(d["yReg"], d["pReg"]),
}))`;
    const r = spawnSync(python, ['-c', code], { input: JSON.stringify({ yBin, prob, label, yReg, pReg }), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(r.stdout) as Record<string, number>;
    expect(score('auc', yBin, prob)).toBeCloseTo(ref.auc!, 12);
    expect(score('logloss', yBin, prob)).toBeCloseTo(ref.logloss!, 12);
    expect(score('accuracy', yBin, label)).toBeCloseTo(ref.accuracy!, 12);
    expect(score('f1', yBin, label)).toBeCloseTo(ref.f1!, 12);
    expect(score('rmse', yReg, pReg)).toBeCloseTo(ref.rmse!, 10);
    expect(score('mae', yReg, pReg)).toBeCloseTo(ref.mae!, 10);
  });
});

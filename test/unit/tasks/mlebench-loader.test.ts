import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { taskThresholds } from '../../../src/tasks/grade.js';
import { loadTask, TaskError } from '../../../src/tasks/load.js';
import { mlebench } from '../../../src/tasks/sources/mlebench.js';
import type { TaskType } from '../../../src/tasks/types.js';
import { tempDir } from './fixtures.js';

/**
 * Loading competitions as `mlebench prepare` leaves them, with no override: test/fixtures/mlebench-lite
 * (the 22 lite competitions, made by their own prepare.py) against test/fixtures/mlebench-registry
 * (mlebench's config.yaml files, a stand-in for the installed package's registry), and
 * test/fixtures/mlebench/toy-spaceship (a fake competition with its registry entry next to prepared/).
 */
const FIXTURES = path.join(projectRoot, 'test', 'fixtures');
const LITE = path.join(FIXTURES, 'mlebench-lite');
const REGISTRY = path.join(FIXTURES, 'mlebench-registry');
const TOY = path.join(FIXTURES, 'mlebench', 'toy-spaceship');

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir('crucible-mlebench-loader-')));
afterAll(() => cleanup());

const savedRegistry = process.env.MLEBENCH_COMPETITIONS_DIR;
beforeEach(() => {
  process.env.MLEBENCH_COMPETITIONS_DIR = REGISTRY;
});
afterEach(() => {
  if (savedRegistry === undefined) delete process.env.MLEBENCH_COMPETITIONS_DIR;
  else process.env.MLEBENCH_COMPETITIONS_DIR = savedRegistry;
});

/** A copy of a fixture competition under the temp root, changed by `edit`. */
function copyOf(from: string, name: string, edit: (dir: string) => void = () => {}): string {
  const dir = path.join(root, name, path.basename(from));
  cpSync(from, dir, { recursive: true });
  edit(dir);
  return dir;
}

describe('a prepared competition with its registry entry next to prepared/', () => {
  it('loads with what the sample submission, the tables and config.yaml say', async () => {
    expect(mlebench.detects(TOY)).toBe(true);
    const t = await loadTask(TOY);
    const pub = path.join(TOY, 'prepared', 'public');
    expect(t).toMatchObject({
      id: 'toy-spaceship', name: 'Toy Spaceship', type: 'tabular-classification', metric: 'accuracy', direction: 'maximize',
      target: 'Transported', idColumn: 'PassengerId', predictionColumns: ['Transported'], dir: TOY, publicDir: pub,
      files: { train: path.join(pub, 'train.csv'), test: path.join(pub, 'test.csv'), sampleSubmission: path.join(pub, 'sample_submission.csv') },
      answersPath: path.join(TOY, 'prepared', 'private', 'test.csv'),
      selectionPath: null, leaderboardPath: path.join(TOY, 'leaderboard.csv'), gpu: false,
      mlebench: { competitionId: 'toy-spaceship', dataDir: path.dirname(TOY), registryDir: TOY, graderName: 'accuracy', leaderboardProblem: null },
    });
    expect(t.mlebench!.shape).toMatch(/^sample_submission\.csv \(table, \d+ B\); test\.csv \(table, .*\); train\.csv \(table, .*\) — .* in all$/);
    expect(taskThresholds(t)).toEqual({ gold: 0.9, silver: 0.8, bronze: 0.7, median: 0.6 });
  });

  it('a Git LFS pointer in place of the leaderboard loads, with no medals and the reason', async () => {
    const dir = copyOf(TOY, 'lfs', (d) => writeFileSync(path.join(d, 'leaderboard.csv'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 2663\n'));
    const t = await loadTask(dir);
    expect(t.leaderboardPath).toBeNull();
    expect(t.mlebench!.leaderboardProblem).toMatch(/leaderboard\.csv is a Git LFS pointer, not the leaderboard: no medals until `git lfs pull`/);
  });

  it('the leaderboard decides the direction, as mlebench does (best first)', async () => {
    const dir = copyOf(TOY, 'ascending', (d) => {
      const f = path.join(d, 'leaderboard.csv');
      const [header, ...rows] = readFileSync(f, 'utf8').trim().split('\n');
      writeFileSync(f, [header, ...rows.reverse()].join('\n') + '\n');
      // A grader name with no Crucible metric: nothing else says which way is better.
      const c = path.join(d, 'config.yaml');
      writeFileSync(c, readFileSync(c, 'utf8').replace('name: accuracy', 'name: quadratic-weighted-kappa'));
    });
    const t = await loadTask(dir);
    expect(t).toMatchObject({ metric: null, direction: 'minimize' });
  });

  it('names the config.yaml field of a missing answers or sample submission file', async () => {
    const noAnswers = copyOf(TOY, 'noanswers', (d) => rmSync(path.join(d, 'prepared/private/test.csv')));
    await expect(loadTask(noAnswers)).rejects.toThrow(/private\/test\.csv: not found \(.*config\.yaml field `dataset\.answers`\); prepare the competition with `mlebench prepare -c toy-spaceship`/);
    const noSample = copyOf(TOY, 'nosample', (d) => rmSync(path.join(d, 'prepared/public/sample_submission.csv')));
    await expect(loadTask(noSample)).rejects.toThrow(/field `dataset\.sample_submission`/);
    const noDescription = copyOf(TOY, 'nodesc', (d) => rmSync(path.join(d, 'prepared/public/description.md')));
    await expect(loadTask(noDescription)).rejects.toThrow(/description\.md: missing/);
  });

  it('a symbolic link in the public folder is refused, naming it (the sandbox would not see its target)', async () => {
    const dir = copyOf(TOY, 'link', (d) => symlinkSync('/etc/hostname', path.join(d, 'prepared/public/extra.txt')));
    await expect(loadTask(dir)).rejects.toThrow(/prepared\/public\/extra\.txt: a symbolic link \(to \/etc\/hostname\)/);
  });

  it('a config.yaml without a grader is a TaskError naming the field', async () => {
    const dir = copyOf(TOY, 'nograder', (d) => {
      const c = path.join(d, 'config.yaml');
      writeFileSync(c, readFileSync(c, 'utf8').replace(/grader:\n( {2}.*\n)+/, ''));
    });
    const err = await loadTask(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toContain(`${path.join(dir, 'config.yaml')}: field \`grader\``);
  });
});

describe('the registry', () => {
  it('MLEBENCH_COMPETITIONS_DIR without the competition says what the folder must be', async () => {
    process.env.MLEBENCH_COMPETITIONS_DIR = root;
    const dir = path.join(LITE, 'spooky-author-identification');
    await expect(loadTask(dir)).rejects.toThrow(`${path.join(root, 'spooky-author-identification')}: no config.yaml; MLEBENCH_COMPETITIONS_DIR (${root}) must be mlebench's competitions folder`);
  });
});

/** What each lite competition is, read from its files alone. */
const LITE_SHAPES: Record<string, { type: TaskType; id: string; predicts: number; target: string | null }> = {
  'aerial-cactus-identification': { type: 'other', id: 'id', predicts: 1, target: null },
  'aptos2019-blindness-detection': { type: 'other', id: 'id_code', predicts: 1, target: null },
  'denoising-dirty-documents': { type: 'other', id: 'id', predicts: 1, target: null },
  'detecting-insults-in-social-commentary': { type: 'text-classification', id: 'Comment', predicts: 1, target: 'Insult' },
  'dog-breed-identification': { type: 'other', id: 'id', predicts: 120, target: null },
  'dogs-vs-cats-redux-kernels-edition': { type: 'other', id: 'id', predicts: 1, target: null },
  'histopathologic-cancer-detection': { type: 'other', id: 'id', predicts: 1, target: null },
  'jigsaw-toxic-comment-classification-challenge': { type: 'text-classification', id: 'id', predicts: 6, target: null },
  'leaf-classification': { type: 'tabular-classification', id: 'id', predicts: 99, target: 'species' },
  'mlsp-2013-birds': { type: 'other', id: 'Id', predicts: 1, target: null },
  'new-york-city-taxi-fare-prediction': { type: 'tabular-regression', id: 'key', predicts: 1, target: 'fare_amount' },
  'nomad2018-predict-transparent-conductors': { type: 'tabular-regression', id: 'id', predicts: 2, target: null },
  'plant-pathology-2020-fgvc7': { type: 'other', id: 'image_id', predicts: 4, target: null },
  'random-acts-of-pizza': { type: 'other', id: 'request_id', predicts: 1, target: null },
  'ranzcr-clip-catheter-line-classification': { type: 'other', id: 'StudyInstanceUID', predicts: 9, target: null },
  'siim-isic-melanoma-classification': { type: 'tabular-classification', id: 'image_name', predicts: 1, target: 'target' },
  'spooky-author-identification': { type: 'text-classification', id: 'id', predicts: 3, target: 'author' },
  'tabular-playground-series-dec-2021': { type: 'tabular-classification', id: 'Id', predicts: 1, target: 'Cover_Type' },
  'tabular-playground-series-may-2022': { type: 'tabular-classification', id: 'id', predicts: 1, target: 'target' },
  'text-normalization-challenge-english-language': { type: 'other', id: 'id', predicts: 1, target: null },
  'text-normalization-challenge-russian-language': { type: 'other', id: 'id', predicts: 1, target: null },
  'the-icml-2013-whale-challenge-right-whale-redux': { type: 'other', id: 'clip', predicts: 1, target: null },
};

describe('the 22 lite competitions as mlebench prepare leaves them', () => {
  it.each(Object.entries(LITE_SHAPES))('%s loads with no override', async (id, want) => {
    const t = await loadTask(path.join(LITE, id));
    expect({ type: t.type, id: t.idColumn, predicts: t.predictionColumns.length, target: t.target }).toEqual(want);
    expect(t.mlebench).toMatchObject({ competitionId: id, registryDir: path.join(REGISTRY, id) });
    expect(t.files.sampleSubmission.startsWith(path.join(LITE, id, 'prepared', 'public'))).toBe(true);
    expect(t.answersPath.startsWith(path.join(LITE, id, 'prepared', 'private'))).toBe(true);
    // Every competition that is not one table says why, in words a person can act on.
    if (t.type === 'other') expect(t.mlebench!.shape).toMatch(/Not one table of rows to predict: .+/);
  });
});

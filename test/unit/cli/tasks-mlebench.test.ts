/**
 * `crucible tasks mlebench`: the registry found through the named Python's mlebench, a split listed
 * with what is prepared in the data folder. The mlebench package here is a test double (FAKE_REGISTRY):
 * a registry.py with the names Crucible's mlebench_registry.py imports from the real one
 * (DEFAULT_DATA_DIR, registry.get_competitions_dir(), registry.get_splits_dir()), over a registry and
 * splits folder written into a temp dir in the real layout (mlebench/competitions/<id>/config.yaml,
 * experiments/splits/<split>.txt). The data folder is test/fixtures/mlebench-lite: the 22 lite
 * competitions as `mlebench prepare` leaves them.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { projectRoot, pythonPath } from '../../../src/config/paths.js';
import { isFile } from '../../../src/tasks/files.js';
import {
  MlebenchUnavailable, findMlebenchRegistry, listSplit, mlebenchDataDir, splitCompetitionIds, splitNames, type MlebenchRegistry, type SplitListing,
} from '../../../src/tasks/sources/mlebenchRegistry.js';
import { tempDir } from '../tasks/fixtures.js';

const LITE_DATA = path.join(projectRoot, 'test', 'fixtures', 'mlebench-lite');
const CLI = path.join(projectRoot, 'bin', 'crucible');
/** Any Python does: the double imports nothing beyond the standard library. */
const PYTHON = isFile(pythonPath()) ? pythonPath() : 'python3';
/** Where PYTHON has the real mlebench, it cannot stand for a Python without it. */

/** config.yaml `grader.name` of each lite competition in mle-bench 783b15a (its own spellings). */
const LITE_GRADERS: Readonly<Record<string, string>> = {
  'aerial-cactus-identification': 'auc-roc',
  'aptos2019-blindness-detection': 'quadratic-weighted-kappa',
  'denoising-dirty-documents': 'root_mean_squared_error',
  'detecting-insults-in-social-commentary': 'auc-roc',
  'dog-breed-identification': 'multi-class-log-loss',
  'dogs-vs-cats-redux-kernels-edition': 'log-loss',
  'histopathologic-cancer-detection': 'auc-roc',
  'jigsaw-toxic-comment-classification-challenge': 'column-wise ROC AUC',
  'leaf-classification': 'multi-class-log-loss',
  'mlsp-2013-birds': 'auc-roc',
  'new-york-city-taxi-fare-prediction': 'root-mean-squared-error',
  'nomad2018-predict-transparent-conductors': 'mean-column-wise-rmsle',
  'plant-pathology-2020-fgvc7': 'mean-column-wise-roc-auc',
  'random-acts-of-pizza': 'auc-roc',
  'ranzcr-clip-catheter-line-classification': 'auc-roc',
  'siim-isic-melanoma-classification': 'auc-roc',
  'spooky-author-identification': 'multi-class-log-loss',
  'tabular-playground-series-dec-2021': 'multi-class-classification-accuracy',
  'tabular-playground-series-may-2022': 'auc-roc',
  'text-normalization-challenge-english-language': 'accuracy',
  'text-normalization-challenge-russian-language': 'accuracy',
  'the-icml-2013-whale-challenge-right-whale-redux': 'auc-roc',
};
const LITE_IDS = Object.keys(LITE_GRADERS).sort();
const DEV_GRADERS: Readonly<Record<string, string>> = { 'spaceship-titanic': 'accuracy', 'playground-series-s3e18': 'auroc-multi-label' };

/** The test double of mlebench/registry.py: its registry and splits live next to the package, as in a clone. */
const FAKE_REGISTRY = `
from pathlib import Path
_REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = _REPO / "default-data"
class Registry:
    def get_competitions_dir(self):
        return _REPO / "mlebench" / "competitions"
    def get_splits_dir(self):
        return _REPO / "experiments" / "splits"
registry = Registry()
`;

let root: string;
let cleanup: () => void;
/** The clone holding the double: put on PYTHONPATH. */
let clone: string;
/** A folder without mlebench, for PYTHONPATH. */
let empty: string;
/**
 * A Python that cannot import mlebench whatever is installed: PYTHON without site-packages and
 * ignoring PYTHONPATH (-I -S), a test double for a user's Python without mlebench.
 */
let noMlebenchPython: string;

beforeAll(() => {
  ({ dir: root, cleanup } = tempDir('crucible-tasks-mlebench-'));
  clone = path.join(root, 'mle-bench');
  empty = path.join(root, 'empty');
  mkdirSync(empty);
  noMlebenchPython = path.join(root, 'python-without-mlebench');
  writeFileSync(noMlebenchPython, `#!/bin/sh\nexec ${JSON.stringify(PYTHON)} -I -S "$@"\n`, { mode: 0o755 });
  const pkg = path.join(clone, 'mlebench');
  for (const [id, grader] of Object.entries({ ...LITE_GRADERS, ...DEV_GRADERS })) {
    mkdirSync(path.join(pkg, 'competitions', id), { recursive: true });
    writeFileSync(path.join(pkg, 'competitions', id, 'config.yaml'), `id: ${id}\nname: ${id}\ndataset:\n  answers: ${id}/prepared/private/test.csv\n  sample_submission: ${id}/prepared/public/sample_submission.csv\ngrader:\n  name: ${grader}\n  grade_fn: mlebench.competitions.${id}.grade:grade\n`);
  }
  writeFileSync(path.join(pkg, '__init__.py'), '');
  writeFileSync(path.join(pkg, 'registry.py'), FAKE_REGISTRY);
  mkdirSync(path.join(clone, 'experiments', 'splits'), { recursive: true });
  // As in mle-bench: no newline after the last id.
  writeFileSync(path.join(clone, 'experiments', 'splits', 'low.txt'), LITE_IDS.join('\n'));
  writeFileSync(path.join(clone, 'experiments', 'splits', 'dev.txt'), Object.keys(DEV_GRADERS).join('\n'));
  // mlebench's default data folder with one dev competition prepared.
  for (const side of ['public', 'private']) mkdirSync(path.join(clone, 'default-data', 'spaceship-titanic', 'prepared', side), { recursive: true });
});
afterAll(() => cleanup());
afterEach(() => vi.unstubAllEnvs());

describe('the registry, from the named Python', () => {
  let registry: MlebenchRegistry;
  beforeAll(async () => {
    vi.stubEnv('PYTHONPATH', clone);
    registry = await findMlebenchRegistry(PYTHON);
  });

  it("is where that Python's mlebench says: competitions, splits, default data folder", () => {
    expect(registry).toEqual({
      python: PYTHON,
      competitionsDir: path.join(clone, 'mlebench', 'competitions'),
      splitsDir: path.join(clone, 'experiments', 'splits'),
      defaultDataDir: path.join(clone, 'default-data'),
    });
  });

  it('knows lite (low.txt), all (every config.yaml) and a split per file', () => {
    expect(splitNames(registry)).toEqual(['lite', 'all', 'dev', 'low']);
    expect(splitCompetitionIds(registry, 'lite')).toEqual(LITE_IDS);
    expect(splitCompetitionIds(registry, 'low')).toEqual(LITE_IDS);
    expect(splitCompetitionIds(registry, 'all')).toEqual([...LITE_IDS, ...Object.keys(DEV_GRADERS)].sort());
    expect(splitCompetitionIds(registry, 'medium')).toBeNull();
    expect(splitCompetitionIds(registry, '../dev')).toBeNull();
  });

  it('reads the data folder from --data-dir, else MLEBENCH_DATA_DIR, else mlebench’s default', () => {
    vi.stubEnv('MLEBENCH_DATA_DIR', '');
    expect(mlebenchDataDir(registry)).toBe(path.join(clone, 'default-data'));
    vi.stubEnv('MLEBENCH_DATA_DIR', LITE_DATA);
    expect(mlebenchDataDir(registry)).toBe(LITE_DATA);
    expect(mlebenchDataDir(registry, empty)).toBe(empty);
  });

  it('lists a split: prepared here, the grader of its config.yaml, a native grader or not', () => {
    const lite = listSplit(registry, 'lite', LITE_DATA)!;
    expect(lite.prepared).toBe(22);
    expect(lite.competitions.map((c) => [c.id, c.grader])).toEqual(LITE_IDS.map((id) => [id, LITE_GRADERS[id]]));
    expect(lite.competitions.every((c) => c.prepared && c.nativeGrader)).toBe(true);
    const dev = listSplit(registry, 'dev', LITE_DATA)!;
    expect(dev.competitions).toEqual([
      { id: 'spaceship-titanic', prepared: false, grader: 'accuracy', nativeGrader: false },
      { id: 'playground-series-s3e18', prepared: false, grader: 'auroc-multi-label', nativeGrader: false },
    ]);
    expect(listSplit(registry, 'dev', path.join(clone, 'default-data'))!.prepared).toBe(1);
  });
});

describe('a Python without mlebench', () => {

  it('is refused with how to install mlebench and how to name the Python', async () => {
    const err = await findMlebenchRegistry(noMlebenchPython).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlebenchUnavailable);
    expect((err as Error).message).toMatch(/cannot import mlebench .*pip install -e mle-bench.*CRUCIBLE_MLEBENCH_PYTHON/);
  });

  it('nor a missing Python', async () => {
    await expect(findMlebenchRegistry(path.join(root, 'no-such-python'))).rejects.toThrow(/^no Python at .*no-such-python: install mlebench from its repository/);
  });
});

describe('bin/crucible tasks mlebench', () => {
  const crucible = async (args: string[], env: Record<string, string>) => {
    const r = await promisify(execFile)(CLI, ['tasks', 'mlebench', ...args], { env: { ...process.env, MLEBENCH_DATA_DIR: '', ...env }, encoding: 'utf8' })
      .then((out) => ({ code: 0, ...out }), (err: { code: number; stdout: string; stderr: string }) => err);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  /** A function: `clone` is set in beforeAll, after the tests are collected. */
  const withDouble = () => ({ CRUCIBLE_MLEBENCH_PYTHON: PYTHON, PYTHONPATH: clone });

  it('lists lite, every competition prepared; exit 2 for an unknown split or a missing Python', async () => {
    const [json, text, dev, unknown, noPython] = await Promise.all([
      crucible(['--split', 'lite', '--data-dir', LITE_DATA, '--json'], withDouble()),
      crucible(['--data-dir', LITE_DATA], withDouble()),
      crucible(['--split', 'dev'], withDouble()),
      crucible(['--split', 'medium'], withDouble()),
      crucible([], { CRUCIBLE_MLEBENCH_PYTHON: path.join(root, 'no-such-python') }),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const listing = JSON.parse(json.stdout) as SplitListing;
    expect(listing).toMatchObject({ split: 'lite', python: PYTHON, dataDir: LITE_DATA, prepared: 22 });
    expect(listing.competitions).toHaveLength(22);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^competition +prepared +grader +native grader$/m);
    expect(text.stdout).toMatch(/^aptos2019-blindness-detection +yes +quadratic-weighted-kappa +yes$/m);
    expect(text.stdout).toContain(`lite: 22 competitions, 22 prepared in ${LITE_DATA}`);
    expect(text.stdout).not.toContain('mlebench prepare -c');

    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.stdout).toContain(`dev: 2 competitions, 1 prepared in ${path.join(clone, 'default-data')}`);
    expect(dev.stdout).toContain(`prepare one with \`mlebench prepare -c <competition> --data-dir ${path.join(clone, 'default-data')}\``);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown split "medium": known splits are lite, all, dev, low');

    expect(noPython.code).toBe(2);
    expect(noPython.stderr).toMatch(/no Python at .*no-such-python: install mlebench from its repository .*CRUCIBLE_MLEBENCH_PYTHON/);
  }, 60_000);

  it('exit 2 for a Python without mlebench, saying how to install it', async () => {
    const r = await crucible([], { CRUCIBLE_MLEBENCH_PYTHON: noMlebenchPython });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot import mlebench .*pip install -e mle-bench.*CRUCIBLE_MLEBENCH_PYTHON/);
  }, 30_000);
});

/**
 * `crucible bench --tasks mlebench:<split>`: the split's competitions from the registry stand-in
 * (MLEBENCH_COMPETITIONS_DIR = test/fixtures/mlebench-registry, MLEBENCH_SPLITS_DIR = its splits/, mle-bench's
 * experiments/splits), each loaded from the data folder (test/fixtures/mlebench-lite: the 22 lite competitions as
 * `mlebench prepare` leaves them). Input building only: nothing is started.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError, buildBenchmarkInput, type BenchmarkOptions } from '../../../src/cli/runInput.js';
import { splitRegistry } from '../../../src/tasks/sources/mlebenchRegistry.js';
import { tempDir } from '../tasks/fixtures.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
const LITE_DATA = path.join(FIXTURES, 'mlebench-lite');
const REGISTRY = path.join(FIXTURES, 'mlebench-registry');
const LITE_IDS = readFileSync(path.join(REGISTRY, 'splits', 'low.txt'), 'utf8').split('\n').filter(Boolean);

const options = (over: Partial<BenchmarkOptions>): BenchmarkOptions => ({
  tasks: 'mlebench:lite', agents: 'aira-greedy', seeds: '1', budget: '1m', concurrency: '2', selection: 'validation', execTimeout: '1m', ...over,
});

let data: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir: data, cleanup } = tempDir('crucible-bench-mlebench-'));
  // A data folder with two lite competitions prepared.
  for (const id of ['spooky-author-identification', 'random-acts-of-pizza']) cpSync(path.join(LITE_DATA, id), path.join(data, id), { recursive: true });
});
afterAll(() => cleanup());
beforeEach(() => {
  vi.stubEnv('MLEBENCH_COMPETITIONS_DIR', REGISTRY);
  vi.stubEnv('MLEBENCH_SPLITS_DIR', path.join(REGISTRY, 'splits'));
  vi.stubEnv('MLEBENCH_DATA_DIR', '');
});
afterEach(() => vi.unstubAllEnvs());

describe('the registry stand-in', () => {
  it('is MLEBENCH_COMPETITIONS_DIR and MLEBENCH_SPLITS_DIR, with no mlebench asked and no default data folder', async () => {
    expect(await splitRegistry()).toEqual({ python: null, competitionsDir: REGISTRY, splitsDir: path.join(REGISTRY, 'splits'), defaultDataDir: null });
  });

  it('holds the 22 lite competitions in low.txt', () => {
    expect(LITE_IDS).toHaveLength(22);
  });
});

describe('crucible bench --tasks mlebench:<split>', () => {
  it('mlebench:lite is the 22 lite competitions, each loaded from the data folder', async () => {
    const input = await buildBenchmarkInput(options({ dataDir: LITE_DATA, seeds: '2' }));
    expect(input.runs).toHaveLength(44);
    expect([...new Set(input.runs.map((r) => r.task.id))]).toEqual(LITE_IDS);
    expect(input.runs.map((r) => r.seed).slice(0, 2)).toEqual([0, 1]);
    for (const run of input.runs) {
      expect(run.task.mlebench).toMatchObject({ competitionId: run.task.id, dataDir: LITE_DATA, registryDir: path.join(REGISTRY, run.task.id) });
    }
  }, 120_000);

  it('reads the data folder from MLEBENCH_DATA_DIR when --data-dir is not given', async () => {
    vi.stubEnv('MLEBENCH_DATA_DIR', LITE_DATA);
    const input = await buildBenchmarkInput(options({}));
    expect(input.runs.map((r) => r.task.id)).toEqual(LITE_IDS);
  }, 120_000);

  it('refuses a split with unprepared competitions, naming them and how to prepare them', async () => {
    const err = await buildBenchmarkInput(options({ dataDir: data })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toContain(`mlebench:lite: 20 of 22 competitions are not prepared in ${data}: aerial-cactus-identification, aptos2019-blindness-detection,`);
    expect(message).not.toMatch(/: [^.]*spooky-author-identification/);
    expect(message).toContain(`\`mlebench prepare -c <id> --data-dir ${data}\``);
    expect(message).toContain('add --prepared-only to run the 2 prepared ones');
  });

  it('--prepared-only runs the prepared ones; none prepared is still refused', async () => {
    const input = await buildBenchmarkInput(options({ dataDir: data, preparedOnly: true }));
    expect(input.runs.map((r) => r.task.id)).toEqual(['random-acts-of-pizza', 'spooky-author-identification']);
    await expect(buildBenchmarkInput(options({ dataDir: path.join(data, 'nothing-here'), preparedOnly: true })))
      .rejects.toThrow(/22 of 22 competitions are not prepared .*mlebench prepare -c <id>/);
  });

  it('an unknown split names the known ones; no data folder without mlebench says how to give one', async () => {
    await expect(buildBenchmarkInput(options({ tasks: 'mlebench:tiny', dataDir: data })))
      .rejects.toThrow(`unknown split "tiny": known splits are lite, all, dev, high, low, medium, spaceship-titanic, split75, systemcard (from ${path.join(REGISTRY, 'splits')})`);
    await expect(buildBenchmarkInput(options({}))).rejects.toThrow(/^no MLE-bench data folder: give --data-dir or set MLEBENCH_DATA_DIR/);
  });

  it('mixes with task folders', async () => {
    const input = await buildBenchmarkInput(options({ tasks: `mlebench:lite,${path.join(LITE_DATA, 'leaf-classification')}`, dataDir: data, preparedOnly: true }));
    expect(input.runs.map((r) => r.task.id)).toEqual(['random-acts-of-pizza', 'spooky-author-identification', 'leaf-classification']);
  });
});

describe('bin/crucible with the registry stand-in', () => {
  const crucible = async (args: string[]) => {
    const env = { ...process.env, MLEBENCH_COMPETITIONS_DIR: REGISTRY, MLEBENCH_SPLITS_DIR: path.join(REGISTRY, 'splits'), MLEBENCH_DATA_DIR: '' };
    return promisify(execFile)(path.resolve(FIXTURES, '../../bin/crucible'), args, { env, encoding: 'utf8' })
      .then((out) => ({ code: 0, ...out }), (err: { code: number; stdout: string; stderr: string }) => err);
  };

  it('tasks mlebench lists lite from it; bench refuses unprepared competitions with exit 2 before starting anything', async () => {
    const [listed, noDataDir, bench] = await Promise.all([
      crucible(['tasks', 'mlebench', '--split', 'lite', '--data-dir', LITE_DATA]),
      crucible(['tasks', 'mlebench']),
      crucible(['bench', '--tasks', 'mlebench:lite', '--data-dir', data, '--seeds', '1']),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`lite: 22 competitions, 22 prepared in ${LITE_DATA}`);
    expect(listed.stdout).toContain(`registry: ${REGISTRY} (MLEBENCH_COMPETITIONS_DIR)`);
    expect(noDataDir.code).toBe(2);
    expect(noDataDir.stderr).toContain('no MLE-bench data folder: give --data-dir or set MLEBENCH_DATA_DIR');
    expect(bench.code).toBe(2);
    expect(bench.stderr).toContain('mlebench:lite: 20 of 22 competitions are not prepared');
  }, 60_000);
});

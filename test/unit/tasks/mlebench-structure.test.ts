import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mlebench } from '../../../src/tasks/sources/mlebench.js';

/**
 * Every MLE-bench competition (split75 and the dev split) as `mlebench prepare` leaves it, header
 * only: test/fixtures/mlebench-structure, written by scripts/mlebench-fixtures/make_structure.py from
 * what each competition's prepare.py writes (real file and folder names, real CSV headers). With the
 * registry stand-in (test/fixtures/mlebench-registry: each competition's config.yaml) as
 * MLEBENCH_COMPETITIONS_DIR, each one loads with no override.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/mlebench-structure');
const REGISTRY = path.resolve(import.meta.dirname, '../../fixtures/mlebench-registry');

function splitIds(name: string): string[] {
  return readFileSync(path.join(FIXTURES, 'splits', name), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

const SPLIT75 = splitIds('split75.txt');
const DEV = splitIds('dev.txt');
const IDS = [...new Set([...SPLIT75, ...DEV])].sort();

interface Config {
  dataset: { answers: string; sample_submission: string };
}

function config(id: string): Config {
  return parse(readFileSync(path.join(REGISTRY, id, 'config.yaml'), 'utf8')) as Config;
}

describe('MLE-bench structure fixtures', () => {
  it('hold split75 (75 competitions) and the dev split, and no other competition', () => {
    expect(SPLIT75).toHaveLength(75);
    expect(DEV).toContain('spaceship-titanic');
    const folders = readdirSync(FIXTURES).filter((f) => f !== 'splits' && statSync(path.join(FIXTURES, f)).isDirectory());
    expect(folders.sort()).toEqual(IDS);
  });

  it('have a registry stand-in with a config.yaml for every competition', () => {
    for (const id of IDS) expect(existsSync(path.join(REGISTRY, id, 'config.yaml')), id).toBe(true);
  });

  it.each(IDS)('%s: prepared/public with description.md, prepared/private, and the files config.yaml names', (id) => {
    const prepared = path.join(FIXTURES, id, 'prepared');
    expect(statSync(path.join(prepared, 'public')).isDirectory()).toBe(true);
    expect(statSync(path.join(prepared, 'private')).isDirectory()).toBe(true);
    expect(statSync(path.join(prepared, 'public', 'description.md')).size).toBeGreaterThan(0);
    const { dataset } = config(id);
    for (const rel of [dataset.sample_submission, dataset.answers]) {
      expect(rel.startsWith(`${id}/prepared/`), rel).toBe(true);
      expect(statSync(path.join(FIXTURES, rel)).isFile(), rel).toBe(true);
    }
  });
});

describe('MLE-bench structure fixtures load with no override', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.MLEBENCH_COMPETITIONS_DIR;
    process.env.MLEBENCH_COMPETITIONS_DIR = REGISTRY;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.MLEBENCH_COMPETITIONS_DIR;
    else process.env.MLEBENCH_COMPETITIONS_DIR = saved;
  });

  it.each(IDS)('%s', async (id) => {
    const spec = await mlebench.load(path.join(FIXTURES, id));
    expect(spec.mlebench?.competitionId).toBe(id);
    // The agent's sample submission: the one in public/ where there is one (some configs name a copy in private/).
    const registered = path.join(FIXTURES, config(id).dataset.sample_submission);
    const pub = path.join(FIXTURES, id, 'prepared', 'public');
    const publicSample = readdirSync(pub).find((n) => /sample.*submission.*\.csv(\.zip)?$/i.test(n));
    expect(spec.files.sampleSubmission).toBe(registered.startsWith(pub) || publicSample === undefined ? registered : path.join(pub, publicSample));
    expect(spec.predictionColumns.length).toBeGreaterThan(0);
    expect(spec.predictionColumns).not.toContain(spec.idColumn);
    // Not one table: the record says why, so that an offline run can stop with it.
    if (spec.type === 'other') expect(spec.mlebench!.shape).toMatch(/Not one table of rows to predict: ./);
    else expect([spec.files.train, spec.files.test, spec.target ?? spec.predictionColumns[0]].every((v) => v !== null)).toBe(true);
  });
});

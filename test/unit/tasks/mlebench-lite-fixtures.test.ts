import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type CsvTable, parseCsv } from '../../../src/tasks/csv.js';
import { nativeGrader } from '../../../src/tasks/graders/index.js';

/**
 * The MLE-bench lite fixtures (test/fixtures/mlebench-lite, written by
 * scripts/mlebench-fixtures/make_lite.py through each competition's own prepare.py) are laid out as
 * `mlebench prepare` leaves a competition, and each one's sample submission fits its answers: the
 * same ids, columns the answers hold, and a submission its grader scores.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/mlebench-lite');

interface Layout {
  /** The sample submission in prepared/public, as the competition names it (a zip holds a CSV of its name less `.zip`). */
  sample: string;
  /** The answers in prepared/private (mlebench's config.yaml `dataset.answers`). */
  answers: string;
  /** The column that names a row in both. */
  id: string;
}

const csv = (id: string, sample = 'sample_submission.csv', answers = 'test.csv'): Layout => ({ sample, answers, id });

const LITE: Record<string, Layout> = {
  'aerial-cactus-identification': csv('id'),
  'aptos2019-blindness-detection': csv('id_code'),
  'denoising-dirty-documents': csv('id', 'sampleSubmission.csv', 'answers.csv'),
  'detecting-insults-in-social-commentary': csv('Comment', 'sample_submission_null.csv'),
  'dog-breed-identification': csv('id'),
  'dogs-vs-cats-redux-kernels-edition': csv('id', 'sample_submission.csv', 'answers.csv'),
  'histopathologic-cancer-detection': csv('id', 'sample_submission.csv', 'answers.csv'),
  'jigsaw-toxic-comment-classification-challenge': csv('id'),
  'leaf-classification': csv('id'),
  'mlsp-2013-birds': csv('Id', 'sample_submission.csv', 'answers.csv'),
  'new-york-city-taxi-fare-prediction': csv('key'),
  'nomad2018-predict-transparent-conductors': csv('id'),
  'plant-pathology-2020-fgvc7': csv('image_id'),
  'random-acts-of-pizza': csv('request_id', 'sampleSubmission.csv'),
  'ranzcr-clip-catheter-line-classification': csv('StudyInstanceUID'),
  'siim-isic-melanoma-classification': csv('image_name'),
  'spooky-author-identification': csv('id'),
  'tabular-playground-series-dec-2021': csv('Id'),
  'tabular-playground-series-may-2022': csv('id'),
  'text-normalization-challenge-english-language': csv('id', 'en_sample_submission_2.csv.zip', 'answers.csv'),
  'text-normalization-challenge-russian-language': csv('id', 'ru_sample_submission_2.csv.zip', 'answers.csv'),
  'the-icml-2013-whale-challenge-right-whale-redux': csv('clip', 'sampleSubmission.csv'),
};

/** The one file in a zip that holds a single stored or deflated file (as Kaggle zips a CSV). */
function onlyZipEntry(file: string): { name: string; data: Buffer } {
  const buf = readFileSync(file);
  expect(buf.readUInt32LE(0), `${file} is a zip`).toBe(0x04034b50);
  const method = buf.readUInt16LE(8);
  const size = buf.readUInt32LE(18);
  const nameLength = buf.readUInt16LE(26);
  const start = 30 + nameLength + buf.readUInt16LE(28);
  const name = buf.toString('utf8', 30, 30 + nameLength);
  const raw = buf.subarray(start, start + size);
  return { name, data: method === 8 ? inflateRawSync(raw) : raw };
}

function readTable(file: string): CsvTable {
  if (!file.endsWith('.zip')) return parseCsv(readFileSync(file, 'utf8'));
  const entry = onlyZipEntry(file);
  expect(entry.name).toBe(path.basename(file, '.zip'));
  return parseCsv(entry.data.toString('utf8'));
}

function column(table: CsvTable, name: string): string[] {
  const i = table.header.indexOf(name);
  return table.rows.map((row) => row[i]!);
}

describe('MLE-bench lite fixtures', () => {
  it('hold one folder per lite competition and nothing else', () => {
    const folders = readdirSync(FIXTURES).filter((f) => statSync(path.join(FIXTURES, f)).isDirectory());
    expect(folders.sort()).toEqual(Object.keys(LITE).sort());
  });

  for (const [competition, layout] of Object.entries(LITE)) {
    describe(competition, () => {
      const prepared = path.join(FIXTURES, competition, 'prepared');
      const publicDir = path.join(prepared, 'public');
      const privateDir = path.join(prepared, 'private');

      it('is laid out as mlebench prepare leaves it', () => {
        expect(statSync(publicDir).isDirectory()).toBe(true);
        expect(statSync(privateDir).isDirectory()).toBe(true);
        expect(readdirSync(path.join(FIXTURES, competition))).toEqual(['prepared']);
        expect(existsSync(path.join(publicDir, 'description.md'))).toBe(true);
        expect(existsSync(path.join(publicDir, layout.sample))).toBe(true);
        expect(existsSync(path.join(privateDir, layout.answers))).toBe(true);
      });

      it('has a sample submission whose columns and ids are the answers\'', () => {
        const sample = readTable(path.join(publicDir, layout.sample));
        const answers = readTable(path.join(privateDir, layout.answers));
        expect(sample.header).toContain(layout.id);
        expect(answers.header).toEqual(expect.arrayContaining(sample.header));
        expect(sample.rows.length).toBeGreaterThan(0);
        const ids = column(sample, layout.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(column(answers, layout.id).sort());
      });

      it('has a sample submission and answers its grader scores', () => {
        const grade = nativeGrader(competition);
        expect(grade, 'a native grader').toBeDefined();
        const sample = readTable(path.join(publicDir, layout.sample));
        const answers = readTable(path.join(privateDir, layout.answers));
        // The perfect submission: the answers, in the sample submission's columns.
        const keep = sample.header.map((name) => answers.header.indexOf(name));
        const perfect = { header: sample.header, rows: answers.rows.map((row) => keep.map((i) => row[i]!)) };
        for (const submission of [sample, perfect]) {
          const result = grade!(submission, answers);
          expect(result, JSON.stringify(result)).toHaveProperty('score');
          expect(Number.isFinite((result as { score: number }).score)).toBe(true);
        }
      });
    });
  }
});

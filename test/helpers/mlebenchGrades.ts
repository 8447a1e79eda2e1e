/**
 * mlebench's recorded verdicts (test/fixtures/mlebench-grades) as MLE-bench tasks that gradeSubmission
 * can grade: one TaskSpec per lite competition, built directly (not loaded), whose answers are the
 * recorded answers. For mlebench's own grader the answers must also sit where the competition's
 * config.yaml says under a data dir: recordedDataDir lays them out there.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config/paths.js';
import type { TaskSpec } from '../../src/tasks/types.js';

export const GRADES_DIR = path.join(projectRoot, 'test', 'fixtures', 'mlebench-grades');
export const LITE_DIR = path.join(projectRoot, 'test', 'fixtures', 'mlebench-lite');

/** What mlebench made of one recorded submission; non-finite numbers as "NaN", "Infinity", "-Infinity". */
export type Recorded =
  | { valid: true; score: number | string; score_type: 'float' | 'float64'; reported: number | string }
  | { valid: false; error: string };

export interface RecordedCompetition {
  competitionId: string;
  graderName: string;
  results: Record<string, Recorded>;
}

export function recordedCompetitions(): RecordedCompetition[] {
  return readdirSync(GRADES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((id) => {
      const e = JSON.parse(readFileSync(path.join(GRADES_DIR, id, 'expected.json'), 'utf8')) as { grader_name: string; results: Record<string, Recorded> };
      return { competitionId: id, graderName: e.grader_name, results: e.results };
    });
}

export function recordedSubmission(competitionId: string, kind: string): string {
  return readFileSync(path.join(GRADES_DIR, competitionId, 'submissions', `${kind}.csv`), 'utf8');
}

export function recordedNumber(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}

/**
 * A lite competition as a TaskSpec graded against the recorded answers. `dataDir` and `registryDir`
 * are what mlebench's grader reads (the native grader reads answersPath only). No leaderboard: the
 * recorded verdicts have no medals.
 */
export function recordedTask(c: RecordedCompetition, where: { dataDir?: string; registryDir?: string } = {}): TaskSpec {
  const dir = path.join(LITE_DIR, c.competitionId);
  const publicDir = path.join(dir, 'prepared', 'public');
  const sample = readdirSync(publicDir).find((f) => /^sample_?submission.*\.csv$/i.test(f));
  return {
    id: c.competitionId,
    name: c.competitionId,
    type: 'other',
    metric: null,
    direction: 'maximize',
    target: null,
    idColumn: 'id',
    predictionColumns: [],
    dir,
    descriptionPath: path.join(publicDir, 'description.md'),
    publicDir,
    files: { train: null, test: null, sampleSubmission: path.join(publicDir, sample ?? 'sample_submission.csv') },
    answersPath: path.join(GRADES_DIR, c.competitionId, 'answers.csv'),
    selectionPath: null,
    leaderboardPath: null,
    gpu: false,
    mlebench: {
      competitionId: c.competitionId,
      dataDir: where.dataDir ?? LITE_DIR,
      registryDir: where.registryDir ?? path.join(dir, 'registry-not-used'),
      graderName: c.graderName,
      shape: 'recorded fixture',
      leaderboardProblem: 'no leaderboard in the recorded fixtures',
    },
  };
}

/**
 * A data dir under `root` holding each competition's recorded answers where its config.yaml (in
 * mlebench's registry, `competitionsDir`) names them (`dataset.answers`, relative to the data dir).
 */
export function recordedDataDir(root: string, competitionsDir: string, competitions: readonly RecordedCompetition[]): string {
  for (const c of competitions) {
    const config = parse(readFileSync(path.join(competitionsDir, c.competitionId, 'config.yaml'), 'utf8')) as { dataset: { answers: string } };
    const at = path.join(root, config.dataset.answers);
    mkdirSync(path.dirname(at), { recursive: true });
    copyFileSync(path.join(GRADES_DIR, c.competitionId, 'answers.csv'), at);
  }
  return root;
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'crucible-tasks-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface FixtureTask {
  /** task.yaml text; the default is a valid accuracy task over ids 1..5. */
  yaml?: string;
  description?: string | null;
  train?: string | null;
  test?: string | null;
  sample?: string | null;
  answers?: string | null;
  leaderboard?: string | null;
}

export const DEFAULT_YAML = `id: tiny
name: Tiny task
type: tabular-classification
metric: accuracy
target: target
id_column: id
files:
  train: train.csv
  test: test.csv
  sample_submission: sample_submission.csv
`;

/** Writes a small, valid task folder (overridable file by file; null leaves a file out). */
export function writeTask(dir: string, t: FixtureTask = {}): string {
  mkdirSync(path.join(dir, 'public'), { recursive: true });
  mkdirSync(path.join(dir, 'private'), { recursive: true });
  const files: Record<string, string | null | undefined> = {
    'task.yaml': t.yaml === undefined ? DEFAULT_YAML : t.yaml,
    'description.md': t.description === undefined ? '# Tiny\n' : t.description,
    'public/train.csv': t.train === undefined ? 'id,x,target\n10,0.1,0\n11,0.9,1\n' : t.train,
    'public/test.csv': t.test === undefined ? 'id,x\n1,0.2\n2,0.8\n3,0.3\n4,0.7\n5,0.6\n' : t.test,
    'public/sample_submission.csv':
      t.sample === undefined ? 'id,target\n1,0\n2,0\n3,0\n4,0\n5,0\n' : t.sample,
    'private/answers.csv': t.answers === undefined ? 'id,target\n1,0\n2,1\n3,0\n4,1\n5,1\n' : t.answers,
    'leaderboard.csv': t.leaderboard === undefined ? null : t.leaderboard,
  };
  for (const [rel, text] of Object.entries(files)) {
    if (text !== null && text !== undefined) writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** A leaderboard.csv (MLE-bench columns) from scores already in rank order. */
export function leaderboardCsv(scores: readonly number[]): string {
  const rows = scores.map((s, i) => `${s},team${i + 1},True,2025-01-01 00:00:00,${s},True`);
  return ['scoreNullable,teamId,hasTeamName,submissionDate,score,hasScore', ...rows].join('\n') + '\n';
}

/** Rows of a parsed table as records keyed by column name. */
export function csvRows(table: { header: string[]; rows: string[][] }): Record<string, string>[] {
  return table.rows.map((row) => Object.fromEntries(table.header.map((h, i) => [h, row[i]!])));
}

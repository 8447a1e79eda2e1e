/** One task's summary, for `crucible tasks show <id>`. */
import { readFile } from 'node:fs/promises';
import { CsvError, readCsvFile } from './csv.js';
import { TaskError } from './errors.js';
import { headerOf } from './files.js';
import { readLeaderboard } from './leaderboard.js';
import { medalThresholds, type Thresholds } from './medals.js';
import type { TaskSpec } from './types.js';

export interface TaskSummary {
  id: string;
  name: string;
  type: TaskSpec['type'];
  metric: TaskSpec['metric'];
  direction: TaskSpec['direction'];
  layout: 'crucible' | 'mlebench';
  dir: string;
  idColumn: string;
  target: string;
  rows: {
    train: number;
    /** Rows of the public test file: the hidden test plus the selection holdout, if any. */
    test: number;
    /** Rows of the private answers (what grading scores). */
    hiddenTest: number;
    /** Rows of the selection holdout, or null when the task has none. */
    holdout: number | null;
  };
  columns: { train: string[]; test: string[]; submission: string[] };
  leaderboard: { path: string; size: number; thresholds: Thresholds } | null;
  descriptionPath: string;
  /** The description's first paragraph of text (headings skipped), at most 600 characters. */
  firstParagraph: string;
}

function rowCount(file: string): number {
  try {
    return readCsvFile(file).rows.length;
  } catch (err) {
    if (err instanceof CsvError) throw new TaskError(err.message);
    throw err;
  }
}

/** The first paragraph of markdown text: the first block of non-blank lines that is not only headings. */
export function firstParagraph(markdown: string, max = 600): string {
  const blocks = markdown.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^#{1,6}(\s|$)/.test(l));
    if (lines.length === 0) continue;
    const text = lines.join(' ');
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }
  return '';
}

export async function describeTask(task: TaskSpec): Promise<TaskSummary> {
  let leaderboard: TaskSummary['leaderboard'] = null;
  if (task.leaderboardPath !== null) {
    const scores = readLeaderboard(task.leaderboardPath, task.direction);
    leaderboard = { path: task.leaderboardPath, size: scores.length, thresholds: medalThresholds(scores, task.direction === 'minimize') };
  }
  return {
    id: task.id,
    name: task.name,
    type: task.type,
    metric: task.metric,
    direction: task.direction,
    layout: task.mlebench === undefined ? 'crucible' : 'mlebench',
    dir: task.dir,
    idColumn: task.idColumn,
    target: task.target,
    rows: {
      train: rowCount(task.files.train),
      test: rowCount(task.files.test),
      hiddenTest: rowCount(task.answersPath),
      holdout: task.selectionPath === null ? null : rowCount(task.selectionPath),
    },
    columns: { train: headerOf(task.files.train), test: headerOf(task.files.test), submission: headerOf(task.files.sampleSubmission) },
    leaderboard,
    descriptionPath: task.descriptionPath,
    firstParagraph: firstParagraph(await readFile(task.descriptionPath, 'utf8')),
  };
}

function list(columns: readonly string[], max = 12): string {
  return columns.slice(0, max).join(', ') + (columns.length > max ? `, … (${columns.length} in all)` : '');
}

/** The summary as the lines `crucible tasks show` prints. */
export function formatTaskSummary(s: TaskSummary): string {
  const better = s.direction === 'maximize' ? 'higher is better' : 'lower is better';
  const lines = [
    `${s.id}: ${s.name}`,
    `  type         ${s.type}${s.layout === 'mlebench' ? ' (MLE-bench prepared competition)' : ''}`,
    `  metric       ${s.metric} (${s.direction}, ${better})`,
    `  target       ${s.target}   id column: ${s.idColumn}`,
    `  rows         train ${s.rows.train}, test ${s.rows.test}` +
      (s.rows.holdout === null ? '' : ` (hidden test ${s.rows.hiddenTest} + selection holdout ${s.rows.holdout})`),
    `  columns      train: ${list(s.columns.train)}`,
    `               test: ${list(s.columns.test)}`,
    `               submission: ${list(s.columns.submission)}`,
  ];
  if (s.leaderboard === null) {
    lines.push('  leaderboard  none (no medal thresholds)');
  } else {
    const t = s.leaderboard.thresholds;
    lines.push(`  leaderboard  ${s.leaderboard.size} entries  ${s.leaderboard.path}`);
    lines.push(`  thresholds   gold ${t.gold}  silver ${t.silver}  bronze ${t.bronze}  median ${t.median}`);
  }
  lines.push(`  folder       ${s.dir}`);
  lines.push(`  description  ${s.descriptionPath}`);
  if (s.firstParagraph !== '') lines.push('', `  ${s.firstParagraph}`);
  return lines.join('\n');
}

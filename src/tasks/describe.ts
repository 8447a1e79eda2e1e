/** One task's summary, for `crucible tasks show <id>`. */
import { readFile } from 'node:fs/promises';
import { CsvError, readCsvFile } from './csv.js';
import { TaskError } from './errors.js';
import { readLeaderboard } from './leaderboard.js';
import { medalThresholds, type Thresholds } from './medals.js';
import { readTableHead } from './tableHead.js';
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
  /** The train column learnt, or null (see TaskSpec.target). */
  target: string | null;
  predictionColumns: string[];
  /** What the public folder holds (MLE-bench competitions), or null. */
  data: string | null;
  /** Who grades it: the metric, or the MLE-bench competition's grader. */
  grader: string;
  rows: {
    /** Null where there is no such table, or it is zipped. */
    train: number | null;
    /** Rows of the public test file: the hidden test plus the selection holdout, if any. */
    test: number | null;
    /** Rows of the private answers (what grading scores). */
    hiddenTest: number;
    /** Rows of the selection holdout, or null when the task has none. */
    holdout: number | null;
  };
  columns: { train: string[] | null; test: string[] | null; submission: string[] };
  leaderboard: { path: string; size: number; thresholds: Thresholds } | null;
  /** Why there are no medal thresholds, when there are none. */
  leaderboardProblem: string | null;
  descriptionPath: string;
  /** The description's first paragraph of text (headings skipped), at most 600 characters. */
  firstParagraph: string;
}

/** `f` of a plain CSV file; null for none, or a zipped one (counting would inflate it whole). */
function plainTable<T>(file: string | null, f: (file: string) => T): T | null {
  return file === null || file.endsWith('.zip') ? null : f(file);
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
    predictionColumns: task.predictionColumns,
    data: task.mlebench?.shape ?? null,
    grader: task.mlebench === undefined ? `${task.metric ?? 'none'}, Crucible's metric` : `${task.mlebench.graderName}, the competition's own grader`,
    rows: {
      train: plainTable(task.files.train, rowCount),
      test: plainTable(task.files.test, rowCount),
      hiddenTest: rowCount(task.answersPath),
      holdout: task.selectionPath === null ? null : rowCount(task.selectionPath),
    },
    columns: {
      train: task.files.train === null ? null : readTableHead(task.files.train).header,
      test: task.files.test === null ? null : readTableHead(task.files.test).header,
      submission: readTableHead(task.files.sampleSubmission).header,
    },
    leaderboard,
    leaderboardProblem: task.mlebench?.leaderboardProblem ?? (leaderboard === null ? 'none (no medal thresholds)' : null),
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
    `  graded by    ${s.grader} (${s.direction}, ${better})`,
    ...(s.metric !== null && s.layout === 'mlebench' ? [`  validation   ${s.metric}`] : []),
    `  predicts     ${list(s.predictionColumns)}${s.target !== null && !s.predictionColumns.includes(s.target) ? ` (classes of ${s.target})` : ''}   id column: ${s.idColumn}`,
    ...(s.data === null ? [] : [`  data         ${s.data}`]),
    `  rows         train ${s.rows.train ?? '—'}, test ${s.rows.test ?? '—'}` +
      (s.rows.holdout === null ? '' : ` (hidden test ${s.rows.hiddenTest} + selection holdout ${s.rows.holdout})`),
    ...(s.columns.train === null ? [] : [`  columns      train: ${list(s.columns.train)}`]),
    ...(s.columns.test === null ? [] : [`               test: ${list(s.columns.test)}`]),
    `               submission: ${list(s.columns.submission)}`,
  ];
  if (s.leaderboard === null) {
    lines.push(`  leaderboard  ${s.leaderboardProblem ?? 'none (no medal thresholds)'}`);
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

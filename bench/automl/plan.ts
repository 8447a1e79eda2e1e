/**
 * The AutoML comparison's pure parts: what each library is asked to fit (problem, metric in its own
 * name, what the submission's columns hold), where a score lands on a task's reference board, and the
 * results table. bench/automl.ts does the running.
 */
import type { Direction } from '../../src/core/node.js';
import { awardMedal, type Medal, type Thresholds } from '../../src/tasks/medals.js';
import type { MetricName, TaskType } from '../../src/tasks/types.js';

export const LIBRARIES = ['flaml', 'autogluon'] as const;
export type Library = (typeof LIBRARIES)[number];
export const LIBRARY_LABEL: Record<Library, string> = { flaml: 'FLAML', autogluon: 'AutoGluon' };

export type Problem = 'binary' | 'multiclass' | 'regression';
/** What the prediction columns hold: a label or value; the positive class's probability; one probability column per class. */
export type OutputKind = 'value' | 'positive-probability' | 'class-probabilities';

export class PlanError extends Error {}

export function problemOf(type: TaskType, classCount: number): Problem {
  if (type === 'tabular-regression') return 'regression';
  if (classCount < 2) throw new PlanError(`a classification task needs at least two classes in its train target, found ${classCount}`);
  return classCount === 2 ? 'binary' : 'multiclass';
}

/** From the sample submission's prediction columns and the metric, never from the columns' names. */
export function outputKind(metric: MetricName, predictionColumns: readonly string[], problem: Problem): OutputKind {
  if (predictionColumns.length === 0) throw new PlanError('the sample submission has no prediction column');
  if (predictionColumns.length > 1) {
    if (problem === 'regression') {
      throw new PlanError(`the sample submission has ${predictionColumns.length} prediction columns (${predictionColumns.join(', ')}); several regression targets are not supported`);
    }
    return 'class-probabilities';
  }
  if (metric === 'auc' || metric === 'logloss') {
    if (problem !== 'binary') throw new PlanError(`${metric} with one prediction column needs a binary target (${problem} found)`);
    return 'positive-probability';
  }
  return 'value';
}

/**
 * Crucible's metric in each library's own name. Multi-class variants: auc one-vs-rest (macro), f1
 * macro; Crucible's f1 and auc are binary today, so these only matter for tasks added later.
 */
export function libraryMetric(library: Library, metric: MetricName, problem: Problem): string {
  const multi = problem === 'multiclass';
  const names: Record<Library, Record<MetricName, string>> = {
    flaml: { accuracy: 'accuracy', auc: multi ? 'roc_auc_ovr' : 'roc_auc', logloss: 'log_loss', f1: multi ? 'macro_f1' : 'f1', rmse: 'rmse', mae: 'mae' },
    autogluon: {
      accuracy: 'accuracy', auc: multi ? 'roc_auc_ovr' : 'roc_auc', logloss: 'log_loss', f1: multi ? 'f1_macro' : 'f1',
      rmse: 'root_mean_squared_error', mae: 'mean_absolute_error',
    },
  };
  const regression = metric === 'rmse' || metric === 'mae';
  if (regression !== (problem === 'regression')) throw new PlanError(`metric ${metric} does not fit a ${problem} task`);
  return names[library][metric];
}

/** The runner's command-line arguments (bench/automl/frame.py parse_args). */
export function runnerArgs(p: {
  publicDir: string; train: string; test: string; sampleSubmission: string; target: string; idColumn: string;
  problem: Problem; metric: string; output: OutputKind; budgetSeconds: number; nJobs: number; seed: number; workdir: string;
}): string[] {
  return [
    '--public', p.publicDir, '--train', p.train, '--test', p.test, '--sample-submission', p.sampleSubmission,
    '--target', p.target, '--id-column', p.idColumn, '--problem', p.problem, '--metric', p.metric, '--output', p.output,
    '--budget', String(p.budgetSeconds), '--n-jobs', String(p.nJobs), '--seed', String(p.seed), '--workdir', p.workdir,
  ];
}

// ---------------------------------------------------------------- the board

export interface BoardEntry {
  team: string;
  score: number;
}

/** Reference entries named `default_*`: a default model, untuned (the task builders' convention). */
export const isDefaultModel = (e: BoardEntry) => e.team.startsWith('default_');

/**
 * 1-based place a score would take among the board's entries, ahead of those it ties; `of` is the
 * board's size plus the score itself.
 */
export function boardPlace(score: number, board: readonly number[], direction: Direction): { rank: number; of: number } {
  const better = board.filter((s) => (direction === 'maximize' ? s > score : s < score)).length;
  return { rank: better + 1, of: board.length + 1 };
}

/** Positive when `a` is better than `b` for the direction; null when either is missing. */
export function signedGain(a: number | null, b: number | null, direction: Direction): number | null {
  if (a === null || b === null) return null;
  return direction === 'maximize' ? a - b : b - a;
}

// ---------------------------------------------------------------- results

/** One contender's result on a task; score null when it produced no valid submission. */
export interface Placement {
  score: number | null;
  medal: Medal | null;
  place: { rank: number; of: number } | null;
  wallMs: number;
  /** Why there is no score (a crash, a timeout, an invalid submission). */
  error: string | null;
}

export interface LibraryResult extends Placement {
  library: Library;
  /** The metric as the library was asked to optimise it. */
  metric: string;
  /** The runner's own report: best estimator, features, its validation loss. */
  info: Record<string, unknown> | null;
}

export interface AgentResult extends Placement {
  preset: string;
  seed: number;
  nodes: number;
  buggyNodes: number;
  isolation: string[];
}

/** One task's line; problem, output and rows are null on a skipped task. */
export interface TaskRow {
  task: string;
  type: TaskType;
  /** Crucible's metric, or a skipped MLE-bench task's grader. */
  metric: string;
  direction: Direction;
  problem: Problem | null;
  output: OutputKind | null;
  rows: { train: number; test: number; scored: number } | null;
  best: BoardEntry | null;
  defaults: BoardEntry[];
  thresholds: Thresholds | null;
  boardSize: number;
  libraries: LibraryResult[];
  agent: AgentResult | null;
  /** Why the task was left out (not one table with one target, …); the contenders are then empty. */
  skipped: string | null;
}

const num = (x: number) => String(Number(x.toFixed(5)));

function cell(p: Placement | undefined | null): string {
  if (!p) return '—';
  if (p.score === null) return `failed: ${(p.error ?? 'no score').replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 80)}`;
  return `${num(p.score)} (${p.medal ?? 'no medal'}, #${p.place!.rank}/${p.place!.of})`;
}

/** The best default model (the board is best first) with its medal, and how many defaults the board has. */
function defaultCell(r: TaskRow): string {
  const [best] = r.defaults;
  if (best === undefined) return '—';
  const medal = awardMedal(best.score, r.thresholds, r.direction === 'minimize').medal ?? 'no medal';
  return `${best.team} ${num(best.score)} (${medal}), best of ${r.defaults.length}`;
}

function gainCell(gain: number | null, reference: number | null): string {
  if (gain === null || reference === null) return '—';
  const rel = reference === 0 ? '' : ` (${gain >= 0 ? '+' : ''}${((gain / Math.abs(reference)) * 100).toFixed(1)}%)`;
  return `${gain >= 0 ? '+' : ''}${num(gain)}${rel}`;
}

/** Tasks where the agent's score is at least the library's (both scored), of the tasks the library was run on. */
export function agentAtLeast(rows: readonly TaskRow[], library: Library): { wins: number; of: number } {
  let wins = 0;
  let of = 0;
  for (const r of rows) {
    const lib = r.libraries.find((l) => l.library === library);
    if (!lib || !r.agent) continue;
    of += 1;
    const gain = signedGain(r.agent.score, lib.score, r.direction);
    if (gain !== null && gain >= 0) wins += 1;
    else if (r.agent.score !== null && lib.score === null) wins += 1;
  }
  return { wins, of };
}

export function markdownTable(rows: readonly TaskRow[], libraries: readonly Library[], withAgent: boolean): string {
  const head = [
    'task', 'type', 'rows train / test (scored)', 'metric', 'best reference', 'best default model',
    ...libraries.map((l) => LIBRARY_LABEL[l]), ...(withAgent ? ['agent', 'agent buggy'] : []),
    'gold / silver / bronze', ...(withAgent ? libraries.map((l) => `agent − ${LIBRARY_LABEL[l]}`) : []), 'wall s',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of rows) {
    const lib = (l: Library) => r.libraries.find((x) => x.library === l);
    const arrow = r.direction === 'maximize' ? '↑' : '↓';
    const walls = [...libraries.map((l) => lib(l)?.wallMs), ...(withAgent ? [r.agent?.wallMs] : [])]
      .map((ms) => (ms === undefined ? '—' : (ms / 1000).toFixed(0))).join(' / ');
    lines.push(`| ${[
      r.task, r.type, r.rows ? `${r.rows.train} / ${r.rows.test} (${r.rows.scored})` : '—', `${r.metric} ${arrow}`,
      r.best ? `${r.best.team} ${num(r.best.score)}` : '—',
      defaultCell(r),
      ...(r.skipped ? libraries.map(() => `skipped: ${r.skipped}`) : libraries.map((l) => cell(lib(l)))),
      ...(withAgent ? [cell(r.agent), r.agent && r.agent.nodes > 0 ? `${r.agent.buggyNodes}/${r.agent.nodes} (${Math.round((100 * r.agent.buggyNodes) / r.agent.nodes)}%)` : '—'] : []),
      r.thresholds ? `${num(r.thresholds.gold)} / ${num(r.thresholds.silver)} / ${num(r.thresholds.bronze)}` : '—',
      ...(withAgent ? libraries.map((l) => gainCell(signedGain(r.agent?.score ?? null, lib(l)?.score ?? null, r.direction), lib(l)?.score ?? null)) : []),
      walls,
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The summary lines under the table: agent ≥ library counts, medals and the pooled buggy rate. */
export function summaryLines(rows: readonly TaskRow[], libraries: readonly Library[], withAgent: boolean): string[] {
  const ran = rows.filter((r) => r.skipped === null);
  const medals = (ps: (Placement | null | undefined)[]) => ps.filter((p) => p?.medal).length;
  const lines = libraries.map((l) => `${LIBRARY_LABEL[l]}: a medal on ${medals(ran.map((r) => r.libraries.find((x) => x.library === l)))} of ${ran.length} tasks.`);
  if (withAgent) {
    lines.push(`Agent: a medal on ${medals(ran.map((r) => r.agent))} of ${ran.length} tasks.`);
    for (const l of libraries) {
      const { wins, of } = agentAtLeast(ran, l);
      lines.push(`Agent ≥ ${LIBRARY_LABEL[l]} (hidden test score) on ${wins} of ${of} tasks.`);
    }
    const nodes = ran.reduce((n, r) => n + (r.agent?.nodes ?? 0), 0);
    const buggy = ran.reduce((n, r) => n + (r.agent?.buggyNodes ?? 0), 0);
    lines.push(`Agent buggy nodes: ${buggy} of ${nodes}${nodes ? ` (${Math.round((100 * buggy) / nodes)}%)` : ''} over all tasks.`);
  }
  return lines;
}

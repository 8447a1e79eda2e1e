import { notTableReason, type MetricName, type TableTask, type TaskSpec } from '../../tasks/types.js';

/**
 * A task as the offline generator reads it: one table of rows to predict, what the solution learns
 * from the train table, what it writes into the submission and which metric it validates with.
 */

/** What the solution learns from the train table. */
export type Learn =
  /** The one prediction column, a train column of that name. */
  | { kind: 'column'; column: string }
  /** Several prediction columns, each a train column: one model per column. */
  | { kind: 'columns'; columns: string[] }
  /** The prediction columns are the classes of one train column: one probability per class. */
  | { kind: 'classes'; column: string };

/**
 * What the submission's prediction columns hold. `sample`: the task names no metric and the sample
 * submission's values decide at run time (floats in 0..1: probabilities, else labels).
 */
export type Output = 'probabilities' | 'labels' | 'values' | 'sample';

export interface OfflineTask {
  id: string;
  type: TableTask['type'];
  idColumn: string;
  publicDir: string;
  files: TableTask['files'];
  learn: Learn;
  output: Output;
  /** The metric the solution validates with and names in metrics.json ('sample': the one for labels). */
  metric: MetricName;
  /** Why that metric, in words for the plan, when the task names none; null when it is the task's own. */
  metricChoice: string | null;
}

/** The offline operators cannot write a solution for this task: the run stops at once (activities/operate.ts). */
export class UnfitTaskError extends Error {
  constructor(task: TaskSpec, reason: string) {
    super(
      `the offline operators cannot work on ${task.id}: ${reason}. Run it with an LLM endpoint: ` +
        `crucible run --task ${task.dir} --llm-url <OpenAI-compatible URL> --llm-model <model> (and CRUCIBLE_LLM_API_KEY)`,
    );
    this.name = 'UnfitTaskError';
  }
}

const OUTPUT_OF: Record<MetricName, Output> = {
  auc: 'probabilities', logloss: 'probabilities', accuracy: 'labels', f1: 'labels', rmse: 'values', mae: 'values',
};

/** The metric for a task that names none, and why, in words for the plan. */
function chosenMetric(type: TableTask['type'], learn: Learn): { metric: MetricName; output: Output; why: string } {
  if (type === 'tabular-regression') return { metric: 'rmse', output: 'values', why: 'the task names no metric and rmse is the usual error of a regression' };
  if (learn.kind === 'classes') return { metric: 'logloss', output: 'probabilities', why: 'the task names no metric and its columns hold class probabilities' };
  return {
    metric: 'accuracy', output: 'sample',
    why: 'the task names no metric: log loss if its sample submission holds probabilities (floats in 0..1), else accuracy',
  };
}

function learnOf(task: TaskSpec): Learn | null {
  const [first] = task.predictionColumns;
  if (task.target !== null) {
    return task.predictionColumns.length === 1 && first === task.target ? { kind: 'column', column: task.target } : { kind: 'classes', column: task.target };
  }
  return task.predictionColumns.length > 1 ? { kind: 'columns', columns: task.predictionColumns } : null;
}

/** The task read for the generator; an UnfitTaskError when it is not one table of rows to predict. */
export function offlineTask(task: TaskSpec): OfflineTask {
  const { train, test, sampleSubmission } = task.files;
  const learn = learnOf(task);
  if (task.type === 'other' || train === null || test === null || learn === null) {
    const reason = task.type === 'other' || train === null || test === null ? (notTableReason(task) ?? 'it has no train and test tables') : 'no train column holds what it predicts';
    throw new UnfitTaskError(task, reason);
  }
  const chosen = task.metric === null ? chosenMetric(task.type, learn) : null;
  return {
    id: task.id, type: task.type, idColumn: task.idColumn, publicDir: task.publicDir, files: { train, test, sampleSubmission }, learn,
    metric: chosen?.metric ?? (task.metric as MetricName),
    // Class columns hold probabilities whatever the metric.
    output: chosen?.output ?? (learn.kind === 'classes' ? 'probabilities' : OUTPUT_OF[task.metric as MetricName]),
    metricChoice: chosen?.why ?? null,
  };
}

import type { OperatorSetConfig } from '../config/agent.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { RunBudget, RunSummary } from '../core/run.js';
import type { NodeLlm } from '../core/spend.js';
import type { ExecIsolation, GraphNode, OperatorName } from '../core/node.js';
import type { TaskSpec } from '../tasks/types.js';
import type { MemoryEntry } from '../operators/memory.js';
import type { ParentRef } from '../operators/parents.js';

export interface OperateInput {
  runId: string;
  nodeId: number;
  op: OperatorName;
  task: TaskSpec;
  parents: ParentRef[];
  seed: number;
  remainingSeconds: number;
  /** Operator steps left in the run's step budget (shown to LLM operators); null when it has none. */
  remainingSteps: number | null;
  memory: MemoryEntry[];
  /** Which backend makes the node (offline, llm with its endpoint, or replay of a recorded run). Never a key. */
  operators: OperatorSetConfig;
  /** The run's control files in the private store (tasks/taskFiles.ts); absent or null: read at the task's own paths. */
  taskFiles?: ArtifactRef | null;
  /** The task's data overview made in the sandbox (describeData); LLM prompts show it. */
  dataOverviewRef: ArtifactRef | null;
  /** The researcher's hints so far (update `hint`), oldest first; LLM prompts show them. */
  hints: string[];
}

export interface OperateOutput {
  plan: string;
  codeRef: ArtifactRef;
  backend: string;
  latencyMs: number;
  /** LLM backends: the node's spend and its recorded calls; null for the offline backend. */
  llm: NodeLlm | null;
}

/** Failure types of LLM activities (activities/llmFailure.ts), as the workflow sees them. */
export const LLM_RETRYABLE = 'LlmRetryable';
/** The endpoint, key or model is wrong (401/403/404), or a replay has no recording: the run stops. */
export const LLM_CONFIG_ERROR = 'LlmConfigError';
/** The endpoint refused this one request (400/422): only this node fails. */
export const LLM_REQUEST_REJECTED = 'LlmRequestRejected';
/** The offline operators cannot work on the run's task (not one table of rows to predict): the run stops. */
export const OFFLINE_UNFIT_TASK = 'OfflineUnfitTask';
/** The exec worker runs solutions unisolated and the task's private answers are on its host (sandbox/unisolated.ts): the run stops. */
export const UNISOLATED_ANSWERS = 'UnisolatedAnswers';

/** An LLM reading of an execution that wrote no metrics.json (docs/architecture.md "One step of a run, as data", step 4). */
export interface AnalyzeActivityInput {
  runId: string;
  nodeId: number;
  operators: OperatorSetConfig;
  task: TaskSpec;
  /** The run's control files in the private store (tasks/taskFiles.ts); absent or null: read at the task's own paths. */
  taskFiles?: ArtifactRef | null;
  codeRef: ArtifactRef;
  stdoutRef: ArtifactRef;
  stderrRef: ArtifactRef;
}

export interface AnalyzeActivityOutput {
  isBug: boolean;
  summary: string;
  metric: number | null;
  llm: NodeLlm;
}

export interface DescribeDataInput {
  runId: string;
  dataRef: ArtifactRef;
}

export interface ExecuteInput {
  runId: string;
  nodeId: number;
  task: TaskSpec;
  /** The task's public data, published to the artifact store (tasks/publicData.ts). */
  dataRef: ArtifactRef;
  codeRef: ArtifactRef;
  timeoutMs: number;
}

export interface ExecuteOutput {
  exitCode: number | null;
  timedOut: boolean;
  oomKilled: boolean;
  cancelled: boolean;
  durationMs: number;
  stdoutRef: ArtifactRef;
  stderrRef: ArtifactRef;
  submissionRef: ArtifactRef | null;
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  /** Only metrics.json is missing: an LLM Analyze call may read the score from the output. */
  needsReview: boolean;
  executor: string;
  /** The isolation the solution ran under. */
  isolation: ExecIsolation;
}

export interface GradeInput {
  task: TaskSpec;
  /** The run's control files in the private store (tasks/taskFiles.ts); absent or null: read at the task's own paths. */
  taskFiles?: ArtifactRef | null;
  submissionRef: ArtifactRef;
}

export interface RunFolderInput {
  runId: string;
  /** Node metadata from id `nodesFrom` on; the activity reads archived (compact) ones in full from the archive. */
  nodes: GraphNode[];
  /** The id of `nodes[0]`; the nodes before it are all archived and read from the archive (issue 9: a 10,000-node graph inline was over 2 MB). */
  nodesFrom: number;
  summary: Omit<RunSummary, 'runDir'>;
  bestNodeId: number | null;
  /** What MLE-bench's grading report (grading_report.json) needs beyond the summary. */
  task: { competitionId: string; isLowerBetter: boolean };
  /** The run's budget, for its report (summary.json does not hold it); absent when scheduled by code before issue 18. */
  budget?: RunBudget;
}

export interface RunFolderOutput {
  /** Folder holding graph.json, summary.json, grading_report.json and the best solution's code and submission. */
  runDir: string;
  graphRef: ArtifactRef;
  /** The isolations the run's executions ran under, read from every node (archived ones too); summary.json states them. */
  isolation: ExecIsolation[];
  /** The run's page, <runDir>/report.html; null when it could not be written (the worker's log says why). */
  report: string | null;
}

/** Scores a submission's selection-holdout rows (control worker: the answers are private). */
export interface ScoreSelectionInput {
  task: TaskSpec;
  /** The run's control files in the private store (tasks/taskFiles.ts); absent or null: read at the task's own paths. */
  taskFiles?: ArtifactRef | null;
  submissionRef: ArtifactRef;
}

export interface ScoreSelectionOutput {
  score: number | null;
  reason: string | null;
}

/** One fold of the k-fold re-evaluation of a node's code (exec worker). */
export interface CrossValidateInput {
  runId: string;
  nodeId: number;
  task: TaskSpec;
  dataRef: ArtifactRef;
  codeRef: ArtifactRef;
  folds: number;
  fold: number;
  timeoutMs: number;
}

export interface CrossValidateOutput {
  /** The task metric on the held-out fold; null when the code failed or its predictions were invalid. */
  score: number | null;
  reason: string | null;
  durationMs: number;
}

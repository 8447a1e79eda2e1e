import type { GradeOutput } from '../activities/types.js';
import type { AgentConfig } from '../config/agent.js';
import type { SearchSnapshot } from '../search/driver.js';
import type { SelectionStrategy } from '../search/selection.js';
import type { BenchmarkRunResult, TableRow } from '../tasks/benchmarkResults.js';
import type { ArtifactRef, NodeRecord, Spend } from '../search/types.js';
import type { TaskSpec } from '../tasks/types.js';

export interface RunBudget {
  /** Wall-clock budget of the whole run, measured in workflow time from its start. */
  wallMs: number;
  /** Most nodes the run creates. */
  maxSteps: number;
  /** LLM backends: prompt plus completion tokens of the whole run; absent or null for no limit. */
  maxTokens?: number | null;
  /** LLM backends: US dollars of the whole run; absent or null for no limit. */
  maxCostUsd?: number | null;
}

export interface AgentRunInput {
  task: TaskSpec;
  agent: AgentConfig;
  seed: number;
  budget: RunBudget;
  /** Upper bound for one execution; the remaining budget caps it further. */
  execTimeoutMs: number;
  execTaskQueue: string;
  /** The task's public data in the artifact store; published by the run itself when absent. */
  taskDataRef?: ArtifactRef;
  /** LLM backends: the data overview made in the sandbox (null when that failed); made by the run when absent. */
  dataOverviewRef?: ArtifactRef | null;
  /** Present only when the run continues as new: the whole search state. */
  carried?: CarriedState;
}

/** Everything a run needs to continue exactly where it was. */
export interface CarriedState {
  /** Graph, RNG, policy state (MCTS visits, evolutionary population…), scheduler tickets. */
  search: SearchSnapshot<unknown>;
  startedAt: number;
  /** Nodes with smaller ids are compact in the carried graph and archived in full (workflows/carry.ts). */
  archivedUpTo: number;
  /** How many times this run has continued as new. */
  continuedAsNew: number;
  /** LLM spend so far. */
  spend?: Spend;
}

export type RunPhase = 'searching' | 'selecting' | 'finished';

export interface RunStatus {
  phase: RunPhase;
  nodes: number;
  inFlight: number;
  bestNodeId: number | null;
  bestScore: number | null;
  startedAt: number;
  deadline: number;
  budget: RunBudget;
  continuedAsNew: number;
  /** LLM tokens and cost so far (zero for the offline backend). */
  spend: Spend;
  stopReason: StopReason | null;
}

/** Why the search stopped. `operator error`: the LLM endpoint refused the run's key or model (the run then fails). */
export type StopReason = 'wall-clock budget' | 'step budget' | 'token budget' | 'cost budget' | 'operator error';

export interface BestNode {
  id: number;
  operator: NodeRecord['operator'];
  score: number;
  codeRef: ArtifactRef | null;
  submissionRef: ArtifactRef | null;
  grade: GradeOutput | null;
}

/** What one selection strategy would submit, and how that would score on the hidden test. */
export interface SelectionOutcome {
  strategy: SelectionStrategy;
  nodeId: number;
  validationScore: number;
  /** The holdout or k-fold score the pick was made on; null for best-validation. */
  rescore: number | null;
  testScore: number | null;
  medal: GradeOutput['medal'];
  aboveMedian: boolean;
  /** Test score lost against the oracle (>= 0, metric units). */
  gap: number | null;
}

/** The final selection of a run, every strategy asked for, and the oracle bound. */
export interface FinalSelection {
  /** The submitted node (by `agent.selection.strategy`, else best-validation when it could not run). */
  best: BestNode | null;
  strategy: SelectionStrategy;
  selections: SelectionOutcome[];
  /** The node with the best hidden test score, and the medal it would have earned. */
  oracle: { nodeId: number; testScore: number; medal: GradeOutput['medal']; aboveMedian: boolean } | null;
  /** Test score the submitted node lost against the oracle: the generalization gap. */
  gap: number | null;
}

export interface RunSummary {
  runId: string;
  task: string;
  metric: string;
  agent: string;
  policy: string;
  seed: number;
  stopReason: StopReason;
  nodes: number;
  buggyNodes: number;
  elapsedMs: number;
  continuedAsNew: number;
  /** LLM tokens and cost of the whole run. */
  spend: Spend;
  /** Set when the run stopped on an operator error (stopReason `operator error`). */
  error?: string;
  /** The final selection: the submitted node, with its hidden grade. */
  best: BestNode | null;
  /** How it was chosen, what the other strategies would have chosen, the oracle, and the gap. */
  selection: Omit<FinalSelection, 'best'>;
  /** Folder with graph.json, summary.json, best_solution.py, best_submission.csv. */
  runDir: string;
}

export interface BenchmarkInput {
  /** One complete run input per (task, agent, seed), built and validated by the client. */
  runs: AgentRunInput[];
  /** Runs in flight at once. */
  concurrency: number;
}

export interface BenchmarkStatus {
  total: number;
  done: number;
  running: string[];
  results: BenchmarkRunResult[];
}

export interface BenchmarkSummary {
  benchmarkId: string;
  results: BenchmarkRunResult[];
  table: TableRow[];
  /** Folder with results.md, results.csv, results.json. */
  dir: string;
}

import type { GradeOutput } from '../activities/types.js';
import type { AgentConfig } from '../config/agent.js';
import type { CarriedSearch } from './carry.js';
import type { SelectionStrategy } from '../fitness/finalSelection.js';
import type { BenchmarkRunResult } from '../reports/benchTable.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { NodeRecord } from '../core/node.js';
import type { Spend } from '../core/spend.js';
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
  /**
   * A fork (`crucible fork`): the graph starts from another run's nodes 1..k, full records as that run
   * made them (ids, parents, code refs, scores kept); the first new node is k + 1. Only the first run
   * of the chain has it: after continue-as-new the graph travels in `carried`.
   */
  fork?: ForkSource;
}

export interface ForkSource {
  fromRunId: string;
  /** Nodes 1..k of that run, in id order, without the root. */
  nodes: NodeRecord[];
}

/** Everything a run needs to continue exactly where it was (RunState in workflows/run/state.ts reads and writes it). */
export interface CarriedState {
  /** Graph, RNG, policy state (MCTS visits, evolutionary population…), scheduler tickets; a large graph's archived nodes packed (carry.ts). */
  search: CarriedSearch;
  startedAt: number;
  /** Nodes with smaller ids are compact in the carried graph and archived in full (workflows/carry.ts). */
  archivedUpTo: number;
  /** How many times this run has continued as new. */
  continuedAsNew: number;
  /** LLM spend so far. */
  spend: Spend;
  /** The researcher's hints so far (update `hint`), in order. */
  hints: Hint[];
  /** Paused by the `pause` update when it continued as new. */
  paused: boolean;
  /** A `stop` update that arrived while the run was continuing as new; the next run applies it. */
  stopRequested?: { note?: string };
  /** A fork's origin (the input's `fork` is dropped at continue-as-new: its nodes are in the graph). */
  forkedFrom?: RunSummary['forkedFrom'];
}

/** A human note sent to a running run (update `hint`); LLM prompts show every hint made so far. */
export interface Hint {
  /** 1, 2, 3… in the order they arrived; nodes record the ids of the hints their operator call saw. */
  id: number;
  text: string;
  /** Workflow time (ms since epoch) when it arrived. */
  at: number;
}

/** What the budget update `setBudget` changes; absent fields stay as they are. */
export interface BudgetChange {
  wallMs?: number;
  maxSteps?: number;
  maxTokens?: number;
  maxCostUsd?: number;
}

/** What a steering update (pause, resume, stop, setBudget, hint) answers: a line for humans and the new status. */
export interface SteerAck {
  message: string;
  status: RunStatus;
}

/** Budgets consumed so far, and what is left of each (null: that budget has no limit). */
export interface BudgetUse {
  wallMs: number;
  /** Actions proposed so far: the step budget counts these. */
  steps: number;
  tokens: number;
  costUsd: number;
}

export interface BudgetLeft {
  wallMs: number;
  steps: number;
  tokens: number | null;
  costUsd: number | null;
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
  /** The `pause` update holds new actions back (running ones finish); the wall-clock deadline still applies. */
  paused: boolean;
  used: BudgetUse;
  left: BudgetLeft;
  /** Hints received so far. */
  hints: number;
}

/**
 * Why the search stopped. `operator error`: the LLM endpoint refused the run's key or model (the run then
 * fails). `stopped by user`: the `stop` update (running actions finished, then the usual selection and report).
 */
export type StopReason = 'wall-clock budget' | 'step budget' | 'token budget' | 'cost budget' | 'operator error' | 'stopped by user';

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
  /** The reason given with the `stop` update, if any. */
  stopNote?: string;
  /** Set for a fork: the run and node its graph started from (nodes 1..atNode are that run's). */
  forkedFrom?: { runId: string; atNode: number };
  /** The researcher's hints (nodes record the ids of those their operator call saw, `hintIds`). */
  hints: Hint[];
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

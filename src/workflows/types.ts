import type { AgentConfig } from '../config/agent.js';
import type { CarriedSearch } from './carry.js';
import type { BenchmarkRunResult } from '../reports/benchTable.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { NodeRecord } from '../core/node.js';
import type { Hint, RunBudget, RunSummary, StopReason } from '../core/run.js';
import type { Spend } from '../core/spend.js';
import type { TaskSpec } from '../tasks/types.js';


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
  /**
   * The task's files for the control worker (description, answers, leaderboard, private folder), in the
   * private store, published by the client that starts the run (tasks/taskFiles.ts); only control
   * activities get it. Absent (older clients): the control worker reads them at the task's own paths.
   */
  taskFilesRef?: ArtifactRef;
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

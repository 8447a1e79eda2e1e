import type { GradeOutput } from '../activities/types.js';
import type { AgentConfig } from '../config/agent.js';
import type { SearchSnapshot } from '../search/driver.js';
import type { ArtifactRef, NodeRecord } from '../search/types.js';
import type { TaskSpec } from '../tasks/types.js';

export interface RunBudget {
  /** Wall-clock budget of the whole run, measured in workflow time from its start. */
  wallMs: number;
  /** Most nodes the run creates. */
  maxSteps: number;
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
}

export type StopReason = 'wall-clock budget' | 'step budget';

export interface BestNode {
  id: number;
  operator: NodeRecord['operator'];
  score: number;
  codeRef: ArtifactRef | null;
  submissionRef: ArtifactRef | null;
  grade: GradeOutput | null;
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
  /** The final selection: the best node by validation score, with its hidden grade. */
  best: BestNode | null;
  /** Folder with graph.json, summary.json, best_solution.py, best_submission.csv. */
  runDir: string;
}

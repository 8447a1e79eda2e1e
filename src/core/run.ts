/**
 * A run's record, as every layer sees it: its budget, the researcher's hints, why it stopped, the
 * hidden grade of a submission, the final selection and the summary a finished run returns (and
 * `summary.json` holds). Types, and the list of selection strategies.
 */
import type { ArtifactRef } from './artifact.js';
import type { ExecIsolation, NodeRecord } from './node.js';
import type { Spend } from './spend.js';

/** How the final selection picks the submitted node (fitness/finalSelection.ts). */
export const SELECTION_STRATEGIES = ['validation', 'holdout', 'kfold'] as const;
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];

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

/** A human note sent to a running run (update `hint`); LLM prompts show every hint made so far. */
export interface Hint {
  /** 1, 2, 3… in the order they arrived; nodes record the ids of the hints their operator call saw. */
  id: number;
  text: string;
  /** Workflow time (ms since epoch) when it arrived. */
  at: number;
}

/**
 * Why the search stopped. `operator error`: the LLM endpoint refused the run's key or model, or the
 * offline operators cannot work on the task (the run then fails). `stopped by user`: the `stop` update (running actions finished, then the usual selection and report).
 */
export type StopReason = 'wall-clock budget' | 'step budget' | 'token budget' | 'cost budget' | 'operator error' | 'stopped by user';

export interface GradeOutput {
  score: number | null;
  validSubmission: boolean;
  /** Why the submission is invalid (the grader's own words where it gave them); null when valid. */
  reason: string | null;
  /** Who graded it: mlebench's own grader (MLE-bench tasks, where installed) or Crucible's. */
  gradedBy: 'crucible' | 'mlebench';
  isLowerBetter: boolean;
  medal: 'gold' | 'silver' | 'bronze' | null;
  aboveMedian: boolean;
  goldThreshold: number | null;
  silverThreshold: number | null;
  bronzeThreshold: number | null;
  medianThreshold: number | null;
}

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
  /** The isolations its executions ran under (isolationsUsed); absent in runs before issue 17. */
  isolation?: ExecIsolation[];
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

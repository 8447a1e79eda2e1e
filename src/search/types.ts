/** Plain data of the solution graph. Everything here is JSON-serialisable: it lives in workflow state. */

export type Direction = 'maximize' | 'minimize';

/**
 * Operators that create nodes. (Analyze reads an execution; it never creates a node.) Crossover combines
 * two parents, which makes the graph a DAG rather than a tree (as in aira-dojo's evolutionary solver).
 */
export type OperatorName = 'draft' | 'improve' | 'debug' | 'crossover';

/** A reference to a blob in the artifact store; history carries these, never the blob. */
export interface ArtifactRef {
  sha256: string;
  bytes: number;
  /** First characters of the blob, for humans reading history or the UI. */
  preview: string;
}

/** One candidate solution: one plain record per node (AIDE's model). */
export interface NodeRecord {
  /** Step index in the graph; 0 is the empty root. */
  id: number;
  /** Parent ids: [0] (the root) for a draft, two non-root ids for a crossover, one non-root id otherwise. */
  parents: number[];
  operator: OperatorName | 'root';
  plan: string;
  codeRef: ArtifactRef | null;
  /** Validation score the solution reported; null when buggy. */
  score: number | null;
  buggy: boolean;
  /** Why the node is buggy, kept for Debug. */
  bugReason: string | null;
  /** 0 unless this node debugs a buggy parent; then the parent's depth + 1. */
  debugDepth: number;
  /** Hidden test score: never shown to a policy or operator. */
  testScore: number | null;
  /** Execution facts, small. */
  exec: {
    exitCode: number | null;
    timedOut: boolean;
    durationMs: number;
    stdoutRef: ArtifactRef | null;
    stderrRef: ArtifactRef | null;
    submissionRef: ArtifactRef | null;
  } | null;
  /** Workflow time (ms since epoch) when the node was added. */
  createdAt: number;
  /** LLM backends: what making (and analysing) this node cost, and its recorded calls; null offline. */
  llm: NodeLlm | null;
  /** Ids of the researcher's hints (RunSummary.hints) that the operator call making this node saw. */
  hintIds: number[];
}

/** Token and cost totals (of a node, or of a run). */
export interface Spend {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** US dollars; unpriced calls count as zero (`unpricedCalls` says how many there were). */
  costUsd: number;
  unpricedCalls: number;
  latencyMs: number;
}

export interface NodeLlm extends Spend {
  /** One artifact per model call (prompt messages, completion, usage), in call order: the audit trail and re-drive input. */
  recordings: ArtifactRef[];
  /** Set when no usable code came back after the re-asks. */
  replyError?: string;
  /** Analyze's review of an execution that wrote no metrics.json. */
  review?: { isBug: boolean; summary: string; metric: number | null };
}

/** What a policy asks for next. */
export interface Action {
  op: OperatorName;
  parents: number[];
}

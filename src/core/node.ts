/** Plain data of the solution graph. Everything here is JSON-serialisable: it lives in workflow state. */
import type { ArtifactRef } from './artifact.js';
import type { NodeLlm } from './spend.js';

export type Direction = 'maximize' | 'minimize';

/**
 * Operators that create nodes. (Analyze reads an execution; it never creates a node.) Crossover combines
 * two parents, which makes the graph a DAG rather than a tree (as in aira-dojo's evolutionary solver).
 */
export const OPERATOR_NAMES = ['draft', 'improve', 'debug', 'crossover'] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

/**
 * The operator table: how many non-root parents each operator takes. A draft's only parent is the
 * root (id 0); every other operator builds on existing solutions.
 */
export const OPERATOR_PARENTS: Readonly<Record<OperatorName, number>> = { draft: 0, improve: 1, debug: 1, crossover: 2 };

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

/** What a policy asks for next. */
export interface Action {
  op: OperatorName;
  parents: number[];
}

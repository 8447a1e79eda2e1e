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

/** What search reads of a node (structure, scores, flags): every node of a graph has it, archived or not. */
export interface NodeCore {
  /** Step index in the graph; 0 is the empty root. */
  id: number;
  /** Parent ids: [0] (the root) for a draft, two non-root ids for a crossover, one non-root id otherwise. */
  parents: number[];
  operator: OperatorName | 'root';
  /** Validation score the solution reported; null when buggy. */
  score: number | null;
  buggy: boolean;
  /** Why the node is buggy, kept for Debug. */
  bugReason: string | null;
  /** 0 unless this node debugs a buggy parent; then the parent's depth + 1. */
  debugDepth: number;
  /** Hidden test score: never shown to a policy or operator. */
  testScore: number | null;
  /** Workflow time (ms since epoch) when the node was added. */
  createdAt: number;
}

/**
 * How an execution's solution was kept from the worker's host: a Docker container, a bubblewrap
 * sandbox (the process executor), or nothing (the process executor's isolation `none`: a plain child
 * process that can read every file the worker can).
 */
export const EXEC_ISOLATIONS = ['docker', 'bwrap', 'none'] as const;
export type ExecIsolation = (typeof EXEC_ISOLATIONS)[number];

/** What the hidden grade made of a node's submission: never shown to a policy or operator. */
export interface TestGrade {
  validSubmission: boolean;
  /** Why the grader refused the submission (its own words where it gave them); null when valid. */
  reason: string | null;
  /** mlebench's own grader (MLE-bench competitions, where installed) or Crucible's. */
  gradedBy: 'crucible' | 'mlebench';
}

/** One candidate solution, in full: one plain record per node (AIDE's model). */
export interface NodeRecord extends NodeCore {
  plan: string;
  codeRef: ArtifactRef | null;
  /** Execution facts, small. */
  exec: {
    exitCode: number | null;
    timedOut: boolean;
    durationMs: number;
    stdoutRef: ArtifactRef | null;
    stderrRef: ArtifactRef | null;
    submissionRef: ArtifactRef | null;
    /** The isolation the solution ran under; absent on nodes made before issue 17. */
    isolation?: ExecIsolation;
  } | null;
  /** LLM backends: what making (and analysing) this node cost, and its recorded calls; null offline. */
  llm: NodeLlm | null;
  /** Ids of the researcher's hints (RunSummary.hints) that the operator call making this node saw. */
  hintIds: number[];
  /** The hidden grade's verdict, once graded (with testScore); absent or null until then. */
  testGrade?: TestGrade | null;
}

/**
 * A node archived at continue-as-new (workflows/carry.ts): its full record is in the run's archive,
 * the graph keeps what search reads (the bug reason cut short). Code that needs a plan, code or
 * output narrows with isArchived and reads an archived node back from the archive.
 */
export interface CompactNode extends NodeCore {
  archived: true;
}

/** A node of a graph: a full record, or a compact one below the archive boundary. */
export type GraphNode = NodeRecord | CompactNode;

export function isArchived(node: GraphNode): node is CompactNode {
  return 'archived' in node;
}

/** The node's full record; throws for an archived node, whose record only the run's archive has. */
export function fullRecord(node: GraphNode): NodeRecord {
  if (isArchived(node)) throw new RangeError(`node ${node.id} is archived: its full record is in the run's archive`);
  return node;
}

/** What a policy asks for next. */
export interface Action {
  op: OperatorName;
  parents: number[];
}

/** The isolations the nodes' executions ran under, each once, strongest first; nodes made before issue 17 recorded none. */
export function isolationsUsed(nodes: readonly NodeRecord[]): ExecIsolation[] {
  const used = new Set(nodes.map((n) => n.exec?.isolation));
  return EXEC_ISOLATIONS.filter((i) => used.has(i));
}

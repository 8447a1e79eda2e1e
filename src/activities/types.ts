import type { ArtifactRef, NodeRecord, OperatorName } from '../search/types.js';
import type { TaskSpec } from '../tasks/types.js';
import type { MemoryEntry } from '../operators/memory.js';

/** A parent as the workflow knows it: references only; the activity loads code and output. */
export interface ParentRef {
  nodeId: number;
  /** The carried graph holds only a compact record; the activity reads the full one from the run's archive. */
  archived: boolean;
  plan: string;
  codeRef: ArtifactRef | null;
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  stdoutRef: ArtifactRef | null;
  stderrRef: ArtifactRef | null;
}

export interface OperateInput {
  runId: string;
  nodeId: number;
  op: OperatorName;
  task: TaskSpec;
  parents: ParentRef[];
  seed: number;
  remainingSeconds: number;
  memory: MemoryEntry[];
}

export interface OperateOutput {
  plan: string;
  codeRef: ArtifactRef;
  backend: string;
  latencyMs: number;
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
  executor: string;
}

export interface GradeInput {
  task: TaskSpec;
  submissionRef: ArtifactRef;
}

export interface GradeOutput {
  score: number | null;
  validSubmission: boolean;
  medal: 'gold' | 'silver' | 'bronze' | null;
  aboveMedian: boolean;
  goldThreshold: number | null;
  silverThreshold: number | null;
  bronzeThreshold: number | null;
  medianThreshold: number | null;
}

export interface ReportInput {
  runId: string;
  /** Node metadata of the whole graph (root included); ids below archivedUpTo are compact. */
  nodes: NodeRecord[];
  archivedUpTo: number;
  summary: object;
  bestNodeId: number | null;
}

export interface ReportOutput {
  /** Folder holding graph.json, summary.json and the best solution's code and submission. */
  runDir: string;
  graphRef: ArtifactRef;
}

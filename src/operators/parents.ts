/** An action's parents as the workflow hands them to the operate activity: references, never code or output. */
import type { ArtifactRef } from '../core/artifact.js';
import { isArchived, type GraphNode } from '../core/node.js';

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

/** An action's parent as the operate activity gets it: references only; an archived one is filled in from the archive there. */
export function parentRef(p: GraphNode): ParentRef {
  const core = { nodeId: p.id, score: p.score, buggy: p.buggy, bugReason: p.bugReason };
  if (isArchived(p)) return { ...core, archived: true, plan: '', codeRef: null, stdoutRef: null, stderrRef: null };
  return { ...core, archived: false, plan: p.plan, codeRef: p.codeRef, stdoutRef: p.exec?.stdoutRef ?? null, stderrRef: p.exec?.stderrRef ?? null };
}

/**
 * Bounded state across continue-as-new. Before a run continues as new, the full records of its
 * committed nodes are archived (runs/<run>/nodes/<id>.json, written by the archiveNodes activity) and
 * the carried graph keeps only what the search policies read: structure, scores, flags. Activities
 * that need an archived node's plan, code or output read it back from the archive by run and id.
 */
import type { NodeRecord } from '../search/types.js';

/** Nodes per archiveNodes call: about 1.8 KB each, so a call stays far below the 2 MB payload limit. */
export const ARCHIVE_CHUNK = 200;

const REASON_CHARS = 60;

/** The search-relevant part of a node (about 200 bytes of JSON), for the carried graph. */
export function compactNode(n: NodeRecord): NodeRecord {
  return {
    id: n.id,
    parents: n.parents,
    operator: n.operator,
    plan: '',
    codeRef: null,
    score: n.score,
    buggy: n.buggy,
    bugReason: n.bugReason === null ? null : n.bugReason.slice(0, REASON_CHARS),
    debugDepth: n.debugDepth,
    testScore: n.testScore,
    exec: null,
    createdAt: n.createdAt,
    llm: null,
    hintIds: [],
  };
}

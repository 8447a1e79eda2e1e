import { addNode, type SolutionGraph } from '../../../src/search/graph.js';
import type { NodeRecord, OperatorName } from '../../../src/search/types.js';

/** Adds a node with only the fields search reads; the rest are empty. */
export function add(
  graph: SolutionGraph,
  operator: OperatorName,
  parents: number[],
  outcome: { score: number | null; buggy?: boolean },
): NodeRecord {
  const buggy = outcome.buggy ?? outcome.score === null;
  return addNode(graph, {
    parents,
    operator,
    plan: `${operator} of ${parents.join('+')}`,
    codeRef: null,
    score: outcome.score,
    buggy,
    bugReason: buggy ? 'boom' : null,
    testScore: null,
    exec: null,
    createdAt: 0,
  });
}

export const bug = { score: null, buggy: true } as const;
export const ok = (score: number) => ({ score, buggy: false });

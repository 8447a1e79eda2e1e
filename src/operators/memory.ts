/**
 * Scoped memory: what an operator is shown of the rest of the graph. Pure, over node metadata, and
 * bounded in entries and characters so prompts and history stay small however long the run.
 *   none       nothing
 *   global     the good nodes, best first (AIDE's journal summary)
 *   ancestors  the first parent's chain back to and including the first good ancestor (Debug's history)
 *   siblings   the first parent's other children, newest first (what was already tried from here)
 */
import type { MemoryScope, OperatorSetConfig } from '../config/agent.js';
import { childIds, isGood, topGoodNodes, type SolutionGraph } from '../search/graph.js';
import { isArchived, type Action, type GraphNode, type OperatorName } from '../core/node.js';

export interface MemoryEntry {
  nodeId: number;
  /** Plan and reason were archived at continue-as-new; the operate activity fills them in. */
  archived?: boolean;
  operator: GraphNode['operator'];
  plan: string;
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
}

export interface MemoryLimits {
  maxEntries: number;
  maxChars: number;
}

/** The scope's nodes, most relevant first; at most `limit` of them for the scopes that rank. */
function candidates(graph: SolutionGraph, action: Action, scope: MemoryScope, limit: number): GraphNode[] {
  const first = action.parents[0];
  switch (scope) {
    case 'none':
      return [];
    case 'global':
      // Best first, equal scores in id order: read off the graph's index, not a sort of the whole graph per call.
      return topGoodNodes(graph, limit);
    case 'ancestors': {
      const chain: GraphNode[] = [];
      for (let node = first ? graph.nodes[first] : undefined; node && node.id !== 0; node = graph.nodes[node.parents[0] ?? 0]) {
        chain.push(node);
        if (isGood(node) && chain.length > 1) break;
      }
      return chain;
    }
    case 'siblings':
      // The first parent's children whose first parent it is, newest first.
      return first === undefined ? [] : childIds(graph, first).filter((id) => graph.nodes[id]?.parents[0] === first)
        .reverse().map((id) => graph.nodes[id] as GraphNode);
  }
}

/** Memory entries for an action, most relevant first, within the limits (plans are cut, not dropped, first). */
export function buildMemory(
  graph: SolutionGraph, action: Action, scope: MemoryScope, limits: MemoryLimits,
): MemoryEntry[] {
  const out: MemoryEntry[] = [];
  let chars = 0;
  for (const n of candidates(graph, action, scope, limits.maxEntries).slice(0, limits.maxEntries)) {
    if (isArchived(n)) {
      out.push({ nodeId: n.id, archived: true, operator: n.operator, plan: '', score: n.score, buggy: n.buggy, bugReason: n.bugReason });
      continue;
    }
    const room = limits.maxChars - chars;
    if (room <= 0) break;
    const plan = n.plan.length > room ? `${n.plan.slice(0, Math.max(0, room - 1))}…` : n.plan;
    chars += plan.length;
    out.push({ nodeId: n.id, operator: n.operator, plan, score: n.score, buggy: n.buggy, bugReason: n.bugReason });
  }
  return out;
}

/** The memory scope an operator is shown (an unset Improve scope follows the backend). */
export function memoryScope(ops: Pick<OperatorSetConfig, 'backend' | 'memory'>, op: OperatorName): MemoryScope {
  if (op === 'improve') return ops.memory.improve ?? (ops.backend === 'offline' ? 'siblings' : 'global');
  return ops.memory[op];
}

/**
 * The solution graph as plain data, and the pure queries policies need over it.
 *
 * Index choice: the graph stores no index; it stays plain data (nodes and their parents) in workflow
 * history and across continue-as-new. The queries a policy makes every step (drafts so far, the best
 * node, buggy leaves, children, the top good nodes, the range of good scores) read a derived index
 * instead (GraphIndex below): built on first use for a node list and extended by only the nodes added
 * since, because nodes are append-only, ids equal indices and parents have smaller ids. It lives in a
 * WeakMap keyed by the node list, so it is never serialised, cannot drift from `parents` (a graph read
 * from JSON is a new list, indexed afresh), and dies with the list. Before it, each step scanned (and
 * sorted) the whole graph: about 4 ms per greedy step at 10,000 nodes, growing with the run (issue 9).
 */
import { OPERATOR_PARENTS, type Direction, type GraphNode, type NodeCore, type NodeRecord, type OperatorName } from '../core/node.js';

export interface SolutionGraph {
  direction: Direction;
  /** nodes[i].id === i; nodes[0] is the empty root. */
  nodes: GraphNode[];
}

export const ROOT_ID = 0;

/** What a caller supplies for a new node; the graph assigns id and debugDepth. */
export type NewNode = Omit<NodeRecord, 'id' | 'debugDepth' | 'operator' | 'hintIds'> & { operator: OperatorName; hintIds?: number[] };

/** A graph holding only the empty root. createdAt is a parameter because search code never reads a clock. */
export function createGraph(direction: Direction, createdAt = 0): SolutionGraph {
  return {
    direction,
    nodes: [
      {
        id: ROOT_ID,
        parents: [],
        operator: 'root',
        plan: '',
        codeRef: null,
        score: null,
        buggy: false,
        bugReason: null,
        debugDepth: 0,
        testScore: null,
        exec: null,
        createdAt,
        llm: null,
        hintIds: [],
        testGrade: null,
      },
    ],
  };
}

function nodeAt(graph: SolutionGraph, id: number): GraphNode {
  const node = Number.isInteger(id) ? graph.nodes[id] : undefined;
  if (node === undefined) {
    throw new RangeError(`no node ${id} in a graph of ${graph.nodes.length}`);
  }
  return node;
}

/**
 * What the per-step queries read, derived from nodes[0 .. upTo). Node fields it reads (operator,
 * parents, buggy, score) never change once a node is added (compaction at continue-as-new keeps them).
 */
interface GraphIndex {
  upTo: number;
  /** nodes[upTo - 1] when last read: a list cut short and grown again since then no longer has it there. */
  last: GraphNode | undefined;
  drafts: number;
  /** Id of the best good node (earliest on ties), or -1. */
  best: number;
  /** Ids of the good nodes, best first (ties: smaller id first). */
  good: number[];
  /** Range of the good nodes' scores, or null when there is none. */
  range: { min: number; max: number } | null;
  /** Child ids of each node, ascending; undefined for a node without children. */
  kids: (number[] | undefined)[];
  /** Buggy non-root nodes without children, ascending. */
  buggyLeaves: number[];
}

const indexes = new WeakMap<GraphNode[], GraphIndex>();

/** Index of the first element of the sorted `ids` for which `after(id)` holds (binary search). */
function firstAfter(ids: readonly number[], after: (id: number) => boolean): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(ids[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The graph's index, extended by the nodes added since it was last read. */
function indexOf(graph: SolutionGraph): GraphIndex {
  const nodes = graph.nodes;
  let idx = indexes.get(nodes);
  if (idx === undefined || idx.upTo > nodes.length || (idx.upTo > 0 && nodes[idx.upTo - 1] !== idx.last)) {
    idx = { upTo: 0, last: undefined, drafts: 0, best: -1, good: [], range: null, kids: [], buggyLeaves: [] };
    indexes.set(nodes, idx);
  }
  const { direction } = graph;
  for (let id = idx.upTo; id < nodes.length; id++) {
    const node = nodes[id] as GraphNode;
    if (node.operator === 'draft') idx.drafts += 1;
    for (const p of node.parents) {
      const kids = idx.kids[p] ?? (idx.kids[p] = []);
      if (kids[kids.length - 1] === id) continue; // a parent listed twice
      if (kids.length === 0) {
        // p gets its first child: it is no longer a leaf.
        const at = firstAfter(idx.buggyLeaves, (x) => x >= p);
        if (idx.buggyLeaves[at] === p) idx.buggyLeaves.splice(at, 1);
      }
      kids.push(id);
    }
    if (id !== ROOT_ID && node.buggy && idx.kids[id] === undefined) idx.buggyLeaves.push(id);
    if (isGood(node)) {
      const score = node.score;
      if (idx.best < 0 || isBetter(score, (nodes[idx.best] as GraphNode).score, direction)) idx.best = id;
      // After every node at least as good: ties stay in id order.
      idx.good.splice(firstAfter(idx.good, (x) => isBetter(score, (nodes[x] as GraphNode).score, direction)), 0, id);
      if (idx.range === null) idx.range = { min: score, max: score };
      else if (score < idx.range.min) idx.range.min = score;
      else if (score > idx.range.max) idx.range.max = score;
    }
  }
  idx.upTo = nodes.length;
  idx.last = nodes[nodes.length - 1];
  return idx;
}

/**
 * Throws a RangeError unless `parents` suit the operator for a node that would get id `id`: a draft has
 * exactly the root; a crossover exactly two distinct non-root parents; improve and debug exactly one
 * non-root parent. Every parent must already be in the graph. Kept apart from addNode so a driver can
 * reject a policy's action when it is proposed, long before its node is added.
 */
export function checkParents(
  graph: SolutionGraph,
  operator: OperatorName,
  parents: readonly number[],
  id = graph.nodes.length,
): void {
  if (parents.length === 0) throw new RangeError(`node ${id}: a node needs at least one parent`);
  for (const p of parents) nodeAt(graph, p);
  if (new Set(parents).size !== parents.length) {
    throw new RangeError(`node ${id}: duplicate parents ${parents.join(',')}`);
  }
  const fromRoot = parents.includes(ROOT_ID);
  if (operator === 'draft' ? parents.length !== 1 || !fromRoot : fromRoot) {
    throw new RangeError(`node ${id}: only a draft has the root as parent, and it has no other`);
  }
  const arity = Math.max(1, OPERATOR_PARENTS[operator]);
  if (parents.length !== arity) {
    throw new RangeError(`node ${id}: ${operator} takes ${arity} parent(s), got ${parents.join(',')}`);
  }
}

/**
 * Appends a node (mutating the graph) and returns it. Parents are checked by checkParents, so drafts,
 * crossovers and debug depths stay well defined.
 */
export function addNode(graph: SolutionGraph, fields: NewNode): NodeRecord {
  const id = graph.nodes.length;
  const parents = [...fields.parents];
  checkParents(graph, fields.operator, parents, id);
  // Only a debug of a buggy first parent goes deeper; a crossover's first parent never counts.
  const first = nodeAt(graph, parents[0] as number);
  const debugDepth = fields.operator === 'debug' && first.buggy ? first.debugDepth + 1 : 0;
  // An explicit literal, not a spread: every node gets one hidden class (a spread made queries ~15x
  // slower in V8), and stray caller fields never reach workflow state.
  const node: NodeRecord = {
    id,
    parents,
    operator: fields.operator,
    plan: fields.plan,
    codeRef: fields.codeRef,
    score: fields.score,
    buggy: fields.buggy,
    bugReason: fields.bugReason,
    debugDepth,
    testScore: fields.testScore,
    exec: fields.exec,
    createdAt: fields.createdAt,
    llm: fields.llm,
    hintIds: fields.hintIds === undefined ? [] : [...fields.hintIds],
    testGrade: fields.testGrade ?? null,
  };
  graph.nodes.push(node);
  return node;
}

export function children(graph: SolutionGraph, id: number): GraphNode[] {
  nodeAt(graph, id);
  return childIds(graph, id).map((c) => graph.nodes[c] as GraphNode);
}

/** Ids of a node's children (any parent position), ascending; empty for an unknown id. Do not modify. */
export function childIds(graph: SolutionGraph, id: number): readonly number[] {
  return indexOf(graph).kids[id] ?? [];
}

export function isLeaf(graph: SolutionGraph, id: number): boolean {
  nodeAt(graph, id);
  return indexOf(graph).kids[id] === undefined;
}

/** Drafts: the root's children. */
export function draftNodes(graph: SolutionGraph): GraphNode[] {
  return graph.nodes.filter((n) => n.operator === 'draft');
}

/** How many drafts the graph holds (draftNodes(graph).length, without the scan). */
export function draftCount(graph: SolutionGraph): number {
  return indexOf(graph).drafts;
}

/** A score a policy may rank: null, NaN and ±Infinity are not (a solution reporting them is broken). */
export function isUsableScore(score: number | null): score is number {
  return score !== null && Number.isFinite(score);
}

/** Not buggy, with a usable score, and not the root. */
export function isGood<N extends NodeCore>(node: N): node is N & { score: number } {
  return node.id !== ROOT_ID && !node.buggy && isUsableScore(node.score);
}

export function goodNodes(graph: SolutionGraph): GraphNode[] {
  return graph.nodes.filter(isGood);
}

/** Buggy nodes nobody has built on yet: the candidates for Debug. Never the root. */
export function buggyLeaves(graph: SolutionGraph): GraphNode[] {
  return indexOf(graph).buggyLeaves.map((id) => graph.nodes[id] as GraphNode);
}

/** The fitness of a broken solution: worse than every usable score in this direction. */
export function worstScore(direction: Direction): number {
  return direction === 'maximize' ? -Infinity : Infinity;
}

/**
 * Sort comparator, best first: negative when a is better than b. Unusable scores (null, NaN, ±Infinity)
 * rank below every usable one and tie with each other.
 */
export function compareScores(a: number | null, b: number | null, direction: Direction): number {
  const okA = isUsableScore(a);
  const okB = isUsableScore(b);
  if (!okA || !okB) return okA === okB ? 0 : okA ? -1 : 1;
  if (a === b) return 0;
  return (direction === 'maximize' ? a > b : a < b) ? -1 : 1;
}

/** Strictly better; equal scores are not better (as in AIDE's MetricValue). */
export function isBetter(a: number | null, b: number | null, direction: Direction): boolean {
  return compareScores(a, b, direction) < 0;
}

/** The score a policy sees for a node: its validation score when good, worstScore otherwise. */
export function fitness(node: NodeCore, direction: Direction): number {
  return isGood(node) ? node.score : worstScore(direction);
}

/** The best good node by validation score; ties go to the earliest node; null when none is good. */
export function bestNode(graph: SolutionGraph): GraphNode | null {
  const best = indexOf(graph).best;
  return best < 0 ? null : (graph.nodes[best] as GraphNode);
}

/** The best good node `accept` takes (ties go to the earliest), or null when it takes none; stops at the first. */
export function bestGoodWhere(graph: SolutionGraph, accept: (node: GraphNode) => boolean): GraphNode | null {
  for (const id of indexOf(graph).good) {
    const node = graph.nodes[id] as GraphNode;
    if (accept(node)) return node;
  }
  return null;
}

/** The `k` best good nodes, best first; equal scores in id order (goodNodes sorted, without the sort). */
export function topGoodNodes(graph: SolutionGraph, k: number): GraphNode[] {
  return indexOf(graph).good.slice(0, Math.max(0, k)).map((id) => graph.nodes[id] as GraphNode);
}

/** Lowest and highest score of the good nodes, or null when none is good. */
export function goodScoreRange(graph: SolutionGraph): { min: number; max: number } | null {
  const range = indexOf(graph).range;
  return range === null ? null : { ...range };
}

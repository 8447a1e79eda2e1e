/**
 * The solution graph as plain data, and the pure queries policies need over it.
 *
 * Index choice: the graph stores no children index. Nodes are append-only, ids equal indices, and a
 * node's parents always have smaller ids, so every query is one linear pass (children and isLeaf only
 * scan ids after the node). A stored index would duplicate edges in workflow history and could drift
 * from `parents` after a hand-edited resume. A whole greedyNext over 10,000 nodes takes about 0.25 ms,
 * the same order as goodNodes/bestNode, which must visit every node anyway.
 */
import type { Direction, NodeRecord, OperatorName } from './types.js';

export interface SolutionGraph {
  direction: Direction;
  /** nodes[i].id === i; nodes[0] is the empty root. */
  nodes: NodeRecord[];
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
      },
    ],
  };
}

function nodeAt(graph: SolutionGraph, id: number): NodeRecord {
  const node = Number.isInteger(id) ? graph.nodes[id] : undefined;
  if (node === undefined) {
    throw new RangeError(`no node ${id} in a graph of ${graph.nodes.length}`);
  }
  return node;
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
  const arity = operator === 'crossover' ? 2 : 1;
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
  };
  graph.nodes.push(node);
  return node;
}

export function children(graph: SolutionGraph, id: number): NodeRecord[] {
  nodeAt(graph, id);
  const out: NodeRecord[] = [];
  for (let i = id + 1; i < graph.nodes.length; i++) {
    const node = graph.nodes[i] as NodeRecord;
    if (node.parents.includes(id)) out.push(node);
  }
  return out;
}

export function isLeaf(graph: SolutionGraph, id: number): boolean {
  nodeAt(graph, id);
  for (let i = id + 1; i < graph.nodes.length; i++) {
    if ((graph.nodes[i] as NodeRecord).parents.includes(id)) return false;
  }
  return true;
}

/** Drafts: the root's children. */
export function draftNodes(graph: SolutionGraph): NodeRecord[] {
  return graph.nodes.filter((n) => n.operator === 'draft');
}

/** A score a policy may rank: null, NaN and ±Infinity are not (a solution reporting them is broken). */
export function isUsableScore(score: number | null): score is number {
  return score !== null && Number.isFinite(score);
}

/** Not buggy, with a usable score, and not the root. */
export function isGood(node: NodeRecord): node is NodeRecord & { score: number } {
  return node.id !== ROOT_ID && !node.buggy && isUsableScore(node.score);
}

export function goodNodes(graph: SolutionGraph): NodeRecord[] {
  return graph.nodes.filter(isGood);
}

/** Buggy nodes nobody has built on yet: the candidates for Debug. Never the root. */
export function buggyLeaves(graph: SolutionGraph): NodeRecord[] {
  // One pass marking every node that is someone's parent, instead of isLeaf per node (quadratic).
  const hasChild = new Uint8Array(graph.nodes.length);
  for (const n of graph.nodes) for (const p of n.parents) hasChild[p] = 1;
  return graph.nodes.filter((n) => n.id !== ROOT_ID && n.buggy && hasChild[n.id] === 0);
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
export function fitness(node: NodeRecord, direction: Direction): number {
  return isGood(node) ? node.score : worstScore(direction);
}

/** The best good node by validation score; ties go to the earliest node; null when none is good. */
export function bestNode(graph: SolutionGraph): NodeRecord | null {
  let best: NodeRecord | null = null;
  for (const node of goodNodes(graph)) {
    if (best === null || isBetter(node.score, best.score, graph.direction)) best = node;
  }
  return best;
}

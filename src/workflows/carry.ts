/**
 * Bounded state across continue-as-new. Before a run continues as new, the full records of its
 * committed nodes are archived (runs/<run>/nodes/<id>.json, written by the archiveNodes activity) and
 * the carried graph keeps only what the search policies read: structure, scores, flags. Activities
 * that need an archived node's plan, code or output read it back from the archive by run and id.
 */
import type { SearchSnapshot } from '../search/driver.js';
import { ROOT_ID, addNode, createGraph, type SolutionGraph } from '../search/graph.js';
import { OPERATOR_NAMES, OPERATOR_PARENTS, type CompactNode, type GraphNode, type OperatorName } from '../core/node.js';

/** Nodes per archiveNodes call: about 1.8 KB each, so a call stays far below the 2 MB payload limit. */
export const ARCHIVE_CHUNK = 200;

const REASON_CHARS = 60;

/** The search-relevant part of a node (about 170 bytes of JSON), for the carried graph; a compact node stays as it is. */
export function compactNode(n: GraphNode): CompactNode {
  return {
    id: n.id,
    parents: n.parents,
    operator: n.operator,
    score: n.score,
    buggy: n.buggy,
    bugReason: n.bugReason === null ? null : n.bugReason.slice(0, REASON_CHARS),
    debugDepth: n.debugDepth,
    testScore: n.testScore,
    createdAt: n.createdAt,
    archived: true,
  };
}

/**
 * Archived nodes in the carried graph, one compact record each, while there are at most this many;
 * beyond it they are packed into columns (PackedNodes). A compact record is 170–200 bytes of JSON,
 * so 11,000 of them would pass Temporal's 2 MB payload limit on the continue-as-new input and stop
 * the run; packed they take under 30 bytes each, plus up to 60 characters of bug
 * reason for a buggy node (about 50 bytes a node when 40 % are buggy). Below it, each node stays a readable
 * record in the next execution's input (the Temporal UI shows it).
 */
export const PACK_FROM = 1000;

/** One letter per operator in a packed graph; a new operator fails to type-check here until it has one. */
const OP_LETTERS: Record<OperatorName | 'root', string> = { root: 'r', draft: 'D', improve: 'I', debug: 'd', crossover: 'X' };
const LETTER_OPS: Record<string, OperatorName> = Object.fromEntries(OPERATOR_NAMES.map((op) => [OP_LETTERS[op], op]));

/**
 * Nodes 0 .. n − 1 of a graph, compacted (compactNode) and stored by column. Parents are implied by
 * the operator where the graph's rules fix them (checkParents): a draft's is the root; improve and
 * debug have one, crossover two, listed in `parents` in node order. Debug depths are recomputed by
 * addNode when unpacking.
 */
export interface PackedNodes {
  /** Format version. */
  v: 1;
  n: number;
  /** One letter per node: r root, D draft, I improve, d debug, X crossover. */
  ops: string;
  parents: number[];
  score: (number | null)[];
  /** '1' where the node is buggy, '0' elsewhere. */
  buggy: string;
  testScore: (number | null)[];
  /** createdAt of node 0, then each node's difference from the previous one's. */
  createdAt: number[];
  /** Bug reasons, cut as compactNode cuts them, by node id where there is one. */
  bugReason: Record<string, string>;
}

/** A carried graph: plain, or with its first `packed.n` nodes packed and the rest in `nodes`. */
export type CarriedGraph = SolutionGraph | (Omit<SolutionGraph, 'nodes'> & { packed: PackedNodes; nodes: GraphNode[] });

/** The carried form of a search: the same snapshot with its graph as a CarriedGraph. */
export type CarriedSearch = Omit<SearchSnapshot<unknown>, 'graph'> & { graph: CarriedGraph };

/** The graph to carry: nodes below `archivedUpTo` (already compact) packed when there are more than PACK_FROM. */
export function packGraph(graph: SolutionGraph, archivedUpTo: number): CarriedGraph {
  const n = Math.min(archivedUpTo, graph.nodes.length);
  if (n <= PACK_FROM) return graph;
  const packed: PackedNodes = { v: 1, n, ops: '', parents: [], score: [], buggy: '', testScore: [], createdAt: [], bugReason: {} };
  const ops: string[] = [];
  const buggy: string[] = [];
  let previous = 0;
  for (let id = 0; id < n; id++) {
    const node = compactNode(graph.nodes[id]!);
    const letter = OP_LETTERS[node.operator];
    if (letter === undefined) throw new RangeError(`carry: node ${id} has an unknown operator ${node.operator}`);
    ops.push(letter);
    if (node.operator !== 'root' && node.operator !== 'draft') packed.parents.push(...node.parents);
    packed.score.push(node.score);
    buggy.push(node.buggy ? '1' : '0');
    packed.testScore.push(node.testScore);
    packed.createdAt.push(node.createdAt - previous);
    previous = node.createdAt;
    if (node.bugReason !== null) packed.bugReason[id] = node.bugReason;
  }
  packed.ops = ops.join('');
  packed.buggy = buggy.join('');
  return { direction: graph.direction, packed, nodes: graph.nodes.slice(n) };
}

/** The graph a CarriedGraph stands for: packed nodes come back as the compact records they were. */
export function unpackGraph(carried: CarriedGraph): SolutionGraph {
  if (!('packed' in carried)) return carried;
  const p = carried.packed;
  if (p.v !== 1 || p.ops[0] !== 'r' || p.ops.length !== p.n) throw new RangeError(`carry: unreadable packed graph (v ${p.v}, ${p.ops.length} ops for ${p.n} nodes)`);
  // A short column would read as null scores or non-buggy nodes: what the policies see would change.
  const columns = { score: p.score.length, testScore: p.testScore.length, createdAt: p.createdAt.length, buggy: p.buggy.length };
  for (const [name, length] of Object.entries(columns)) {
    if (length !== p.n) throw new RangeError(`carry: packed column ${name} has ${length} entries for ${p.n} nodes`);
  }
  if (!p.createdAt.every(Number.isFinite)) throw new RangeError('carry: packed column createdAt holds a value that is not a number');
  carried.nodes.forEach((node, i) => {
    if (node.id !== p.n + i) throw new RangeError(`carry: node ${node.id} follows the ${p.n} packed nodes at position ${p.n + i}`);
  });
  const graph = createGraph(carried.direction, p.createdAt[0] ?? 0);
  graph.nodes[0] = compactNode(graph.nodes[0]!);
  let createdAt = graph.nodes[0]!.createdAt;
  let at = 0;
  for (let id = 1; id < p.n; id++) {
    const operator = LETTER_OPS[p.ops[id]!];
    if (operator === undefined) throw new RangeError(`carry: node ${id} has an unknown operator letter ${p.ops[id]}`);
    const arity = OPERATOR_PARENTS[operator];
    const parents = arity === 0 ? [ROOT_ID] : p.parents.slice(at, at + arity);
    at += arity;
    createdAt += p.createdAt[id]!;
    // addNode checks the parents and sets the debug depth; the node is archived, so it stays compact.
    graph.nodes[id] = compactNode(addNode(graph, {
      parents, operator, plan: '', codeRef: null, score: p.score[id] ?? null, buggy: p.buggy[id] === '1',
      bugReason: p.bugReason[id] ?? null, testScore: p.testScore[id] ?? null, exec: null, createdAt, llm: null,
    }));
  }
  if (at !== p.parents.length) throw new RangeError(`carry: packed graph has ${p.parents.length - at} parent ids left over`);
  for (const node of carried.nodes) graph.nodes.push(node);
  return graph;
}

/** A search snapshot as carried across continue-as-new (packGraph), and back (unpackSearch). */
export function packSearch(search: SearchSnapshot<unknown>, archivedUpTo: number): CarriedSearch {
  return { ...search, graph: packGraph(search.graph, archivedUpTo) };
}

export function unpackSearch(search: CarriedSearch): SearchSnapshot<unknown> {
  return { ...search, graph: unpackGraph(search.graph) };
}

import {
  begin,
  commitNext,
  isFinished,
  outcomeFields,
  type NodeFields,
  type NodeOutcome,
  type SearchLoop,
  type Ticketed,
} from '../../../src/search/driver.js';
import {
  addNode,
  bestNode,
  buggyLeaves,
  childIds,
  draftCount,
  draftNodes,
  goodNodes,
  goodScoreRange,
  isLeaf,
  topGoodNodes,
  type SolutionGraph,
} from '../../../src/search/graph.js';
import { Rng, createRng, deriveSeed } from '../../../src/search/rng.js';
import type { Action, NodeRecord, OperatorName } from '../../../src/core/node.js';

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
    llm: null,
  });
}

export const bug = { score: null, buggy: true } as const;
export const ok = (score: number) => ({ score, buggy: false });

/**
 * A scripted environment for driver runs: each node's outcome depends only on a fixed environment
 * seed, the node id, the action and its parents' scores (committed before the action was proposed),
 * never on timing. Improve and Crossover drift from their parents, so good lineages exist to find.
 * `sign` -1 mirrors every score, for running the same environment under 'minimize'.
 */
export function scripted(
  envSeed: number,
  options: { bugRate?: number; debugFixRate?: number; sign?: 1 | -1 } = {},
): (action: Action, nodeId: number, graph: SolutionGraph) => NodeOutcome {
  const { bugRate = 0.35, debugFixRate = 0.4, sign = 1 } = options;
  return (action, nodeId, graph) => {
    const env = new Rng(createRng(deriveSeed(envSeed, nodeId)));
    const fail = env.next() < (action.op === 'debug' ? 1 - debugFixRate : bugRate);
    const drift = env.next();
    if (fail) return { score: null, buggy: true, bugReason: `scripted failure of node ${nodeId}` };
    const parents = action.parents
      .map((p) => graph.nodes[p]!.score)
      .filter((s): s is number => s !== null)
      .map((s) => sign * s);
    const base = parents.length === 0 ? drift : parents.reduce((a, b) => a + b, 0) / parents.length + (drift - 0.4) * 0.2;
    return { score: sign * base, buggy: false, bugReason: null };
  };
}

/** The parts of a graph that policies decide and the environment scores, for comparing runs. */
export function shape(graph: SolutionGraph): [string, number[], number | null][] {
  return graph.nodes.map((n) => [n.operator, n.parents, n.score]);
}

/** Which running action finishes next: an index into the running list (ticket order). */
export type CompletionOrder = (running: readonly Ticketed[]) => number;

export const inOrder: CompletionOrder = () => 0;
export const newestFirst: CompletionOrder = (running) => running.length - 1;
export function shuffled(seed: number): CompletionOrder {
  const rng = new Rng(createRng(seed));
  return (running) => rng.int(running.length);
}

/**
 * Drives a loop as the workflow will: every running action is "launched" (its outcome fixed) when it
 * starts, or on entry for actions carried over a continue-as-new; one of them finishes at a time in the
 * given order; then everything committable is committed. Stops when the search is finished or `until`
 * says so after a completion. Returns the most results ever buffered at once (to show reordering).
 */
export function drive<S, C>(
  loop: SearchLoop<S, C>,
  outcome: (action: Action, nodeId: number, graph: SolutionGraph) => NodeOutcome,
  order: CompletionOrder,
  until: (loop: SearchLoop<S, C>) => boolean = () => false,
): number {
  const results = new Map<number, NodeFields>();
  const launch = (started: readonly Ticketed[]): void => {
    for (const { ticket, action } of started) results.set(ticket, outcomeFields(outcome(action, ticket, loop.graph)));
  };
  begin(loop);
  launch(loop.scheduler.running());
  let maxBuffered = 0;
  while (!isFinished(loop)) {
    const running = loop.scheduler.running();
    const { ticket } = running[order(running)]!;
    loop.scheduler.complete(ticket, results.get(ticket)!);
    maxBuffered = Math.max(maxBuffered, loop.scheduler.state.finished.length);
    for (let step = commitNext(loop); step !== null; step = commitNext(loop)) launch(step.started);
    if (until(loop)) break;
  }
  return maxBuffered;
}

/** Every indexed and scanned graph query a policy makes, as plain data (ids, not nodes), to compare two graphs by. */
export function graphAnswers(g: SolutionGraph) {
  return {
    best: bestNode(g)?.id ?? null,
    drafts: draftCount(g),
    draftIds: draftNodes(g).map((n) => n.id),
    good: goodNodes(g).map((n) => n.id),
    top: topGoodNodes(g, 50).map((n) => n.id),
    range: goodScoreRange(g),
    buggyLeaves: buggyLeaves(g).map((n) => n.id),
    kids: g.nodes.map((n) => [...childIds(g, n.id)]),
    leaves: g.nodes.map((n) => isLeaf(g, n.id)),
    depths: g.nodes.map((n) => n.debugDepth),
  };
}

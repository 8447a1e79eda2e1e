import { describe, expect, it } from 'vitest';
import { runSearch } from '../../../src/search/driver.js';
import { bestNode, createGraph, draftNodes, goodNodes, isGood, type SolutionGraph } from '../../../src/search/graph.js';
import {
  MCTS_DEFAULTS,
  mctsPolicy,
  normalise,
  scoreRange,
  selectPath,
  uct,
  type MctsConfig,
  type MctsState,
} from '../../../src/search/mcts.js';
import { Rng, createRng } from '../../../src/search/rng.js';
import type { Action, Direction } from '../../../src/core/node.js';
import { add, bug, ok, scripted, shape } from './helpers.js';

/** Drives mctsPolicy by hand: proposals with ample slots, nodes committed one by one. */
function harness(config: MctsConfig, direction: Direction = 'maximize') {
  const graph = createGraph(direction);
  const state = mctsPolicy.init(config);
  const rng = new Rng(createRng(1));
  return {
    graph,
    state,
    propose: (): Action[] => mctsPolicy.propose({ state, graph, rng, inFlight: [], slots: 100 }),
    commit: (action: Action, outcome: { score: number | null; buggy?: boolean }): number => {
      const node = add(graph, action.op, action.parents, outcome);
      mctsPolicy.observe({ state, graph, node, action });
      return node.id;
    },
  };
}

describe('config', () => {
  it('defaults to aira-dojo released values, and rejects nonsense', () => {
    expect(MCTS_DEFAULTS).toEqual({ uctC: 0.25, numChildren: 5, maxDebugDepth: 20, optimum: null, improvePatience: 5 });
    expect(Object.isFrozen(MCTS_DEFAULTS)).toBe(true);
    expect(() => mctsPolicy.init({ ...MCTS_DEFAULTS, numChildren: 0 })).toThrow(RangeError);
    expect(() => mctsPolicy.init({ ...MCTS_DEFAULTS, uctC: -1 })).toThrow(RangeError);
    expect(() => mctsPolicy.init({ ...MCTS_DEFAULTS, maxDebugDepth: 1.5 })).toThrow(RangeError);
  });
});

describe('UCT selection by hand-computed values', () => {
  /**
   * Good scores 0.2 (node 1), 0.8 (node 2), 0.5 (node 5), 0.7 (node 6): range [0.2, 0.8], span 0.6.
   * Node 3 is a dead draft (buggy, its one debug 4 failed): never visited.
   * Visits and values, consistent with back-ups:
   *   root: 10 visits; node 2: 9 visits, value 6.3 (Q 0.7); node 1: 1 visit, value 0.5 (Q 0.5)
   *   node 5: 4 visits, value 2.0 (Q 0.5); node 6: 5 visits, value 3.5 (Q 0.7)
   */
  function handGraph(direction: Direction, uctC: number): { graph: SolutionGraph; state: MctsState } {
    const graph = createGraph(direction);
    add(graph, 'draft', [0], ok(0.2)); // 1
    add(graph, 'draft', [0], ok(0.8)); // 2
    add(graph, 'draft', [0], bug); // 3
    add(graph, 'debug', [3], bug); // 4
    add(graph, 'improve', [2], ok(0.5)); // 5
    add(graph, 'improve', [2], ok(0.7)); // 6
    const state: MctsState = {
      config: { ...MCTS_DEFAULTS, uctC, maxDebugDepth: 1 },
      visits: [10, 1, 9, 0, 0, 4, 5],
      values: [6.8, 0.5, 6.3, 0, 0, 2.0, 3.5],
      closed: [],
      expansion: null,
    };
    return { graph, state };
  }

  it('maximize, c = 0.25: descends root → 2 → 6', () => {
    const { graph, state } = handGraph('maximize', 0.25);
    const range = scoreRange(graph);
    expect(range).toEqual({ min: 0.2, max: 0.8 });
    // At the root, ln 10 = 2.302585:
    //   node 2: norm(0.7) = (0.7-0.2)/0.6 = 0.833333; 0.25·sqrt(2.302585/9) = 0.126452; UCT 0.959786
    //   node 1: norm(0.5) = (0.5-0.2)/0.6 = 0.5;      0.25·sqrt(2.302585/1) = 0.379357; UCT 0.879357
    expect(uct(6.3, 9, 10, range, 0.25, 'maximize')).toBeCloseTo(0.959786, 5);
    expect(uct(0.5, 1, 10, range, 0.25, 'maximize')).toBeCloseTo(0.879357, 5);
    // At node 2, ln 9 = 2.197225:
    //   node 5: 0.5      + 0.25·sqrt(2.197225/4) = 0.5      + 0.185288 = 0.685288
    //   node 6: 0.833333 + 0.25·sqrt(2.197225/5) = 0.833333 + 0.165727 = 0.999060
    expect(uct(2.0, 4, 9, range, 0.25, 'maximize')).toBeCloseTo(0.685288, 5);
    expect(uct(3.5, 5, 9, range, 0.25, 'maximize')).toBeCloseTo(0.99906, 5);
    expect(selectPath(graph, state)).toEqual([0, 2, 6]);
  });

  it('maximize, c = 0.5: exploration flips the root choice to the rarely visited node 1', () => {
    const { graph, state } = handGraph('maximize', 0.5);
    // node 2: 0.833333 + 0.5·sqrt(2.302585/9) = 0.833333 + 0.252905 = 1.086238
    // node 1: 0.5      + 0.5·sqrt(2.302585/1) = 0.5      + 0.758714 = 1.258714
    const range = scoreRange(graph);
    expect(uct(6.3, 9, 10, range, 0.5, 'maximize')).toBeCloseTo(1.086238, 5);
    expect(uct(0.5, 1, 10, range, 0.5, 'maximize')).toBeCloseTo(1.258714, 5);
    expect(selectPath(graph, state)).toEqual([0, 1]);
  });

  it('minimize, c = 0.25: lower raw scores normalise higher, so node 1 wins', () => {
    const { graph, state } = handGraph('minimize', 0.25);
    // node 2: norm(0.7) = (0.8-0.7)/0.6 = 0.166667; + 0.126452 = 0.293119
    // node 1: norm(0.5) = (0.8-0.5)/0.6 = 0.5;      + 0.379357 = 0.879357
    const range = scoreRange(graph);
    expect(normalise(0.2, range, 'minimize')).toBe(1);
    expect(normalise(0.8, range, 'minimize')).toBe(0);
    expect(uct(6.3, 9, 10, range, 0.25, 'minimize')).toBeCloseTo(0.293119, 5);
    expect(uct(0.5, 1, 10, range, 0.25, 'minimize')).toBeCloseTo(0.879357, 5);
    expect(selectPath(graph, state)).toEqual([0, 1]);
  });

  it('normalises to 0.5 when every good score is equal, or none exists', () => {
    expect(normalise(3, { min: 3, max: 3 }, 'maximize')).toBe(0.5);
    expect(normalise(3, { min: 3, max: 3 }, 'minimize')).toBe(0.5);
    expect(normalise(3, null, 'maximize')).toBe(0.5);
    expect(scoreRange(createGraph('maximize'))).toBeNull();
  });

  it('never selects the unvisited dead draft, however large c is (textbook UCT would: ln 10 / 0 = ∞)', () => {
    const { graph, state } = handGraph('maximize', 1e6);
    // With c this large only the visit counts matter: node 1 (1 visit) beats node 2 (9 visits), but
    // node 3 (0 visits, before node 4 in id order) is never a candidate.
    expect(selectPath(graph, state)).toEqual([0, 1]);
  });

  it('breaks exact ties toward the earliest node', () => {
    const { graph, state } = handGraph('maximize', 0.25);
    state.visits = [10, 5, 5, 0, 0, 0, 0];
    state.values = [5, 2.5, 2.5, 0, 0, 0, 0];
    expect(selectPath(graph, state)).toEqual([0, 1]);
  });
});

describe('expansion, debug chains and back-up', () => {
  it('backs up raw scores along root → … → selected → child, and along a fixed debug chain', () => {
    const h = harness({ ...MCTS_DEFAULTS, numChildren: 2, maxDebugDepth: 2 });
    const drafts = h.propose();
    expect(drafts).toEqual([
      { op: 'draft', parents: [0] },
      { op: 'draft', parents: [0] },
    ]);
    h.commit(drafts[0]!, ok(0.5)); // 1: root +0.5, node 1 +0.5
    // The expansion is not resolved (draft 2 still open): no new selection, nothing to propose.
    expect(h.propose()).toEqual([]);
    h.commit(drafts[1]!, bug); // 2: buggy, opens a debug chain
    const d1 = h.propose();
    expect(d1).toEqual([{ op: 'debug', parents: [2] }]);
    h.commit(d1[0]!, bug); // 3: still buggy, attempt 1 of 2
    const d2 = h.propose();
    expect(d2).toEqual([{ op: 'debug', parents: [3] }]);
    h.commit(d2[0]!, ok(0.9)); // 4: fixed: root, 2, 3, 4 each +0.9
    expect(h.state.visits).toEqual([2, 1, 1, 1, 1]);
    h.state.values.forEach((v, i) => expect(v).toBeCloseTo([1.4, 0.5, 0.9, 0.9, 0.9][i]!, 12));
    expect(h.state.expansion).toBeNull();

    // Root N = 2; node 1 norm 0, node 2 norm 1, equal exploration: node 2, then down its chain to 4.
    const improves = h.propose();
    expect(h.state.expansion?.path).toEqual([0, 2, 3, 4]);
    expect(improves).toEqual([
      { op: 'improve', parents: [4] },
      { op: 'improve', parents: [4] },
    ]);
    h.commit(improves[0]!, ok(0.7)); // 5: path 0, 2, 3, 4 and 5 each +0.7
    h.commit(improves[1]!, ok(1.0)); // 6: path 0, 2, 3, 4 and 6 each +1.0
    expect(h.state.visits).toEqual([4, 1, 3, 3, 3, 1, 1]);
    // root 0.5 + 0.9 + 0.7 + 1.0 = 3.1; nodes 2, 3, 4: 0.9 + 0.7 + 1.0 = 2.6
    h.state.values.forEach((v, i) => expect(v).toBeCloseTo([3.1, 0.5, 2.6, 2.6, 2.6, 0.7, 1.0][i]!, 12));
  });

  it('a dead branch gets no visits and is skipped; a node whose expansion died is closed and selection backtracks', () => {
    const h = harness({ ...MCTS_DEFAULTS, numChildren: 2, maxDebugDepth: 1 });
    const [a, b] = h.propose();
    h.commit(a!, bug); // 1
    h.commit(b!, ok(0.5)); // 2
    h.commit(h.propose()[0]!, bug); // 3: debug of 1 failed, its one attempt: chain [1, 3] is dead
    expect([h.state.visits[1], h.state.visits[3]]).toEqual([0, 0]);
    expect(h.state.expansion).toBeNull();

    // Node 1 is first in id order and unvisited, but dead: selection goes to node 2.
    const improves = h.propose();
    expect(improves).toEqual([
      { op: 'improve', parents: [2] },
      { op: 'improve', parents: [2] },
    ]);
    h.commit(improves[0]!, bug); // 4
    h.commit(improves[1]!, bug); // 5
    const debugs = h.propose();
    expect(debugs).toEqual([
      { op: 'debug', parents: [4] },
      { op: 'debug', parents: [5] },
    ]);
    h.commit(debugs[0]!, bug); // 6
    h.commit(debugs[1]!, bug); // 7
    // Nothing good came of expanding node 2: it is closed, and its statistics are untouched.
    expect(h.state.closed).toEqual([2]);
    expect(h.state.visits.slice(4)).toEqual([0, 0, 0, 0]);
    // The root now has no live child (1 dead, 2 closed): it is expanded again.
    expect(h.propose()).toEqual([
      { op: 'draft', parents: [0] },
      { op: 'draft', parents: [0] },
    ]);
    expect(h.state.expansion?.path).toEqual([0]);
  });

  it('never closes the root: a round of dead drafts is followed by another round', () => {
    const h = harness({ ...MCTS_DEFAULTS, numChildren: 2, maxDebugDepth: 0 });
    for (const action of h.propose()) h.commit(action, bug);
    expect(h.state.expansion).toBeNull();
    expect(h.state.closed).toEqual([]);
    expect(h.propose()).toEqual([
      { op: 'draft', parents: [0] },
      { op: 'draft', parents: [0] },
    ]);
  });

  it('never improves a buggy node: a fixed debug chain whose fix is later closed leaves selection at a buggy ancestor', () => {
    const h = harness({ ...MCTS_DEFAULTS, numChildren: 1, maxDebugDepth: 2 });
    h.commit(h.propose()[0]!, bug); // 1: a buggy draft
    h.commit(h.propose()[0]!, ok(0.5)); // 2: its debug fixes it; 0, 1 and 2 are backed up
    expect(h.state.visits).toEqual([1, 1, 1]);
    expect(h.propose()).toEqual([{ op: 'improve', parents: [2] }]);
    h.commit({ op: 'improve', parents: [2] }, bug); // 3
    h.commit(h.propose()[0]!, bug); // 4: debug of 3
    h.commit(h.propose()[0]!, bug); // 5: debug of 4, the last attempt: nothing good came of node 2
    expect(h.state.closed).toEqual([2]);
    // Node 1 is visited and not closed, but buggy: it is passed over like a closed node, and the
    // root, left with no live child, drafts again.
    expect(h.propose()).toEqual([{ op: 'draft', parents: [0] }]);
  });

  it('proposes Improve of good nodes only, whatever the statistics, in runs where most nodes fail', () => {
    for (let env = 0; env < 20; env++) {
      const { graph } = runSearch(mctsPolicy, { ...MCTS_DEFAULTS, numChildren: 2, maxDebugDepth: 2 }, {
        seed: 1, direction: 'maximize', parallelism: 2, maxNodes: 200, outcome: scripted(env, { bugRate: 0.7, debugFixRate: 0.3 }),
      });
      const improves = graph.nodes.filter((n) => n.operator === 'improve');
      expect(improves.length).toBeGreaterThan(0);
      for (const n of improves) expect(isGood(graph.nodes[n.parents[0]!]!)).toBe(true);
    }
  });

  it('throws when observing a node it did not propose', () => {
    const h = harness(MCTS_DEFAULTS);
    expect(() => h.commit({ op: 'draft', parents: [0] }, ok(1))).toThrow(RangeError);
  });
});

describe('MCTS runs', () => {
  const run = (direction: Direction, sign: 1 | -1, parallelism = 5, maxNodes = 300) =>
    runSearch(mctsPolicy, MCTS_DEFAULTS, { seed: 1, direction, outcome: scripted(31, { sign }), parallelism, maxNodes });

  it('makes the same choices when maximizing scores as when minimizing their negatives', () => {
    const max = run('maximize', 1);
    const min = run('minimize', -1);
    const choices = (g: SolutionGraph) => g.nodes.map((n) => [n.operator, n.parents]);
    expect(choices(min.graph)).toEqual(choices(max.graph));
    expect(min.graph.nodes.map((n) => (n.score === null ? null : -n.score))).toEqual(max.graph.nodes.map((n) => n.score));
    expect(bestNode(min.graph)?.id).toBe(bestNode(max.graph)?.id);
    // Not vacuous: minimizing the unmirrored scores chooses differently.
    expect(choices(run('minimize', 1).graph)).not.toEqual(choices(max.graph));
  });

  for (const [direction, sign] of [
    ['maximize', 1],
    ['minimize', -1],
  ] as const) {
    it(`${direction}: improves on the drafts, keeps the tree shape and backs up every good node once`, () => {
      const { graph, state } = run(direction, sign);
      const drafts = draftNodes(graph).filter(isGood);
      const bestDraft = drafts.reduce((b, n) => (sign * n.score! > sign * b.score! ? n : b));
      expect(sign * bestNode(graph)!.score!).toBeGreaterThan(sign * bestDraft.score!);
      for (const node of graph.nodes.slice(1)) {
        const parent = graph.nodes[node.parents[0]!]!;
        if (node.operator === 'improve') expect(isGood(parent)).toBe(true);
        if (node.operator === 'debug') expect(isGood(parent)).toBe(false);
        expect(node.operator).not.toBe('crossover');
        expect(node.debugDepth).toBeLessThanOrEqual(MCTS_DEFAULTS.maxDebugDepth);
      }
      const good = goodNodes(graph);
      expect(state.visits[0]).toBe(good.length);
      expect(state.values[0]).toBeCloseTo(good.reduce((s, n) => s + n.score!, 0), 9);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    });
  }

  it('runs an expansion’s children concurrently, never more than numChildren at once, and idle slots change nothing', () => {
    let widest = 0;
    const env = scripted(31);
    const graph = runSearch(mctsPolicy, MCTS_DEFAULTS, {
      seed: 1,
      direction: 'maximize',
      parallelism: 8,
      maxNodes: 300,
      outcome: (action, nodeId, g) => {
        // Uncommitted actions including this one: ids run ahead of the committed graph by that much.
        widest = Math.max(widest, nodeId - g.nodes.length + 1);
        return env(action, nodeId, g);
      },
    }).graph;
    expect(widest).toBe(MCTS_DEFAULTS.numChildren);
    expect(shape(graph)).toEqual(shape(run('maximize', 1, 5).graph));
    expect(shape(run('maximize', 1, 1).graph)).not.toEqual(shape(graph));
  });
});

import { describe, expect, it } from 'vitest';
import {
  ROOT_ID,
  addNode,
  bestNode,
  buggyLeaves,
  checkParents,
  children,
  compareScores,
  createGraph,
  draftNodes,
  fitness,
  goodNodes,
  isBetter,
  isGood,
  isLeaf,
  worstScore,
  type SolutionGraph,
} from '../../../src/search/graph.js';
import { add, bug, ok } from './helpers.js';

const ids = (nodes: { id: number }[]): number[] => nodes.map((n) => n.id);

describe('createGraph', () => {
  it('holds only the empty root, which is neither good, a draft, nor a leaf to debug', () => {
    const g = createGraph('maximize', 1234);
    expect(g.direction).toBe('maximize');
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0]).toMatchObject({ id: ROOT_ID, operator: 'root', parents: [], score: null, createdAt: 1234 });
    expect(goodNodes(g)).toEqual([]);
    expect(draftNodes(g)).toEqual([]);
    expect(buggyLeaves(g)).toEqual([]);
    expect(bestNode(g)).toBeNull();
  });

  it('never counts the root as a buggy leaf, even when marked buggy (as in aira-dojo)', () => {
    const g = createGraph('minimize');
    (g.nodes[0] as { buggy: boolean }).buggy = true;
    expect(buggyLeaves(g)).toEqual([]);
  });
});

describe('addNode', () => {
  it('assigns id = index and returns the stored node', () => {
    const g = createGraph('maximize');
    const a = add(g, 'draft', [0], ok(1));
    const b = add(g, 'draft', [0], bug);
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(g.nodes[2]).toBe(b);
    expect(g.nodes.every((n, i) => n.id === i)).toBe(true);
  });

  it('computes debug depth along chains of buggy parents only', () => {
    const g = createGraph('maximize');
    const d = add(g, 'draft', [0], bug);
    const d1 = add(g, 'debug', [d.id], bug);
    const d2 = add(g, 'debug', [d1.id], bug);
    const fixed = add(g, 'debug', [d2.id], ok(0.5));
    const improved = add(g, 'improve', [fixed.id], bug);
    const again = add(g, 'debug', [improved.id], bug);
    const debugOfGood = add(g, 'debug', [fixed.id], ok(0.6));
    expect([d, d1, d2, fixed, improved, again, debugOfGood].map((n) => n.debugDepth)).toEqual([0, 1, 2, 3, 0, 1, 0]);
  });

  it('copies the parents array so later edits by the caller do not leak in', () => {
    const g = createGraph('maximize');
    const parents = [0];
    const node = add(g, 'draft', parents, ok(1));
    parents.push(5);
    expect(node.parents).toEqual([0]);
  });

  it('rejects unknown, missing, duplicate or misplaced parents', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(1));
    add(g, 'draft', [0], ok(2));
    expect(() => add(g, 'improve', [7], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'improve', [], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'improve', [1, 1], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'draft', [1], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'improve', [0], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'debug', [0, 1], ok(1))).toThrow(RangeError);
    expect(g.nodes).toHaveLength(3);
  });

  it('gives a crossover exactly two distinct non-root parents, and improve and debug exactly one', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(1)); // 1
    add(g, 'draft', [0], ok(2)); // 2
    add(g, 'draft', [0], ok(3)); // 3
    expect(() => add(g, 'crossover', [1], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'crossover', [1, 2, 3], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'crossover', [0, 1], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'crossover', [2, 2], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'improve', [1, 2], ok(1))).toThrow(RangeError);
    expect(() => add(g, 'debug', [1, 2], ok(1))).toThrow(RangeError);
    expect(g.nodes).toHaveLength(4);
    const x = add(g, 'crossover', [3, 1], ok(4));
    expect([x.id, x.parents]).toEqual([4, [3, 1]]);
    expect(() => checkParents(g, 'crossover', [4, 9])).toThrow(RangeError);
    expect(() => checkParents(g, 'crossover', [4, 2])).not.toThrow();
  });

  it('keeps debug depth 0 for a crossover, even of buggy parents; only a debug of a buggy first parent deepens', () => {
    const g = createGraph('maximize');
    const a = add(g, 'draft', [0], bug);
    const b = add(g, 'debug', [a.id], bug);
    const x = add(g, 'crossover', [b.id, a.id], bug);
    const fix = add(g, 'debug', [x.id], bug);
    expect([a, b, x, fix].map((n) => n.debugDepth)).toEqual([0, 1, 0, 1]);
  });
});

describe('structure queries', () => {
  function sample(): SolutionGraph {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(0.5)); // 1
    add(g, 'draft', [0], bug); // 2
    add(g, 'debug', [2], bug); // 3 (leaf, buggy)
    add(g, 'improve', [1], ok(0.7)); // 4
    add(g, 'crossover', [1, 4], bug); // 5: two parents, buggy leaf
    add(g, 'draft', [0], ok(0.1)); // 6: good leaf
    return g;
  }

  it('lists children, including both parents of a two-parent node', () => {
    const g = sample();
    expect(ids(children(g, 0))).toEqual([1, 2, 6]);
    expect(ids(children(g, 1))).toEqual([4, 5]);
    expect(ids(children(g, 4))).toEqual([5]);
    expect(ids(children(g, 3))).toEqual([]);
    expect(() => children(g, 99)).toThrow(RangeError);
  });

  it('tells leaves from inner nodes', () => {
    const g = sample();
    expect(g.nodes.map((n) => isLeaf(g, n.id))).toEqual([false, false, false, true, false, true, true]);
  });

  it('lists drafts, good nodes and buggy leaves', () => {
    const g = sample();
    expect(ids(draftNodes(g))).toEqual([1, 2, 6]);
    expect(ids(goodNodes(g))).toEqual([1, 4, 6]);
    // 2 is buggy but has a child, so it is not a leaf.
    expect(ids(buggyLeaves(g))).toEqual([3, 5]);
  });

  it('excludes null, NaN and infinite scores from good nodes, and buggy nodes even with a score', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], { score: null, buggy: false });
    add(g, 'draft', [0], { score: Number.NaN, buggy: false });
    add(g, 'draft', [0], { score: Number.POSITIVE_INFINITY, buggy: false });
    add(g, 'draft', [0], { score: 100, buggy: true });
    add(g, 'draft', [0], ok(-3));
    expect(ids(goodNodes(g))).toEqual([5]);
    expect(g.nodes.map(isGood)).toEqual([false, false, false, false, false, true]);
    expect(bestNode(g)?.id).toBe(5);
  });

  it('survives a JSON round trip unchanged', () => {
    const g = sample();
    const back = JSON.parse(JSON.stringify(g)) as SolutionGraph;
    expect(back).toEqual(g);
    expect(ids(buggyLeaves(back))).toEqual([3, 5]);
    expect(bestNode(back)?.id).toBe(4);
  });
});

describe('score ordering', () => {
  it('isBetter is strict and direction-aware', () => {
    expect(isBetter(2, 1, 'maximize')).toBe(true);
    expect(isBetter(1, 2, 'maximize')).toBe(false);
    expect(isBetter(1, 2, 'minimize')).toBe(true);
    expect(isBetter(2, 1, 'minimize')).toBe(false);
    expect(isBetter(1, 1, 'maximize')).toBe(false);
    expect(isBetter(1, 1, 'minimize')).toBe(false);
  });

  it('ranks unusable scores below every usable one, in both directions', () => {
    for (const direction of ['maximize', 'minimize'] as const) {
      expect(isBetter(-1e9, null, direction)).toBe(true);
      expect(isBetter(1e9, Number.NaN, direction)).toBe(true);
      expect(isBetter(0, Number.POSITIVE_INFINITY, direction)).toBe(true);
      expect(isBetter(0, Number.NEGATIVE_INFINITY, direction)).toBe(true);
      expect(isBetter(null, 0, direction)).toBe(false);
      expect(compareScores(null, Number.NaN, direction)).toBe(0);
    }
  });

  it('compareScores sorts best first', () => {
    const scores = [0.3, null, 0.9, Number.NaN, 0.1];
    expect([...scores].sort((a, b) => compareScores(a, b, 'maximize')).slice(0, 3)).toEqual([0.9, 0.3, 0.1]);
    expect([...scores].sort((a, b) => compareScores(a, b, 'minimize')).slice(0, 3)).toEqual([0.1, 0.3, 0.9]);
  });

  it('worstScore loses to every usable score, and fitness uses it for nodes that are not good', () => {
    expect(worstScore('maximize')).toBe(Number.NEGATIVE_INFINITY);
    expect(worstScore('minimize')).toBe(Number.POSITIVE_INFINITY);
    const g = createGraph('minimize');
    const good = add(g, 'draft', [0], ok(0.25));
    const broken = add(g, 'draft', [0], { score: 0.01, buggy: true });
    expect(fitness(good, 'minimize')).toBe(0.25);
    expect(fitness(broken, 'minimize')).toBe(Number.POSITIVE_INFINITY);
    expect(fitness(g.nodes[0]!, 'maximize')).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('bestNode', () => {
  function withScores(direction: 'maximize' | 'minimize'): SolutionGraph {
    const g = createGraph(direction);
    add(g, 'draft', [0], ok(0.5)); // 1
    add(g, 'draft', [0], ok(0.9)); // 2
    add(g, 'draft', [0], ok(0.2)); // 3
    add(g, 'draft', [0], { score: 5, buggy: true }); // 4: best number, but buggy
    add(g, 'draft', [0], { score: -5, buggy: true }); // 5: best number for minimize, but buggy
    add(g, 'improve', [2], ok(0.9)); // 6: ties node 2
    add(g, 'improve', [3], ok(0.2)); // 7: ties node 3
    return g;
  }

  it('picks the highest score when maximizing, the earliest on ties', () => {
    expect(bestNode(withScores('maximize'))?.id).toBe(2);
  });

  it('picks the lowest score when minimizing, the earliest on ties', () => {
    expect(bestNode(withScores('minimize'))?.id).toBe(3);
  });

  it('is null when no node is good', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], bug);
    add(g, 'draft', [0], { score: Number.NaN, buggy: false });
    expect(bestNode(g)).toBeNull();
  });
});

describe('large graphs', () => {
  it('answers correctly on 10,000 nodes', () => {
    const g = createGraph('minimize');
    for (let i = 0; i < 5; i++) add(g, 'draft', [0], ok(100 + i));
    // A long improve chain with a buggy side branch every 10 nodes.
    let tip = 1;
    while (g.nodes.length < 10_000) {
      const n = g.nodes.length;
      if (n % 10 === 0) add(g, 'improve', [tip], bug);
      else tip = add(g, 'improve', [tip], ok(10_000 - n)).id;
    }
    expect(g.nodes).toHaveLength(10_000);
    expect(bestNode(g)?.id).toBe(9_999);
    expect(buggyLeaves(g)).toHaveLength(999);
    expect(isLeaf(g, 9_999)).toBe(true);
    expect(ids(children(g, 9_998))).toEqual([9_999]);
  });
});

describe('raw addNode', () => {
  it('ignores any id, debugDepth or unknown field smuggled in by the caller', () => {
    const g = createGraph('maximize');
    const fields = {
      parents: [0],
      operator: 'draft' as const,
      plan: 'p',
      codeRef: null,
      score: 1,
      buggy: false,
      bugReason: null,
      testScore: null,
      exec: null,
      createdAt: 5,
      llm: null,
      id: 42,
      debugDepth: 9,
      code: 'print(1)',
    };
    const node = addNode(g, fields);
    expect(node.id).toBe(1);
    expect(node.debugDepth).toBe(0);
    expect(Object.keys(node)).toEqual(Object.keys(g.nodes[0]!));
  });
});

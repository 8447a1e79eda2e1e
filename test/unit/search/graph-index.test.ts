import { describe, expect, it } from 'vitest';
import {
  ROOT_ID,
  addNode,
  bestNode,
  buggyLeaves,
  childIds,
  children,
  createGraph,
  draftCount,
  draftNodes,
  goodNodes,
  goodScoreRange,
  isLeaf,
  topGoodNodes,
  type SolutionGraph,
} from '../../../src/search/graph.js';
import { Rng, createRng } from '../../../src/search/rng.js';
import type { Direction, GraphNode, NodeRecord, OperatorName } from '../../../src/core/node.js';
import { add, bug, graphAnswers, ok } from './helpers.js';

const ids = (nodes: readonly { id: number }[]): number[] => nodes.map((n) => n.id);

/**
 * Scores drawn from few values, so ties are everywhere, plus the unusable ones a broken solution
 * reports (null, NaN, ±Infinity), negatives and zero.
 */
const SCORES = [-1.5, -0.25, 0, 0, 0.1, 0.25, 0.25, 0.5, 0.5, 0.75, 1, 2, 2, 3.5];
const UNUSABLE = [null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** Appends one random node: mostly improves and debugs (building on old nodes), some drafts and crossovers. */
function growOne(g: SolutionGraph, rng: Rng): NodeRecord {
  const id = g.nodes.length;
  const r = rng.next();
  let operator: OperatorName;
  let parents: number[];
  if (id < 3 || r < 0.1) {
    operator = 'draft';
    parents = [ROOT_ID];
  } else if (r < 0.8) {
    operator = r < 0.45 ? 'improve' : 'debug';
    // Favour recent nodes, as a search does, while still reaching far back.
    const back = rng.next() < 0.7 ? 1 + rng.int(Math.min(50, id - 1)) : 1 + rng.int(id - 1);
    parents = [id - back];
  } else {
    operator = 'crossover';
    const a = 1 + rng.int(id - 1);
    let b = 1 + rng.int(id - 2);
    if (b >= a) b += 1;
    parents = [a, b];
  }
  const buggy = rng.next() < 0.3;
  const u = rng.next();
  const score = u < 0.08 ? UNUSABLE[rng.int(UNUSABLE.length)]! : buggy && u < 0.5 ? null : rng.pick(SCORES);
  return addNode(g, {
    parents,
    operator,
    plan: '',
    codeRef: null,
    score,
    buggy,
    bugReason: buggy ? `bug ${id}` : null,
    testScore: null,
    exec: null,
    createdAt: id,
    llm: null,
  });
}

// The naive answers, by scanning every node as the graph did before the index.

function naiveKids(g: SolutionGraph): number[][] {
  const kids = g.nodes.map((): number[] => []);
  for (const n of g.nodes) for (const p of n.parents) kids[p]!.push(n.id);
  return kids;
}

function naiveGood(g: SolutionGraph): GraphNode[] {
  return g.nodes.filter((n) => n.id !== ROOT_ID && !n.buggy && typeof n.score === 'number' && Number.isFinite(n.score));
}

const better = (a: number, b: number, direction: Direction) => (direction === 'maximize' ? a > b : a < b);

/** All good nodes best first, equal scores in id order: a full sort. */
function naiveRanked(g: SolutionGraph): number[] {
  const sign = g.direction === 'maximize' ? -1 : 1;
  return naiveGood(g)
    .sort((a, b) => sign * (a.score! - b.score!) || a.id - b.id)
    .map((n) => n.id);
}

/** The k best of the good nodes by one pass (insertion into a short list): cheap enough after every node. */
function naiveTop(good: readonly GraphNode[], direction: Direction, k: number): number[] {
  const top: GraphNode[] = [];
  for (const n of good) {
    let at = top.length;
    // Only a strictly better score moves ahead: equal scores keep id (scan) order.
    while (at > 0 && better(n.score!, top[at - 1]!.score!, direction)) at--;
    if (at < k) {
      top.splice(at, 0, n);
      if (top.length > k) top.pop();
    }
  }
  return top.map((n) => n.id);
}

function naiveRange(good: readonly GraphNode[]): { min: number; max: number } | null {
  let range: { min: number; max: number } | null = null;
  for (const n of good) {
    const score = n.score!;
    if (range === null) range = { min: score, max: score };
    else range = { min: Math.min(range.min, score), max: Math.max(range.max, score) };
  }
  return range;
}

const KS = [0, 1, 3, 10];

/**
 * Compares every indexed query with a naive scan of all nodes. Cheap queries are compared always, the
 * children and leaf test of the `recent` nodes and the root too; `full` adds the whole ranking of good
 * nodes and the children and leaf test of every node.
 */
function expectIndexMatches(g: SolutionGraph, full: boolean, recent: readonly number[] = []): void {
  const kids = naiveKids(g);
  const good = naiveGood(g);
  const indexed = {
    drafts: draftCount(g),
    best: bestNode(g)?.id ?? null,
    top: KS.map((k) => ids(topGoodNodes(g, k))),
    range: goodScoreRange(g),
    buggyLeaves: ids(buggyLeaves(g)),
  };
  const naive = {
    drafts: g.nodes.filter((n) => n.operator === 'draft').length,
    best: naiveTop(good, g.direction, 1)[0] ?? null,
    top: KS.map((k) => naiveTop(good, g.direction, k)),
    range: naiveRange(good),
    buggyLeaves: g.nodes.filter((n) => n.id !== ROOT_ID && n.buggy && kids[n.id]!.length === 0).map((n) => n.id),
  };
  // Compared as JSON first: a deep toStrictEqual of thousands of ids after every node is too slow.
  // On a difference, toStrictEqual shows it readably.
  if (JSON.stringify(indexed) !== JSON.stringify(naive)) expect(indexed, `at ${g.nodes.length} nodes`).toStrictEqual(naive);
  expect(draftCount(g)).toBe(draftNodes(g).length);
  expect(topGoodNodes(g, -1)).toEqual([]);
  if (full) {
    const ranked = naiveRanked(g);
    expect(ids(topGoodNodes(g, ranked.length + 5))).toEqual(ranked);
    expect(ids(goodNodes(g))).toEqual([...ranked].sort((a, b) => a - b));
  }
  const check = full ? g.nodes.map((n) => n.id) : [ROOT_ID, ...recent];
  const got = check.map((id) => [id, [...childIds(g, id)], isLeaf(g, id)]);
  const want = check.map((id) => [id, kids[id]!, kids[id]!.length === 0]);
  if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, `children at ${g.nodes.length} nodes`).toStrictEqual(want);
}

describe('the graph index against a naive scan', () => {
  for (const direction of ['maximize', 'minimize'] as const) {
    it(`${direction}: after every addNode up to 3,000 nodes`, () => {
      const g = createGraph(direction);
      const rng = new Rng(createRng(direction === 'maximize' ? 1 : 2));
      expectIndexMatches(g, true);
      while (g.nodes.length < 3_000) {
        const node = growOne(g, rng);
        // The new node (a leaf), its parents (maybe just stopped being leaves) and the root.
        expectIndexMatches(g, g.nodes.length % 25 === 0, [node.id, ...node.parents]);
      }
      expectIndexMatches(g, true);
      // The fixture exercises ties, unusable scores and buggy leaves.
      const good = naiveGood(g);
      expect(new Set(good.map((n) => n.score)).size).toBeLessThan(SCORES.length);
      expect(g.nodes.some((n) => !n.buggy && n.score !== null && !Number.isFinite(n.score))).toBe(true);
      expect(g.nodes.some((n) => n.buggy && n.score !== null)).toBe(true);
      expect(buggyLeaves(g).length).toBeGreaterThan(100);
      expect(bestNode(g)!.score).toBe(direction === 'maximize' ? 3.5 : -1.5);
    });

    it(`${direction}: read after batches of 1 to 40 nodes, to 4,000`, () => {
      const g = createGraph(direction);
      const rng = new Rng(createRng(direction === 'maximize' ? 3 : 4));
      while (g.nodes.length < 4_000) {
        const batch = 1 + rng.int(40);
        const added: number[] = [];
        for (let i = 0; i < batch; i++) {
          const node = growOne(g, rng);
          added.push(node.id, ...node.parents);
        }
        expectIndexMatches(g, rng.next() < 0.05, added);
      }
      expectIndexMatches(g, true);
    });
  }

  it('children() returns the child records and rejects unknown ids; childIds gives [] for them', () => {
    const g = createGraph('maximize');
    const rng = new Rng(createRng(5));
    while (g.nodes.length < 500) growOne(g, rng);
    const kids = naiveKids(g);
    for (const n of g.nodes) {
      const c = children(g, n.id);
      expect(ids(c)).toEqual(kids[n.id]);
      c.forEach((child) => expect(child).toBe(g.nodes[child.id]));
    }
    expect(() => children(g, 500)).toThrow(RangeError);
    expect(() => isLeaf(g, -1)).toThrow(RangeError);
    expect(() => isLeaf(g, 1.5)).toThrow(RangeError);
    expect(childIds(g, 500)).toEqual([]);
    expect(childIds(g, -3)).toEqual([]);
  });

  it('goodScoreRange hands out a copy: changing it does not change the index', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(0.2));
    add(g, 'draft', [0], ok(0.9));
    const range = goodScoreRange(g)!;
    range.min = -100;
    range.max = 100;
    expect(goodScoreRange(g)).toEqual({ min: 0.2, max: 0.9 });
  });
});

describe('ties', () => {
  const build = (direction: Direction) => {
    const g = createGraph(direction);
    add(g, 'draft', [0], ok(0.5)); // 1
    add(g, 'draft', [0], ok(0.7)); // 2
    add(g, 'improve', [1], ok(0.7)); // 3
    add(g, 'improve', [2], ok(0.5)); // 4
    add(g, 'debug', [4], { score: 0.9, buggy: true }); // 5: buggy, never good
    add(g, 'crossover', [3, 4], ok(0.7)); // 6
    add(g, 'draft', [0], ok(0.5)); // 7
    return g;
  };

  it('maximize: the earliest of the best wins, equal scores rank in id order', () => {
    const g = build('maximize');
    expect(bestNode(g)!.id).toBe(2);
    expect(ids(topGoodNodes(g, 10))).toEqual([2, 3, 6, 1, 4, 7]);
    expect(goodScoreRange(g)).toEqual({ min: 0.5, max: 0.7 });
    expect(ids(buggyLeaves(g))).toEqual([5]);
  });

  it('minimize: the same', () => {
    const g = build('minimize');
    expect(bestNode(g)!.id).toBe(1);
    expect(ids(topGoodNodes(g, 10))).toEqual([1, 4, 7, 2, 3, 6]);
    expect(ids(topGoodNodes(g, 2))).toEqual([1, 4]);
  });

  it('a later node equal to the best does not replace it; a strictly better one does', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(1));
    expect(bestNode(g)!.id).toBe(1);
    add(g, 'draft', [0], ok(1));
    expect(bestNode(g)!.id).toBe(1);
    add(g, 'draft', [0], ok(1.0000001));
    expect(bestNode(g)!.id).toBe(3);
    expect(ids(topGoodNodes(g, 3))).toEqual([3, 1, 2]);
  });

  it('a buggy leaf stops being one when debugged, and the root never is one', () => {
    const g = createGraph('maximize');
    (g.nodes[0] as { buggy: boolean }).buggy = true;
    add(g, 'draft', [0], bug); // 1
    add(g, 'draft', [0], bug); // 2
    expect(ids(buggyLeaves(g))).toEqual([1, 2]);
    add(g, 'debug', [2], bug); // 3
    expect(ids(buggyLeaves(g))).toEqual([1, 3]);
    add(g, 'crossover', [1, 3], ok(0.4)); // 4
    expect(ids(buggyLeaves(g))).toEqual([]);
    expect(isLeaf(g, 1)).toBe(false);
    expect(childIds(g, 1)).toEqual([4]);
    expect(childIds(g, 3)).toEqual([4]);
  });
});

describe('a fresh index for a new node list', () => {
  /** Grows the same random graph, seeded, to `size` nodes. */
  const grown = (direction: Direction, size: number, seed: number): SolutionGraph => {
    const g = createGraph(direction);
    const rng = new Rng(createRng(seed));
    while (g.nodes.length < size) growOne(g, rng);
    return g;
  };

  for (const direction of ['maximize', 'minimize'] as const) {
    it(`${direction}: a graph read back from JSON answers as the original, and keeps doing so as both grow`, () => {
      const g = grown(direction, 1_500, 6);
      const before = graphAnswers(g);
      const copy = JSON.parse(JSON.stringify(g)) as SolutionGraph;
      // NaN and ±Infinity became null in JSON: unusable before, unusable after.
      expect(copy.nodes.some((n) => n.score === null && g.nodes[n.id]!.score !== null)).toBe(true);
      expect(graphAnswers(copy)).toStrictEqual(before);
      expectIndexMatches(copy, true);
      // Grow both the same way: each index extends on its own list.
      const a = new Rng(createRng(60));
      const b = new Rng(createRng(60));
      for (let i = 0; i < 500; i++) {
        growOne(g, a);
        growOne(copy, b);
        if (i % 50 === 0) expect(graphAnswers(copy)).toStrictEqual(graphAnswers(g));
      }
      expect(graphAnswers(copy)).toStrictEqual(graphAnswers(g));
      expectIndexMatches(copy, true);
      expectIndexMatches(g, true);
    });
  }

  it('a graph whose nodes array was replaced (as unpackGraph does) is indexed afresh', () => {
    const g = grown('maximize', 2_000, 7);
    const full = graphAnswers(g);
    // Read the index on the whole list, then put back only the first 1,200 nodes, as new records.
    g.nodes = g.nodes.slice(0, 1_200).map((n) => ({ ...n, plan: '', parents: [...n.parents] }));
    expectIndexMatches(g, true);
    expect(draftCount(g)).toBeLessThan(full.drafts);
    // A list of other nodes altogether (a differently seeded graph of the same length).
    const other = grown('maximize', 1_200, 8);
    g.nodes = other.nodes;
    expect(graphAnswers(g)).toStrictEqual(graphAnswers(other));
    expectIndexMatches(g, true);
    // Back to a list equal to the original one: the same answers as at first.
    g.nodes = (JSON.parse(JSON.stringify(grown('maximize', 2_000, 7))) as SolutionGraph).nodes;
    expect(graphAnswers(g)).toStrictEqual(full);
  });

  it('a graph object sharing its nodes with another shares its answers', () => {
    const g = grown('maximize', 800, 9);
    const view: SolutionGraph = { direction: 'maximize', nodes: g.nodes };
    expect(graphAnswers(view)).toStrictEqual(graphAnswers(g));
    growOne(view, new Rng(createRng(90)));
    expectIndexMatches(g, true);
  });

  it('a node list cut short in place (as a test or tool might) is re-indexed', () => {
    const g = grown('minimize', 1_000, 10);
    graphAnswers(g);
    g.nodes.length = 600;
    expectIndexMatches(g, true);
    growOne(g, new Rng(createRng(100)));
    expectIndexMatches(g, true);
  });

  it('a node list cut short and grown past its old length before the next read is re-indexed', () => {
    const g = grown('maximize', 500, 11);
    graphAnswers(g);
    g.nodes.length = 300;
    const rng = new Rng(createRng(110));
    while (g.nodes.length < 520) growOne(g, rng);
    expectIndexMatches(g, true);
  });
});

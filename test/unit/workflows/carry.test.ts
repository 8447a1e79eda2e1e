import { describe, expect, it } from 'vitest';
import { outcomeFields, type SearchSnapshot } from '../../../src/search/driver.js';
import {
  ROOT_ID,
  addNode,
  bestNode,
  createGraph,
  goodNodes,
  type SolutionGraph,
} from '../../../src/search/graph.js';
import { Rng, createRng } from '../../../src/search/rng.js';
import { isArchived, type Direction, type GraphNode, type OperatorName } from '../../../src/core/node.js';
import {
  PACK_FROM,
  compactNode,
  packGraph,
  packSearch,
  unpackGraph,
  unpackSearch,
  type CarriedGraph,
  type CarriedSearch,
  type PackedNodes,
} from '../../../src/workflows/carry.js';
import { graphAnswers } from '../search/helpers.js';

const T0 = 1_735_689_600_000;
const TRACEBACK =
  'Traceback (most recent call last):\n  File "/workspace/solution.py", line 42, in <module>\n    model.fit(X_train, y_train)\nValueError: ';
const MIB = 1024 * 1024;

/**
 * A graph of `size` nodes (root included) as a real run leaves it: full records (plan, code ref,
 * execution, LLM spend), a seeded mix of operators where debugs mostly target buggy nodes, buggy nodes
 * with long tracebacks (and a few short reasons), null and numeric scores and test scores, and
 * createdAt increasing by up to 90 s per node. Scores have four decimals, so ties occur.
 */
function runGraph(size: number, seed: number, direction: Direction = 'maximize'): SolutionGraph {
  const rng = new Rng(createRng(seed));
  const g = createGraph(direction, T0);
  const bugs: number[] = [];
  const decimal = () => Math.round(rng.next() * 10_000) / 10_000;
  let t = T0;
  while (g.nodes.length < size) {
    const id = g.nodes.length;
    const r = rng.next();
    let operator: OperatorName;
    let parents: number[];
    if (id < 4 || r < 0.12) {
      operator = 'draft';
      parents = [ROOT_ID];
    } else if (r < 0.45) {
      operator = 'improve';
      parents = [1 + rng.int(id - 1)];
    } else if (r < 0.8) {
      operator = 'debug';
      parents = [bugs.length > 0 && rng.next() < 0.8 ? rng.pick(bugs) : 1 + rng.int(id - 1)];
    } else {
      operator = 'crossover';
      const a = 1 + rng.int(id - 1);
      let b = 1 + rng.int(id - 2);
      if (b >= a) b += 1;
      parents = [a, b];
    }
    const buggy = rng.next() < (operator === 'debug' ? 0.55 : 0.3);
    // A buggy node sometimes still reported a score (e.g. the review found a leak).
    const score = buggy ? (rng.next() < 0.1 ? decimal() : null) : rng.next() < 0.05 ? null : decimal();
    const bugReason = !buggy
      ? null
      : rng.next() < 0.2
        ? `killed (OOM) ${id}`
        : `${TRACEBACK}node ${id}: ${'shape mismatch '.repeat(1 + rng.int(20))}`;
    const testScore = !buggy && rng.next() < 0.7 ? decimal() : null;
    t += 1 + rng.int(90_000);
    const node = addNode(g, {
      parents,
      operator,
      plan: `Plan for node ${id}: ${'use gradient boosting with target encoding; '.repeat(4)}`,
      codeRef: { sha256: id.toString(16).padStart(64, 'a'), bytes: 2_000 + id, preview: `import pandas as pd  # ${id}` },
      score,
      buggy,
      bugReason,
      testScore,
      exec: { exitCode: buggy ? 1 : 0, timedOut: false, durationMs: 1_000 + rng.int(60_000), stdoutRef: null, stderrRef: null, submissionRef: null },
      createdAt: t,
      llm: {
        calls: 1,
        promptTokens: 3_000 + id,
        completionTokens: 800,
        costUsd: 0.0125,
        unpricedCalls: 0,
        latencyMs: 4_200,
        recordings: [{ sha256: id.toString(16).padStart(64, 'b'), bytes: 12_000, preview: '{"messages":' }],
      },
      hintIds: rng.next() < 0.1 ? [1, 2] : [],
    });
    if (buggy) bugs.push(node.id);
  }
  return g;
}

/** A snapshot around `graph` with an RNG, a policy state and a scheduler with work running and buffered. */
function snapshotWith(graph: SolutionGraph): SearchSnapshot<unknown> {
  const next = graph.nodes.length;
  return {
    graph,
    rng: createRng(99),
    policyState: { visits: { '3': 4, '17': 1 }, islands: [[1, 2], [3]], temperature: 0.25 },
    scheduler: {
      nextTicket: next + 3,
      nextCommit: next,
      running: [
        { ticket: next, action: { op: 'improve', parents: [5] } },
        { ticket: next + 2, action: { op: 'draft', parents: [ROOT_ID] } },
      ],
      finished: [
        { ticket: next + 1, action: { op: 'debug', parents: [7] }, fields: outcomeFields({ score: 0.5, buggy: false, bugReason: null, testScore: 0.25 }) },
      ],
    },
  };
}

/** What continue-as-new does to the search: pack, serialise into the next run's input, parse, unpack. */
function carried(search: SearchSnapshot<unknown>, archivedUpTo: number): SearchSnapshot<unknown> {
  return unpackSearch(JSON.parse(JSON.stringify(packSearch(search, archivedUpTo))) as CarriedSearch);
}

function isPacked(graph: CarriedGraph): graph is Extract<CarriedGraph, { packed: PackedNodes }> {
  return 'packed' in graph;
}

/** What search reads of a node, taken from the full record (not through compactNode). */
const searchFields = (n: GraphNode) =>
  [n.id, n.parents, n.operator, n.score, n.buggy, n.bugReason?.slice(0, 60) ?? null, n.debugDepth, n.testScore, n.createdAt] as const;

describe('compactNode', () => {
  it('keeps what search reads, cuts the bug reason to 60 characters, drops plan, code, execution and LLM records, and says it is archived', () => {
    const g = runGraph(200, 1);
    const long = g.nodes.find((n) => n.bugReason !== null && n.bugReason.length > 60)!;
    const short = g.nodes.find((n) => n.bugReason !== null && n.bugReason.length < 60)!;
    const c = compactNode(long);
    expect(c).toStrictEqual({
      id: long.id,
      parents: long.parents,
      operator: long.operator,
      score: long.score,
      buggy: true,
      bugReason: long.bugReason!.slice(0, 60),
      debugDepth: long.debugDepth,
      testScore: long.testScore,
      createdAt: long.createdAt,
      archived: true,
    });
    expect(isArchived(c)).toBe(true);
    expect(isArchived(long)).toBe(false);
    expect(c.bugReason).toHaveLength(60);
    expect(compactNode(short).bugReason).toBe(short.bugReason);
    const graded = g.nodes.find((n) => n.testScore !== null && n.score !== null)!;
    expect(compactNode(graded)).toMatchObject({ score: graded.score, testScore: graded.testScore, buggy: false, bugReason: null });
    expect(compactNode(c)).toStrictEqual(c);
    // At most about 230 bytes of JSON (with a 60-character reason), against the ~1 KB full record.
    expect(JSON.stringify(c).length).toBeLessThan(230);
    expect(JSON.stringify(long).length).toBeGreaterThan(4 * JSON.stringify(c).length);
  });
});

describe('packGraph at or below PACK_FROM archived nodes', () => {
  it('is 1,000', () => {
    expect(PACK_FROM).toBe(1000);
  });

  it('carries the graph itself, unpacked, and unpackGraph returns a plain graph as it is', () => {
    const g = runGraph(2_500, 2);
    for (const upTo of [0, 1, 500, PACK_FROM]) {
      const c = packGraph(g, upTo);
      expect(c).toBe(g);
      expect(isPacked(c)).toBe(false);
      expect(unpackGraph(c)).toBe(g);
    }
    // archivedUpTo beyond the graph counts only the nodes there are.
    const small = runGraph(PACK_FROM, 3);
    expect(packGraph(small, 50_000)).toBe(small);
    const snap = snapshotWith(g);
    const search = packSearch(snap, PACK_FROM);
    expect(search.graph).toBe(g);
    expect(search).toStrictEqual(snap);
    expect(unpackSearch(search)).toStrictEqual(snap);
  });

  it('round-trips a plain carried graph through JSON unchanged', () => {
    const g = runGraph(800, 4);
    const back = carried(snapshotWith(g), 800);
    expect(back.graph).toStrictEqual(g);
    expect(graphAnswers(back.graph)).toStrictEqual(graphAnswers(g));
  });

  it('packs from PACK_FROM + 1 archived nodes', () => {
    const g = runGraph(1_200, 5);
    const c = packGraph(g, PACK_FROM + 1);
    if (!isPacked(c)) throw new Error('expected a packed graph');
    expect(c.packed.n).toBe(PACK_FROM + 1);
    expect(c.packed.ops).toHaveLength(PACK_FROM + 1);
    expect(c.packed.buggy).toHaveLength(PACK_FROM + 1);
    expect(c.nodes).toHaveLength(1_200 - PACK_FROM - 1);
    expect(c.nodes[0]).toBe(g.nodes[PACK_FROM + 1]);
  });
});

describe('packSearch / unpackSearch above PACK_FROM', () => {
  for (const [size, upTo, seed] of [
    [2_500, 2_000, 6],
    [10_000, 9_750, 7],
  ] as const) {
    it(`${size} nodes, archived up to ${upTo}: compact records below the boundary, the full ones after it`, () => {
      const g = runGraph(size, seed);
      const before = JSON.stringify(g);
      const snap = snapshotWith(g);
      const packed = packSearch(snap, upTo);
      // Packing reads the graph; it does not change it.
      expect(JSON.stringify(g)).toBe(before);
      if (!isPacked(packed.graph)) throw new Error('expected a packed graph');
      expect(packed.graph.packed.n).toBe(upTo);
      expect(packed.graph.nodes).toHaveLength(size - upTo);

      const back = carried(snap, upTo);
      expect(back.graph.direction).toBe('maximize');
      expect(back.graph.nodes).toHaveLength(size);
      for (let id = 0; id < size; id++) {
        const expected = id < upTo ? compactNode(g.nodes[id]!) : g.nodes[id]!;
        expect(back.graph.nodes[id], `node ${id}`).toStrictEqual(expected);
      }
      expect(back.graph.nodes.map(searchFields)).toStrictEqual(g.nodes.map(searchFields));
      expect(back.rng).toStrictEqual(snap.rng);
      expect(back.policyState).toStrictEqual(snap.policyState);
      expect(back.scheduler).toStrictEqual(snap.scheduler);
      expect(Object.keys(back).sort()).toEqual(['graph', 'policyState', 'rng', 'scheduler']);
    });
  }

  it('gives the same carry whether the archived nodes were already compacted in the graph (as the workflow does) or not', () => {
    const g = runGraph(3_000, 8);
    const compacted: SolutionGraph = { direction: g.direction, nodes: g.nodes.map((n, id) => (id < 2_400 ? compactNode(n) : n)) };
    expect(JSON.stringify(packGraph(compacted, 2_400))).toBe(JSON.stringify(packGraph(g, 2_400)));
    expect(carried(snapshotWith(compacted), 2_400).graph).toStrictEqual(carried(snapshotWith(g), 2_400).graph);
  });

  it('keeps a minimizing graph minimizing', () => {
    const g = runGraph(1_500, 9, 'minimize');
    const back = carried(snapshotWith(g), 1_500).graph;
    expect(back.direction).toBe('minimize');
    expect(graphAnswers(back)).toStrictEqual(graphAnswers(g));
    expect(bestNode(back)!.score).toBe(Math.min(...goodNodes(g).map((n) => n.score!)));
  });

  it('survives several continue-as-new in a row: carrying again after more nodes loses nothing more', () => {
    const g = runGraph(4_000, 10);
    // First run ends at 2,000 nodes, all archived; the second grows to 4,000 and archives 3,500.
    const first: SolutionGraph = { direction: g.direction, nodes: g.nodes.slice(0, 2_000) };
    const resumed = carried(snapshotWith(first), 2_000).graph;
    for (const n of g.nodes.slice(2_000)) resumed.nodes.push(n);
    const second = carried(snapshotWith(resumed), 3_500).graph;
    expect(second).toStrictEqual({ direction: g.direction, nodes: g.nodes.map((n, id) => (id < 3_500 ? compactNode(n) : n)) });
    expect(graphAnswers(second)).toStrictEqual(graphAnswers(g));
  });

  it('answers every graph query as the original graph does', () => {
    for (const [size, upTo, seed] of [
      [2_500, 2_000, 11],
      [10_000, 9_750, 12],
    ] as const) {
      const g = runGraph(size, seed);
      const q = graphAnswers(g);
      // The fixture exercises what it should: drafts, buggy leaves, debug chains, crossovers, ties.
      expect(q.drafts).toBeGreaterThan(size / 20);
      expect(q.buggyLeaves.length).toBeGreaterThan(size / 20);
      expect(Math.max(...q.depths)).toBeGreaterThan(2);
      expect(g.nodes.some((n) => n.operator === 'crossover')).toBe(true);
      expect(new Set(q.good.map((id) => g.nodes[id]!.score)).size).toBeLessThan(q.good.length);
      expect(graphAnswers(carried(snapshotWith(g), upTo).graph)).toStrictEqual(q);
    }
  });
});

describe('the size of a carried 10,000-node graph', () => {
  it('packs to well under the 2 MiB payload limit and far below the compact records', () => {
    const g = runGraph(10_000, 13);
    const all = 10_000;
    const search = packSearch(snapshotWith(g), all);
    if (!isPacked(search.graph)) throw new Error('expected a packed graph');
    const packed = JSON.stringify(search);
    const reasons = JSON.stringify(search.graph.packed.bugReason).length;
    const buggy = g.nodes.filter((n) => n.buggy).length;
    const compactOnly = JSON.stringify(snapshotWith({ direction: g.direction, nodes: g.nodes.map(compactNode) }));
    const full = JSON.stringify(snapshotWith(g));
    // Under a quarter of the 2 MiB limit, with over a third of the nodes buggy.
    expect(buggy).toBeGreaterThan(all / 3);
    expect(packed.length).toBeLessThan(MIB / 2);
    // Structure, scores, flags and times: under 30 bytes a node.
    expect((packed.length - reasons) / all).toBeLessThan(30);
    // Bug reasons: the cut reason, its key and quotes.
    expect(reasons / buggy).toBeLessThan(60 + 12);
    expect(packed.length / all).toBeLessThan(60);
    // Unpacked, even compact records come close to the limit (the reason to pack at all): over 90 % of it
    // (the CompactNode type of 0.2.0 left out the empty plan, code, execution and LLM fields: 10 % less).
    expect(compactOnly.length).toBeGreaterThan(0.9 * 2 * MIB);
    expect(compactOnly.length).toBeGreaterThan(3.5 * packed.length);
    expect(full.length).toBeGreaterThan(4 * MIB);
  });
});

describe('unpackGraph refuses corrupted packs', () => {
  const g = runGraph(2_500, 14);
  const good = JSON.stringify(packGraph(g, 2_500));
  const corrupt = (edit: (p: PackedNodes) => void): CarriedGraph => {
    const c = JSON.parse(good) as Extract<CarriedGraph, { packed: PackedNodes }>;
    edit(c.packed);
    return c;
  };

  it('unpacks the uncorrupted pack', () => {
    expect(unpackGraph(JSON.parse(good) as CarriedGraph).nodes).toHaveLength(2_500);
  });

  it('a wrong version', () => {
    const c = corrupt((p) => {
      (p as { v: number }).v = 2;
    });
    expect(() => unpackGraph(c)).toThrow(RangeError);
    expect(() => unpackGraph(c)).toThrow(/unreadable packed graph \(v 2,/);
  });

  it('ops shorter or longer than n, or n changed', () => {
    const short = corrupt((p) => {
      p.ops = p.ops.slice(0, -1);
    });
    expect(() => unpackGraph(short)).toThrow(RangeError);
    expect(() => unpackGraph(short)).toThrow(/2499 ops for 2500 nodes/);
    const long = corrupt((p) => {
      p.ops += 'D';
    });
    expect(() => unpackGraph(long)).toThrow(/2501 ops for 2500 nodes/);
    const n = corrupt((p) => {
      p.n = 2_400;
    });
    expect(() => unpackGraph(n)).toThrow(/2500 ops for 2400 nodes/);
  });

  it('ops that do not start with the root', () => {
    const c = corrupt((p) => {
      p.ops = `D${p.ops.slice(1)}`;
    });
    expect(() => unpackGraph(c)).toThrow(RangeError);
    expect(() => unpackGraph(c)).toThrow(/unreadable packed graph/);
  });

  it('an unknown operator letter, naming the node and the letter', () => {
    const c = corrupt((p) => {
      p.ops = `${p.ops.slice(0, 1_234)}Z${p.ops.slice(1_235)}`;
    });
    expect(() => unpackGraph(c)).toThrow(RangeError);
    expect(() => unpackGraph(c)).toThrow(/node 1234 has an unknown operator letter Z/);
    // A second root is not a letter a packed node may have either.
    const root = corrupt((p) => {
      p.ops = `${p.ops.slice(0, 9)}r${p.ops.slice(10)}`;
    });
    expect(() => unpackGraph(root)).toThrow(/node 9 has an unknown operator letter r/);
  });

  it('parent ids left over, with their count', () => {
    const one = corrupt((p) => {
      p.parents.push(1);
    });
    expect(() => unpackGraph(one)).toThrow(RangeError);
    expect(() => unpackGraph(one)).toThrow(/1 parent ids left over/);
    const three = corrupt((p) => {
      p.parents.push(1, 2, 3);
    });
    expect(() => unpackGraph(three)).toThrow(/3 parent ids left over/);
  });

  it('parent ids missing, through the graph rules of addNode', () => {
    const c = corrupt((p) => {
      p.parents.pop();
    });
    expect(() => unpackGraph(c)).toThrow(RangeError);
  });

  it('a column shorter than n, which would read as null scores or non-buggy nodes', () => {
    for (const column of ['score', 'testScore', 'createdAt'] as const) {
      const c = corrupt((p) => {
        p[column].pop();
      });
      expect(() => unpackGraph(c)).toThrow(new RegExp(`packed column ${column} has 2499 entries for 2500 nodes`));
    }
    const buggy = corrupt((p) => {
      p.buggy = p.buggy.slice(0, 2_000);
    });
    expect(() => unpackGraph(buggy)).toThrow(/packed column buggy has 2000 entries for 2500 nodes/);
    const text = corrupt((p) => {
      (p.createdAt as unknown[])[17] = '5';
    });
    expect(() => unpackGraph(text)).toThrow(/createdAt holds a value that is not a number/);
  });

  it('full records after the packed ones that do not continue their ids', () => {
    const c = JSON.parse(JSON.stringify(packGraph(g, 2_000))) as Extract<CarriedGraph, { packed: PackedNodes }>;
    expect(unpackGraph(JSON.parse(JSON.stringify(c)) as CarriedGraph).nodes).toHaveLength(2_500);
    c.nodes.splice(3, 1);
    expect(() => unpackGraph(c)).toThrow(/node 2004 follows the 2000 packed nodes at position 2003/);
  });

  it('packGraph refuses a node with an operator it has no letter for', () => {
    const bad = runGraph(1_100, 15);
    (bad.nodes[700] as { operator: string }).operator = 'analyze';
    expect(() => packGraph(bad, 1_100)).toThrow(RangeError);
    expect(() => packGraph(bad, 1_100)).toThrow(/node 700 has an unknown operator analyze/);
  });
});

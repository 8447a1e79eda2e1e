import { describe, expect, it } from 'vitest';
import { buildMemory } from '../../../src/operators/memory.js';
import { addNode, createGraph, type SolutionGraph } from '../../../src/search/graph.js';
import type { OperatorName } from '../../../src/core/node.js';

function add(g: SolutionGraph, op: OperatorName, parents: number[], score: number | null, plan = `plan ${g.nodes.length}`) {
  return addNode(g, {
    operator: op, parents, plan, codeRef: null, score, buggy: score === null, bugReason: score === null ? 'boom' : null,
    testScore: 0.5, exec: null, createdAt: 0, llm: null,
  });
}

/** root → 1 (0.8) → 3 (buggy) → 4 (buggy, debug) ; root → 2 (0.9) → 5 (0.85) */
function sample(direction: 'maximize' | 'minimize' = 'maximize') {
  const g = createGraph(direction);
  add(g, 'draft', [0], 0.8);
  add(g, 'draft', [0], 0.9);
  add(g, 'improve', [1], null);
  add(g, 'debug', [3], null);
  add(g, 'improve', [2], 0.85);
  return g;
}
const limits = { maxEntries: 10, maxChars: 4000 };

describe('scoped memory', () => {
  it('none shows nothing', () => {
    expect(buildMemory(sample(), { op: 'draft', parents: [0] }, 'none', limits)).toEqual([]);
  });

  it('global lists good nodes best first, for either direction, and never the hidden test score', () => {
    const max = buildMemory(sample(), { op: 'draft', parents: [0] }, 'global', limits);
    expect(max.map((m) => m.nodeId)).toEqual([2, 5, 1]);
    expect(JSON.stringify(max)).not.toContain('testScore');
    expect(buildMemory(sample('minimize'), { op: 'draft', parents: [0] }, 'global', limits).map((m) => m.nodeId)).toEqual([1, 5, 2]);
  });

  it('ancestors follows the buggy chain back to the first good ancestor', () => {
    const m = buildMemory(sample(), { op: 'debug', parents: [4] }, 'ancestors', limits);
    expect(m.map((e) => e.nodeId)).toEqual([4, 3, 1]);
    expect(m[0]).toMatchObject({ buggy: true, bugReason: 'boom' });
  });

  it('siblings lists the parent\'s other children, newest first', () => {
    const g = sample();
    add(g, 'improve', [2], 0.7);
    expect(buildMemory(g, { op: 'improve', parents: [2] }, 'siblings', limits).map((e) => e.nodeId)).toEqual([6, 5]);
  });

  it('is bounded in entries and characters', () => {
    const g = createGraph('maximize');
    for (let i = 0; i < 30; i++) add(g, 'draft', [0], i / 30, 'x'.repeat(500));
    const m = buildMemory(g, { op: 'draft', parents: [0] }, 'global', { maxEntries: 5, maxChars: 1200 });
    expect(m.length).toBe(3);
    expect(m.reduce((n, e) => n + e.plan.length, 0)).toBeLessThanOrEqual(1200);
    expect(buildMemory(g, { op: 'draft', parents: [0] }, 'global', { maxEntries: 5, maxChars: 100_000 })).toHaveLength(5);
  });
});

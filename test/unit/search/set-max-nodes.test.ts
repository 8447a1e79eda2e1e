import { describe, expect, it } from 'vitest';
import { begin, commitReady, isFinished, newSearch, openLoop, outcomeFields, setMaxNodes } from '../../../src/search/driver.js';
import { AIDE_GREEDY, greedyPolicy } from '../../../src/search/greedy.js';

const good = outcomeFields({ score: 0.5, buggy: false, bugReason: null });

function loopOf(maxNodes: number, parallelism = 2) {
  return openLoop(greedyPolicy, newSearch(greedyPolicy, AIDE_GREEDY, { seed: 1, direction: 'maximize' }), { parallelism, maxNodes });
}

describe('setMaxNodes (the setBudget update of a running search)', () => {
  it('a raise proposes into the freed slots at once, even when nothing is in flight any more', () => {
    const loop = loopOf(2);
    const started = begin(loop);
    expect(started.map((t) => t.ticket)).toEqual([1, 2]);
    for (const t of started) loop.scheduler.complete(t.ticket, good);
    expect(commitReady(loop).started).toEqual([]);
    expect(isFinished(loop)).toBe(true);
    const more = setMaxNodes(loop, 4);
    expect(more.map((t) => t.ticket)).toEqual([3, 4]);
    expect(isFinished(loop)).toBe(false);
  });

  it('a cut below what was proposed stops proposing; in-flight actions still commit', () => {
    const loop = loopOf(10);
    const started = begin(loop);
    expect(setMaxNodes(loop, 1)).toEqual([]);
    expect(loop.maxNodes).toBe(2); // the two already proposed
    for (const t of started) loop.scheduler.complete(t.ticket, good);
    expect(commitReady(loop)).toMatchObject({ started: [] });
    expect(loop.graph.nodes).toHaveLength(3);
    expect(isFinished(loop)).toBe(true);
  });

  it('rejects a non-positive or fractional budget', () => {
    expect(() => setMaxNodes(loopOf(3), 0)).toThrow(RangeError);
    expect(() => setMaxNodes(loopOf(3), 2.5)).toThrow(RangeError);
  });
});

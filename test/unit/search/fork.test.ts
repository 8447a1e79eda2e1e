import { describe, expect, it } from 'vitest';
import { begin, commitReady, forkSearch, openLoop, outcomeFields, runSearch } from '../../../src/search/driver.js';
import { policyFor } from '../../../src/search/policies.js';

const greedy = policyFor({ kind: 'greedy', numDrafts: 2, debugProb: 0.5, maxDebugDepth: 3, improvePatience: 5 }, null);
const outcome = (id: number) => ({ score: (id * 37) % 11 / 10, buggy: id % 4 === 0, bugReason: id % 4 === 0 ? 'bug' : null });

describe('forkSearch', () => {
  const source = runSearch(greedy.policy, greedy.config, {
    seed: 3, direction: 'maximize', parallelism: 1, maxNodes: 6,
    outcome: (_a, id) => { const o = outcome(id); return { ...o, score: o.buggy ? null : o.score }; },
  }).graph;

  it('starts from nodes 1..k, keeps them as they are, and numbers new nodes from k + 1', () => {
    const snap = forkSearch(greedy.policy, greedy.config, source.nodes.slice(1, 4), { seed: 9, direction: 'maximize' });
    expect(snap.graph.nodes.slice(1)).toEqual(source.nodes.slice(1, 4));
    const loop = openLoop(greedy.policy, snap, { parallelism: 2, maxNodes: 5 });
    const started = begin(loop);
    expect(started.map((t) => t.ticket)).toEqual([4, 5]);
    for (const t of started) loop.scheduler.complete(t.ticket, outcomeFields({ score: 0.5, buggy: false, bugReason: null }));
    const { committed } = commitReady(loop);
    expect(committed.map((n) => n.id)).toEqual([4, 5]);
  });

  it('refuses a policy whose state is not in the graph, and nodes that are not 1..k', () => {
    const mcts = policyFor({ kind: 'mcts', uctC: 0.25, numChildren: 2, maxDebugDepth: 2, improvePatience: 5 }, null);
    expect(() => forkSearch(mcts.policy, mcts.config, source.nodes.slice(1, 3), { seed: 1, direction: 'maximize' }))
      .toThrow(/mcts policy cannot start from an existing graph/);
    expect(() => forkSearch(greedy.policy, greedy.config, source.nodes.slice(2, 4), { seed: 1, direction: 'maximize' }))
      .toThrow(/must be 1\.\.2 in order/);
  });
});

import { describe, expect, it } from 'vitest';
import { runSearch, type NodeOutcome } from '../../../src/search/driver.js';
import { EVOLUTIONARY_DEFAULTS, evolutionaryPolicy } from '../../../src/search/evolutionary.js';
import { createGraph, type SolutionGraph } from '../../../src/search/graph.js';
import { AIRA_GREEDY, greedyPolicy } from '../../../src/search/greedy.js';
import { isImprovable, type ImproveLimits } from '../../../src/search/improvable.js';
import { MCTS_DEFAULTS, mctsPolicy } from '../../../src/search/mcts.js';
import type { SearchPolicy } from '../../../src/search/policy.js';
import type { Action, Direction } from '../../../src/core/node.js';
import { add, bug, ok, shape } from './helpers.js';

const noLimits: ImproveLimits = { optimum: null, improvePatience: null };

describe('isImprovable', () => {
  it('refuses a buggy node and a node at the optimum, in either direction', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], bug); // 1
    add(g, 'draft', [0], ok(1)); // 2
    add(g, 'draft', [0], ok(0.9)); // 3
    const limits = { optimum: 1, improvePatience: null };
    expect([1, 2, 3].map((id) => isImprovable(g, g.nodes[id]!, limits))).toEqual([false, false, true]);
    expect([1, 2, 3].map((id) => isImprovable(g, g.nodes[id]!, noLimits))).toEqual([false, true, true]);

    const m = createGraph('minimize');
    add(m, 'draft', [0], ok(0)); // 1: an rmse of 0
    add(m, 'draft', [0], ok(0.2)); // 2
    expect([1, 2].map((id) => isImprovable(m, m.nodes[id]!, { optimum: 0, improvePatience: null }))).toEqual([false, true]);
  });

  it('counts the latest Improve children in a row that did not beat the node; buggy ones count, other operators do not', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(0.5)); // 1
    add(g, 'draft', [0], ok(0.4)); // 2
    const limits = { optimum: 1, improvePatience: 3 };
    const improvable = () => isImprovable(g, g.nodes[1]!, limits);
    add(g, 'improve', [1], ok(0.4)); // 3: a miss
    add(g, 'improve', [1], ok(0.6)); // 4: it beat node 1: the count starts again after it
    add(g, 'improve', [1], ok(0.5)); // 5: equal is not better
    add(g, 'improve', [1], bug); // 6
    add(g, 'crossover', [1, 2], ok(0.1)); // 7: not an Improve
    expect(improvable()).toBe(true);
    add(g, 'improve', [1], ok(0.3)); // 8: the third miss in a row
    expect(improvable()).toBe(false);
    expect(isImprovable(g, g.nodes[1]!, { optimum: 1, improvePatience: 4 })).toBe(true);
    expect(isImprovable(g, g.nodes[1]!, noLimits)).toBe(true);
  });

  it('reads absent limits (a state carried from before they existed) as none', () => {
    const g = createGraph('maximize');
    add(g, 'draft', [0], ok(1));
    expect(isImprovable(g, g.nodes[1]!, {} as ImproveLimits)).toBe(true);
  });
});

/**
 * A scripted environment where search cannot win by Improve: drafts score from `draftScores` in turn,
 * and an Improve scores 0.01 worse than its parent (in the direction), so every Improve is a miss.
 * `improveOfImprove` is what an Improve of an Improve gets instead, when given.
 */
function plateau(draftScores: readonly number[], direction: Direction = 'maximize', improveOfImprove?: NodeOutcome) {
  let drafts = 0;
  return (action: Action, _id: number, graph: SolutionGraph): NodeOutcome => {
    if (action.op === 'draft') return { score: draftScores[drafts++ % draftScores.length]!, buggy: false, bugReason: null };
    const parent = graph.nodes[action.parents[0]!]!;
    if (improveOfImprove !== undefined && parent.operator === 'improve') return improveOfImprove;
    return { score: parent.score! + (direction === 'maximize' ? -0.01 : 0.01), buggy: false, bugReason: null };
  };
}

function run<C>(policy: SearchPolicy<unknown, C>, config: C, outcome: ReturnType<typeof plateau>, maxNodes: number, direction: Direction = 'maximize') {
  return runSearch(policy, config, { seed: 4, direction, parallelism: 1, maxNodes, outcome }).graph;
}

/** Ids of the nodes each Improve took, in order. */
const improved = (g: SolutionGraph) => g.nodes.filter((n) => n.operator === 'improve').map((n) => n.parents[0]!);
/** The most Improve children any node got. */
const mostImproves = (g: SolutionGraph) => Math.max(...g.nodes.map((n) => improved(g).filter((p) => p === n.id).length));

describe('greedy', () => {
  const greedy = greedyPolicy as SearchPolicy<unknown, typeof AIRA_GREEDY>;
  const config = { ...AIRA_GREEDY, numDrafts: 3, improvePatience: null };

  for (const [direction, optimum, scores] of [
    ['maximize', 1, [1, 0.6, 0.7]],
    ['minimize', 0, [0, 0.4, 0.3]],
  ] as const) {
    it(`${direction}: never improves a node at the optimum; improves the next best instead`, () => {
      const g = run(greedy, { ...config, optimum }, plateau(scores, direction), 30, direction);
      expect(new Set(improved(g))).toEqual(new Set([3]));
      expect(improved(g)).toHaveLength(27);
      // Without the optimum, the node at it takes every step.
      expect(new Set(improved(run(greedy, config, plateau(scores, direction), 30, direction)))).toEqual(new Set([1]));
    });
  }

  it('stops improving a node after improvePatience misses in a row, and moves to the next best', () => {
    const g = run(greedy, { ...config, optimum: 1, improvePatience: 3 }, plateau([0.5, 0.6]), 20);
    // Drafts 1, 2, 3 score 0.5, 0.6, 0.5: node 2 three times, then its first child, node 4 (0.59), and so on.
    expect(improved(g).slice(0, 6)).toEqual([2, 2, 2, 4, 4, 4]);
    expect(mostImproves(g)).toBe(3);
    expect(mostImproves(run(greedy, { ...config, optimum: 1 }, plateau([0.5, 0.6]), 20))).toBe(17);
  });

  it('drafts when no good node is improvable, and stays deterministic per seed', () => {
    const g = run(greedy, { ...config, optimum: 1 }, plateau([1]), 12);
    expect(g.nodes.slice(1).every((n) => n.operator === 'draft')).toBe(true);
    const again = () => run(greedy, { ...config, optimum: 1, improvePatience: 2 }, plateau([0.5, 0.6]), 20);
    expect(shape(again())).toEqual(shape(again()));
  });
});

describe('mcts', () => {
  const mcts = mctsPolicy as SearchPolicy<unknown, typeof MCTS_DEFAULTS>;
  const config = { ...MCTS_DEFAULTS, numChildren: 2, maxDebugDepth: 0, improvePatience: null };

  it('never expands a node at the optimum: selection passes it over', () => {
    const g = run(mcts, { ...config, optimum: 1 }, plateau([1, 0.6]), 30);
    expect(improved(g).length).toBeGreaterThan(20);
    expect(improved(g).filter((p) => g.nodes[p]!.score === 1)).toEqual([]);
    // Without the optimum, the best node is expanded first.
    expect(improved(run(mcts, config, plateau([1, 0.6]), 30)).slice(0, 2)).toEqual([1, 1]);
  });

  it('does not expand a stalled node again once its children are closed', () => {
    // Improves of drafts are misses; improves of improves die (no debug): each child's expansion closes it.
    const env = () => plateau([0.6, 0.5], 'maximize', { score: null, buggy: true, bugReason: 'scripted' });
    const g = run(mcts, { ...config, optimum: 1, improvePatience: 2 }, env(), 40);
    // Draft 1 is expanded once (2 misses: stalled); once both children are closed, draft 2 is next.
    expect(improved(g).filter((p) => p === 1)).toHaveLength(2);
    expect(improved(g)).toContain(2);
    expect(improved(run(mcts, { ...config, optimum: 1 }, env(), 40)).filter((p) => p === 1).length).toBeGreaterThan(2);
    expect(shape(run(mcts, { ...config, optimum: 1, improvePatience: 2 }, env(), 40))).toEqual(shape(g));
  });
});

describe('evolutionary', () => {
  const evo = evolutionaryPolicy as SearchPolicy<unknown, typeof EVOLUTIONARY_DEFAULTS>;
  const config = { ...EVOLUTIONARY_DEFAULTS, numDrafts: 3, individualsPerGeneration: 1, crossoverProb: 0, improvePatience: null };

  it('draws Improve parents among members below the optimum only', () => {
    const g = run(evo, { ...config, optimum: 1 }, plateau([1, 0.6, 0.7]), 30);
    expect(improved(g)).toHaveLength(27);
    expect(improved(g).filter((p) => g.nodes[p]!.score === 1)).toEqual([]);
    expect(improved(run(evo, config, plateau([1, 0.6, 0.7]), 30))).toContain(1);
  });

  it('does not pick a stalled member for Improve', () => {
    const g = run(evo, { ...config, optimum: 1, improvePatience: 2 }, plateau([0.5, 0.6, 0.7]), 40);
    expect(mostImproves(g)).toBe(2);
    expect(mostImproves(run(evo, { ...config, optimum: 1 }, plateau([0.5, 0.6, 0.7]), 40))).toBeGreaterThan(2);
    expect(shape(run(evo, { ...config, optimum: 1, improvePatience: 2 }, plateau([0.5, 0.6, 0.7]), 40))).toEqual(shape(g));
  });

  it('drafts when no member is improvable', () => {
    const g = run(evo, { ...config, optimum: 1 }, plateau([1]), 12);
    expect(g.nodes.slice(1).every((n) => n.operator === 'draft')).toBe(true);
  });
});

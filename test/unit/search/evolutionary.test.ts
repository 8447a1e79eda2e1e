import { describe, expect, it } from 'vitest';
import { runSearch } from '../../../src/search/driver.js';
import {
  EVOLUTIONARY_DEFAULTS,
  evolutionaryPolicy,
  pickParents,
  selectionProbabilities,
  type EvolutionaryConfig,
  type EvolutionaryState,
} from '../../../src/search/evolutionary.js';
import { createGraph, type SolutionGraph } from '../../../src/search/graph.js';
import type { SearchPolicy } from '../../../src/search/policy.js';
import { Rng, createRng } from '../../../src/search/rng.js';
import type { Action, Direction } from '../../../src/core/node.js';
import { add, bug, ok, scripted, shape } from './helpers.js';

const DRAWS = 20_000;

/** |observed − expected| within 4 binomial standard deviations: fails by chance about once in 16,000. */
function expectFrequency(count: number, p: number, n = DRAWS): void {
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(4 * Math.sqrt(n * p * (1 - p)));
}

/** A population of good drafts with these scores; ids 1…n. */
function population(direction: Direction, scores: number[]): { graph: SolutionGraph; ids: number[] } {
  const graph = createGraph(direction);
  return { graph, ids: scores.map((s) => add(graph, 'draft', [0], ok(s)).id) };
}

describe('config', () => {
  it('defaults to aira-dojo released values (one island), and rejects nonsense', () => {
    expect(EVOLUTIONARY_DEFAULTS).toEqual({
      numDrafts: 5,
      individualsPerGeneration: 5,
      crossoverProb: 0.5,
      crossoverFromGeneration: 2,
      temperature: 1,
      maxPopulation: 500,
      maxDebugDepth: 10,
      optimum: null,
      improvePatience: 5,
    });
    expect(Object.isFrozen(EVOLUTIONARY_DEFAULTS)).toBe(true);
    expect(() => evolutionaryPolicy.init({ ...EVOLUTIONARY_DEFAULTS, temperature: 0 })).toThrow(RangeError);
    expect(() => evolutionaryPolicy.init({ ...EVOLUTIONARY_DEFAULTS, crossoverProb: 1.5 })).toThrow(RangeError);
    expect(() => evolutionaryPolicy.init({ ...EVOLUTIONARY_DEFAULTS, individualsPerGeneration: 0 })).toThrow(RangeError);
  });
});

describe('softmax parent selection', () => {
  it('computes softmax over min-max normalised fitness, direction-aware', () => {
    // Scores 1, 2, 3, 5: normalised (s - 1) / 4 = 0, 0.25, 0.5, 1 when maximizing; reversed when minimizing.
    const e = [1, Math.exp(0.25), Math.exp(0.5), Math.E];
    const z = e.reduce((a, b) => a + b, 0);
    const max = selectionProbabilities([1, 2, 3, 5], 'maximize', 1);
    max.forEach((p, i) => expect(p).toBeCloseTo(e[i]! / z, 12));
    // Minimizing: normalised (5 - s) / 4 = 1, 0.75, 0.5, 0.
    const em = [Math.E, Math.exp(0.75), Math.exp(0.5), 1];
    const zm = em.reduce((a, b) => a + b, 0);
    selectionProbabilities([1, 2, 3, 5], 'minimize', 1).forEach((p, i) => expect(p).toBeCloseTo(em[i]! / zm, 12));
    // At temperature 1 the best is only e times as likely as the worst; all equal means uniform.
    expect(max[3]! / max[0]!).toBeCloseTo(Math.E, 12);
    expect(selectionProbabilities([7, 7, 7], 'maximize', 0.1)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  for (const [direction, temperature] of [
    ['maximize', 1],
    ['minimize', 0.5],
  ] as const) {
    it(`draws single parents with the softmax frequencies (${direction}, temperature ${temperature}, ${DRAWS} draws)`, () => {
      const scores = [0.1, 0.4, 0.5, 0.9, 0.3];
      const { graph, ids } = population(direction, scores);
      // Expected: exp(norm / T) / Σ, norm = (s - 0.1) / 0.8 maximizing, (0.9 - s) / 0.8 minimizing.
      const norm = scores.map((s) => (direction === 'maximize' ? (s - 0.1) / 0.8 : (0.9 - s) / 0.8));
      const w = norm.map((f) => Math.exp(f / temperature));
      const p = w.map((x) => x / w.reduce((a, b) => a + b, 0));
      const rng = new Rng(createRng(2024));
      const counts = new Map<number, number>();
      for (let i = 0; i < DRAWS; i++) {
        const [id] = pickParents(graph, ids, 1, temperature, rng);
        counts.set(id!, (counts.get(id!) ?? 0) + 1);
      }
      ids.forEach((id, i) => expectFrequency(counts.get(id) ?? 0, p[i]!));
    });
  }

  it('draws two distinct parents for a crossover, without replacement, with the right frequencies', () => {
    const scores = [0.2, 0.8, 0.5];
    const { graph, ids } = population('maximize', scores);
    // norm = 0, 1, 0.5 → weights 1, e, e^0.5
    const w = [1, Math.E, Math.exp(0.5)];
    const p = w.map((x) => x / (w[0]! + w[1]! + w[2]!));
    // Second pick j: Σ over first picks i ≠ j of p_i · p_j / (1 - p_i).
    const q = p.map((pj, j) => p.reduce((s, pi, i) => (i === j ? s : s + (pi * pj) / (1 - pi)), 0));
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const rng = new Rng(createRng(7));
    const first = [0, 0, 0];
    const second = [0, 0, 0];
    for (let i = 0; i < DRAWS; i++) {
      const [a, b] = pickParents(graph, ids, 2, 1, rng);
      expect(a).not.toBe(b);
      first[ids.indexOf(a!)]! += 1;
      second[ids.indexOf(b!)]! += 1;
    }
    first.forEach((c, i) => expectFrequency(c, p[i]!));
    second.forEach((c, i) => expectFrequency(c, q[i]!));
  });

  it('refuses to draw more distinct parents than members', () => {
    const { graph, ids } = population('maximize', [1]);
    expect(() => pickParents(graph, ids, 2, 1, new Rng(createRng(1)))).toThrow(RangeError);
  });
});

/** Drives evolutionaryPolicy by hand: proposals with ample slots, nodes committed one by one. */
function harness(config: EvolutionaryConfig, direction: Direction) {
  const graph = createGraph(direction);
  const state = evolutionaryPolicy.init(config);
  const rng = new Rng(createRng(3));
  return {
    graph,
    state,
    propose: (): Action[] => evolutionaryPolicy.propose({ state, graph, rng, inFlight: [], slots: 100 }),
    commit: (action: Action, outcome: { score: number | null; buggy?: boolean }): number => {
      const node = add(graph, action.op, action.parents, outcome);
      evolutionaryPolicy.observe({ state, graph, node, action });
      return node.id;
    },
  };
}

describe('survival', () => {
  const config: EvolutionaryConfig = {
    ...EVOLUTIONARY_DEFAULTS,
    numDrafts: 3,
    individualsPerGeneration: 2,
    crossoverProb: 0,
    maxPopulation: 4,
    maxDebugDepth: 1,
  };

  for (const [direction, sign] of [
    ['maximize', 1],
    ['minimize', -1],
  ] as const) {
    it(`${direction}: generation 0 joins when good; later children only when at least the mean; the worst leaves at the cap`, () => {
      const h = harness(config, direction);
      const s = (x: number) => ok(sign * x); // "x" is fitness; minimize sees -x as the raw score.
      const gen0 = h.propose();
      expect(gen0).toHaveLength(3);
      expect(gen0.every((a) => a.op === 'draft')).toBe(true);
      h.commit(gen0[0]!, s(1)); // 1
      h.commit(gen0[1]!, bug); // 2: gets a debug cycle
      h.commit(gen0[2]!, s(3)); // 3
      expect(h.propose()).toEqual([{ op: 'debug', parents: [2] }]);
      h.commit({ op: 'debug', parents: [2] }, s(0.5)); // 4: fixed, below the mean 2, joins (generation 0)
      expect(h.state.population).toEqual([1, 3, 4]);

      const gen1 = h.propose();
      expect(h.state.generation).toBe(1);
      expect(gen1.map((a) => a.op)).toEqual(['improve', 'improve']);
      h.commit(gen1[0]!, s(1.5)); // 5: exactly the mean (1 + 3 + 0.5) / 3 = 1.5: joins
      h.commit(gen1[1]!, s(1.4)); // 6: below the mean (1 + 3 + 0.5 + 1.5) / 4 = 1.5: stays out
      expect(h.state.population).toEqual([1, 3, 4, 5]);

      const gen2 = h.propose();
      expect(h.state.generation).toBe(2);
      h.commit(gen2[0]!, s(2)); // 7: joins (mean 1.5); five members > 4: the worst, node 4 (0.5), leaves
      expect(h.state.population).toEqual([1, 3, 5, 7]);
      h.commit(gen2[1]!, bug); // 8
      expect(h.propose()).toEqual([{ op: 'debug', parents: [8] }]);
      h.commit({ op: 'debug', parents: [8] }, s(10)); // 9: the fix joins (mean 1.875); node 1 (1) leaves
      expect(h.state.population).toEqual([3, 5, 7, 9]);

      const gen3 = h.propose();
      h.commit(gen3[0]!, bug); // 10
      h.commit(gen3[1]!, s(100)); // 11: joins; node 5 (1.5) is now the worst and leaves
      h.commit(h.propose()[0]!, bug); // 12: debug of 10 failed; one attempt allowed, so 10 never joins
      expect(h.state.population).toEqual([3, 7, 9, 11]);
      expect(h.propose().map((a) => a.op)).toEqual(['improve', 'improve']); // generation 3 resolved
      expect(h.state.generation).toBe(4);
      // Every parent drawn so far was a member when its generation was planned.
      for (const a of [...gen1, ...gen2, ...gen3]) expect(a.parents.every((p) => [1, 3, 4, 5, 7, 9].includes(p))).toBe(true);
    });
  }

  it('drops the earliest-joined member among equally worst ones', () => {
    const h = harness({ ...config, numDrafts: 5, maxPopulation: 4 }, 'maximize');
    const drafts = h.propose();
    [2, 1, 3, 1, 4].forEach((x, i) => h.commit(drafts[i]!, ok(x))); // ids 1…5; 2 and 4 tie for worst
    expect(h.state.population).toEqual([1, 3, 4, 5]);
  });

  it('drafts again when the whole population died', () => {
    const h = harness({ ...config, numDrafts: 2, maxDebugDepth: 0 }, 'maximize');
    for (const a of h.propose()) h.commit(a, bug);
    expect(h.state.population).toEqual([]);
    const next = h.propose();
    expect(h.state.generation).toBe(1);
    expect(next).toEqual([
      { op: 'draft', parents: [0] },
      { op: 'draft', parents: [0] },
    ]);
    h.commit(next[0]!, ok(0.1)); // joins: nothing to compare with
    h.commit(next[1]!, ok(0.05)); // below the mean 0.1: out
    expect(h.state.population).toEqual([3]);
  });
});

/** Every action proposed, with the generation and population it was bred in. */
function recordedRun(config: EvolutionaryConfig, direction: Direction, sign: 1 | -1, parallelism = 5, maxNodes = 300) {
  const log: { action: Action; generation: number; population: number[] }[] = [];
  const policy: SearchPolicy<EvolutionaryState, EvolutionaryConfig> = {
    ...evolutionaryPolicy,
    propose: (ctx) => {
      const actions = evolutionaryPolicy.propose(ctx);
      for (const action of actions) log.push({ action, generation: ctx.state.generation, population: [...ctx.state.population] });
      return actions;
    },
  };
  const result = runSearch(policy, config, { seed: 5, direction, outcome: scripted(17, { sign }), parallelism, maxNodes });
  return { ...result, log };
}

describe('generations and crossover', () => {
  for (const from of [2, 4]) {
    it(`never crosses over before generation ${from}; from then on, with crossoverProb 1, always, with two distinct members`, () => {
      const { log, state } = recordedRun({ ...EVOLUTIONARY_DEFAULTS, crossoverProb: 1, crossoverFromGeneration: from }, 'maximize', 1);
      expect(state.generation).toBeGreaterThan(from + 3);
      const crossovers = log.filter((e) => e.action.op === 'crossover');
      expect(crossovers.length).toBeGreaterThan(20);
      for (const { action, generation, population } of log) {
        if (action.op === 'debug') continue;
        if (generation < from || population.length < 2) expect(action.op).not.toBe('crossover');
        else expect(action.op).toBe('crossover');
        if (action.op === 'crossover') {
          expect(action.parents).toHaveLength(2);
          expect(action.parents[0]).not.toBe(action.parents[1]);
          expect(action.parents.every((p) => population.includes(p))).toBe(true);
        }
      }
    });
  }

  it('breeds numDrafts drafts in generation 0, then individualsPerGeneration per generation', () => {
    const { log, state } = recordedRun({ ...EVOLUTIONARY_DEFAULTS, numDrafts: 4, individualsPerGeneration: 3 }, 'maximize', 1);
    const perGeneration = new Map<number, number>();
    for (const { action, generation } of log) {
      if (action.op !== 'debug') perGeneration.set(generation, (perGeneration.get(generation) ?? 0) + 1);
    }
    expect(perGeneration.get(0)).toBe(4);
    // The last generation may be cut short by the budget.
    for (let g = 1; g < state.generation; g++) expect(perGeneration.get(g)).toBe(3);
    expect(log.filter((e) => e.generation === 0).every((e) => e.action.op !== 'improve')).toBe(true);
  });

  it('makes the same choices when maximizing scores as when minimizing their negatives', () => {
    const max = recordedRun(EVOLUTIONARY_DEFAULTS, 'maximize', 1);
    const min = recordedRun(EVOLUTIONARY_DEFAULTS, 'minimize', -1);
    const choices = (g: SolutionGraph) => g.nodes.map((n) => [n.operator, n.parents]);
    expect(choices(min.graph)).toEqual(choices(max.graph));
    expect(min.state.population).toEqual(max.state.population);
    expect(new Set(max.graph.nodes.map((n) => n.operator))).toEqual(new Set(['root', 'draft', 'improve', 'crossover', 'debug']));
    // Not vacuous: minimizing the unmirrored scores chooses differently.
    expect(choices(recordedRun(EVOLUTIONARY_DEFAULTS, 'minimize', 1).graph)).not.toEqual(choices(max.graph));
  });

  for (const [direction, sign] of [
    ['maximize', 1],
    ['minimize', -1],
  ] as const) {
    it(`${direction}: the population's mean fitness rises over the run`, () => {
      const { graph, state } = recordedRun(EVOLUTIONARY_DEFAULTS, direction, sign);
      const fitness = (id: number) => sign * graph.nodes[id]!.score!;
      const drafts = graph.nodes.filter((n) => n.operator === 'draft' && !n.buggy).map((n) => fitness(n.id));
      const mean = state.population.reduce((s, id) => s + fitness(id), 0) / state.population.length;
      expect(mean).toBeGreaterThan(Math.max(...drafts));
    });
  }

  it('plans a generation whole, so slots beyond its width change nothing', () => {
    const narrow = recordedRun(EVOLUTIONARY_DEFAULTS, 'maximize', 1, 5);
    const wide = recordedRun(EVOLUTIONARY_DEFAULTS, 'maximize', 1, 16);
    expect(shape(wide.graph)).toEqual(shape(narrow.graph));
    expect(shape(recordedRun(EVOLUTIONARY_DEFAULTS, 'maximize', 1, 1).graph)).not.toEqual(shape(narrow.graph));
  });
});

/**
 * Evolutionary search as aira-dojo's evo solver does it with its released config (one island),
 * behind the SearchPolicy interface (docs/architecture.md "Search policies").
 *
 * - Generation 0 is numDrafts Drafts. Each later generation is individualsPerGeneration individuals,
 *   each an Improve (p = 1 − crossoverProb) or a Crossover (p = crossoverProb, only from generation
 *   crossoverFromGeneration on and only while the population has >= 2 members; otherwise Improve).
 * - Parents are drawn by softmax(fitness / temperature) over the population, fitness min-max
 *   normalised to [0, 1] and direction-aware (1 = best); a crossover draws two distinct parents,
 *   without replacement. An empty population (every earlier child died) makes the individual a Draft.
 *   An Improve draws its parent from the improvable members only (improvable.ts: not at the metric's
 *   optimum, not stalled); when none is, the individual is a Draft too. Crossover draws from them all.
 * - A buggy child gets a debug cycle of up to maxDebugDepth attempts (debugChains.ts); an unfixed
 *   one is dropped, its nodes stay in the graph.
 * - Survival: a good child (or its fix) joins the population only when at least as fit as the
 *   population's mean at the moment it is committed; generation-0 members, and any child while the
 *   population is empty, join when good. Above maxPopulation the worst member is dropped (the
 *   earliest to join among equals).
 *
 * Generations are a barrier: a generation is planned whole (operators and parents, every RNG draw)
 * when the previous one has resolved, children and debug cycles included. So every individual of a
 * generation is bred from the same population, the plan does not depend on parallelism, and all of a
 * generation's individuals can run at once. Generation, plan, population and open debug cycles are
 * plain data in the state, so continue-as-new resumes mid-generation (aira-dojo restarts at
 * generation 0 and loses its islands). aira-dojo raises after failed tries when crossover finds fewer
 * than 2 members; here that case is an Improve.
 *
 * Islands and migration are left out on purpose: aira-dojo's released config uses one island and
 * migration is inactive with one, so there is no numIslands or migration option rather than a dead one.
 */
import { ROOT_ID, isGood, type SolutionGraph } from './graph.js';
import { DEFAULT_IMPROVE_PATIENCE, improveLimitsOf, isImprovable, type ImproveLimits } from './improvable.js';
import { extendChain, noChains, openChain, takeDebug, type DebugChains } from './debugChains.js';
import type { SearchPolicy } from './policy.js';
import type { Rng } from './rng.js';
import type { Action, Direction, NodeCore, NodeRecord } from '../core/node.js';

export interface EvolutionaryConfig extends ImproveLimits {
  /** Drafts in generation 0. */
  numDrafts: number;
  /** Individuals in each later generation. */
  individualsPerGeneration: number;
  /** Chance that an individual is a Crossover, once crossover is allowed. */
  crossoverProb: number;
  /** First generation that may use Crossover. */
  crossoverFromGeneration: number;
  /** Softmax temperature over normalised fitness (> 0); at 1 the best is e ≈ 2.7 times as likely as the worst. */
  temperature: number;
  /** Population cap; the worst member is dropped beyond it. */
  maxPopulation: number;
  /** Debug attempts per buggy child. */
  maxDebugDepth: number;
}

/** aira-dojo's released evo config, one island. */
export const EVOLUTIONARY_DEFAULTS: Readonly<EvolutionaryConfig> = Object.freeze({
  numDrafts: 5,
  individualsPerGeneration: 5,
  crossoverProb: 0.5,
  crossoverFromGeneration: 2,
  temperature: 1,
  maxPopulation: 500,
  maxDebugDepth: 10,
  optimum: null,
  improvePatience: DEFAULT_IMPROVE_PATIENCE,
});

export interface EvolutionaryState {
  config: EvolutionaryConfig;
  /** The generation being bred (0 = drafts). */
  generation: number;
  /** Member node ids, in joining order. */
  population: number[];
  /** This generation's individuals not proposed yet, in order. */
  planned: Action[];
  /** Proposed actions (individuals and debugs) not observed yet. */
  open: number;
  debug: DebugChains;
}

/** Softmax probabilities of the members' normalised fitness (1 = best, uniform when all are equal). */
export function selectionProbabilities(scores: readonly number[], direction: Direction, temperature: number): number[] {
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const norm = scores.map((s) => (max === min ? 1 : direction === 'maximize' ? (s - min) / (max - min) : (max - s) / (max - min)));
  // Shifting by the largest exponent changes no probability and keeps exp finite at small temperatures.
  const top = Math.max(...norm) / temperature;
  const weights = norm.map((f) => Math.exp(f / temperature - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/**
 * `count` distinct members drawn without replacement by softmax over normalised fitness: one draw per
 * parent, each from the remaining members' probabilities renormalised.
 */
export function pickParents(
  graph: SolutionGraph,
  population: readonly number[],
  count: number,
  temperature: number,
  rng: Rng,
): number[] {
  if (count > population.length) throw new RangeError(`cannot pick ${count} distinct parents from ${population.length}`);
  // Population members are good nodes: their score is a number.
  const scores = population.map((id) => graph.nodes[id]!.score as number);
  const probs = selectionProbabilities(scores, graph.direction, temperature);
  const left = population.map((id, i) => ({ id, p: probs[i] as number }));
  const out: number[] = [];
  while (out.length < count) {
    const total = left.reduce((s, m) => s + m.p, 0);
    let u = rng.next() * total;
    let at = 0;
    // Floating-point slack lands on the last member rather than past the end.
    while (at < left.length - 1 && u >= (left[at] as { p: number }).p) u -= (left[at++] as { p: number }).p;
    out.push((left[at] as { id: number }).id);
    left.splice(at, 1);
  }
  return out;
}

/**
 * A generation's individuals. RNG use per individual once a population exists: one draw for the
 * operator coin (always, so the stream stays aligned whether or not crossover is allowed), then one per
 * parent. No draws for the Drafts of generation 0 or of an empty population; a Draft for want of an
 * improvable member has drawn its coin.
 */
function planGeneration(graph: SolutionGraph, state: EvolutionaryState, rng: Rng): Action[] {
  const { config, generation, population } = state;
  const size = generation === 0 ? config.numDrafts : config.individualsPerGeneration;
  const improvable = population.filter((id) => isImprovable(graph, graph.nodes[id] as NodeCore, config));
  const plan: Action[] = [];
  for (let i = 0; i < size; i++) {
    if (generation === 0 || population.length === 0) {
      plan.push({ op: 'draft', parents: [ROOT_ID] });
      continue;
    }
    const coin = rng.next();
    const cross = generation >= config.crossoverFromGeneration && population.length >= 2 && coin < config.crossoverProb;
    if (cross) {
      plan.push({ op: 'crossover', parents: pickParents(graph, population, 2, config.temperature, rng) });
      continue;
    }
    plan.push(
      improvable.length === 0
        ? { op: 'draft', parents: [ROOT_ID] }
        : { op: 'improve', parents: pickParents(graph, improvable, 1, config.temperature, rng) },
    );
  }
  return plan;
}

/** The survival rule for a good node of the current generation, then the cap. */
function offer(graph: SolutionGraph, state: EvolutionaryState, node: NodeRecord & { score: number }): void {
  const { population, config } = state;
  const scores = population.map((id) => (graph.nodes[id] as NodeRecord).score as number);
  if (state.generation > 0 && scores.length > 0) {
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    if (graph.direction === 'maximize' ? node.score < mean : node.score > mean) return;
  }
  population.push(node.id);
  if (population.length <= config.maxPopulation) return;
  let worst = 0;
  for (let i = 1; i < population.length; i++) {
    const s = (graph.nodes[population[i] as number] as NodeRecord).score as number;
    const w = (graph.nodes[population[worst] as number] as NodeRecord).score as number;
    if (graph.direction === 'maximize' ? s < w : s > w) worst = i;
  }
  population.splice(worst, 1);
}

function checkEvolutionaryConfig(config: EvolutionaryConfig): void {
  const ints: [string, number, number][] = [
    ['numDrafts', config.numDrafts, 1],
    ['individualsPerGeneration', config.individualsPerGeneration, 1],
    ['crossoverFromGeneration', config.crossoverFromGeneration, 0],
    ['maxPopulation', config.maxPopulation, 1],
    ['maxDebugDepth', config.maxDebugDepth, 0],
  ];
  for (const [name, value, min] of ints) {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  if (!(config.crossoverProb >= 0 && config.crossoverProb <= 1)) {
    throw new RangeError(`crossoverProb must be in [0, 1], got ${config.crossoverProb}`);
  }
  if (!(Number.isFinite(config.temperature) && config.temperature > 0)) {
    throw new RangeError(`temperature must be finite and > 0, got ${config.temperature}`);
  }
}

export const evolutionaryPolicy: SearchPolicy<EvolutionaryState, EvolutionaryConfig> = {
  kind: 'evolutionary',

  init(config) {
    checkEvolutionaryConfig(config);
    const copy: EvolutionaryConfig = {
      numDrafts: config.numDrafts,
      individualsPerGeneration: config.individualsPerGeneration,
      crossoverProb: config.crossoverProb,
      crossoverFromGeneration: config.crossoverFromGeneration,
      temperature: config.temperature,
      maxPopulation: config.maxPopulation,
      maxDebugDepth: config.maxDebugDepth,
      ...improveLimitsOf(config),
    };
    return {
      config: copy,
      generation: 0,
      population: [],
      planned: Array.from({ length: copy.numDrafts }, (): Action => ({ op: 'draft', parents: [ROOT_ID] })),
      open: 0,
      debug: noChains(),
    };
  },

  propose({ state, graph, rng, slots }) {
    // A resolved generation: breed the next one from the population as it now stands.
    if (state.planned.length === 0 && state.open === 0 && state.debug.queue.length === 0) {
      state.generation += 1;
      state.planned = planGeneration(graph, state, rng);
    }
    const out: Action[] = [];
    while (out.length < slots) {
      const next = takeDebug(state.debug) ?? state.planned.shift();
      if (next === undefined) break;
      out.push(next);
      state.open += 1;
    }
    return out;
  },

  observe({ state, graph, node, action }) {
    if (state.open < 1) throw new RangeError(`evolutionary observed node ${node.id}, which it is not waiting for`);
    state.open -= 1;
    const { maxDebugDepth } = state.config;
    if (action.op === 'debug') {
      const step = extendChain(state.debug, node, maxDebugDepth);
      if (step.status === 'fixed') offer(graph, state, node as NodeRecord & { score: number });
    } else if (isGood(node)) offer(graph, state, node);
    else openChain(state.debug, node, maxDebugDepth);
  },
};

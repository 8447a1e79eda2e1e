/** Picks the policy object for a policy config: the one place that maps `kind` to code. */
import { evolutionaryPolicy, type EvolutionaryConfig } from './evolutionary.js';
import { greedyPolicy, type GreedyConfig } from './greedy.js';
import { mctsPolicy, type MctsConfig } from './mcts.js';
import type { PolicyKind, SearchPolicy } from './policy.js';

/** A policy's config as an agent file gives it: everything but the optimum, which is the task's. */
export type AnyPolicyConfig =
  | ({ kind: 'greedy' } & Omit<GreedyConfig, 'optimum'>)
  | ({ kind: 'mcts' } & Omit<MctsConfig, 'optimum'>)
  | ({ kind: 'evolutionary' } & Omit<EvolutionaryConfig, 'optimum'>);

/** The policy of a kind; its state type is opaque to callers (plain JSON). */
export function policyOf(kind: PolicyKind): SearchPolicy<unknown, unknown> {
  const policy = { greedy: greedyPolicy, mcts: mctsPolicy, evolutionary: evolutionaryPolicy }[kind];
  return policy as SearchPolicy<unknown, unknown>;
}

/**
 * The policy and its config without `kind`, for a task whose metric's best possible score is `optimum`
 * (null when unknown): the one place a search learns it (improvable.ts).
 */
export function policyFor(config: AnyPolicyConfig, optimum: number | null): { policy: SearchPolicy<unknown, unknown>; config: unknown } {
  const { kind, ...rest } = config;
  return { policy: policyOf(kind), config: { ...rest, optimum } };
}

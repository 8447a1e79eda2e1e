/** Picks the policy object for a policy config: the one place that maps `kind` to code. */
import { evolutionaryPolicy, type EvolutionaryConfig } from './evolutionary.js';
import { greedyPolicy, type GreedyConfig } from './greedy.js';
import { mctsPolicy, type MctsConfig } from './mcts.js';
import type { SearchPolicy } from './policy.js';

export type AnyPolicyConfig =
  | ({ kind: 'greedy' } & GreedyConfig)
  | ({ kind: 'mcts' } & MctsConfig)
  | ({ kind: 'evolutionary' } & EvolutionaryConfig);

/** The policy and its config without `kind`; the state type is opaque to callers (plain JSON). */
export function policyFor(config: AnyPolicyConfig): { policy: SearchPolicy<unknown, unknown>; config: unknown } {
  const { kind, ...rest } = config;
  const policy = { greedy: greedyPolicy, mcts: mctsPolicy, evolutionary: evolutionaryPolicy }[kind];
  return { policy: policy as SearchPolicy<unknown, unknown>, config: rest };
}

/**
 * Debug chains as MCTS and Evolutionary run them (aira-dojo's "debug cycle"): a buggy child gets up to
 * maxAttempts Debug actions, each debugging the previous attempt, stopping at the first good node.
 * One chain is sequential by nature (attempt k+1 needs attempt k's failure), but the chains of
 * different buggy children run at the same time, so this is plain data in the policy state: the
 * chains still going and the attempts waiting for their Debug to be proposed.
 *
 * maxAttempts counts Debug nodes per chain (aira-dojo's max_debug_depth); 0 means buggy children are
 * dropped at once. (Greedy's maxDebugDepth is a depth bound instead, as in AIDE.)
 */
import { isGood } from './graph.js';
import type { Action, NodeRecord } from '../core/node.js';

export interface DebugChains {
  /** Chains still going: [buggy child, debug 1, …, latest attempt]. */
  active: number[][];
  /** Latest buggy attempts whose Debug has not been proposed yet, in commit order. */
  queue: number[];
}

export function noChains(): DebugChains {
  return { active: [], queue: [] };
}

/** A buggy child arrived: open a chain for it, or report it dead when no attempt is allowed. */
export function openChain(chains: DebugChains, node: NodeRecord, maxAttempts: number): 'debugging' | 'dead' {
  if (maxAttempts < 1) return 'dead';
  chains.active.push([node.id]);
  chains.queue.push(node.id);
  return 'debugging';
}

export type ChainStep =
  | { status: 'fixed'; chain: number[] }
  | { status: 'debugging' }
  | { status: 'dead'; chain: number[] };

/**
 * A Debug node arrived: extend its chain. 'fixed' (the node is good) and 'dead' (attempts used up)
 * close the chain and return it whole, buggy child first. Throws if the node debugs no open chain.
 */
export function extendChain(chains: DebugChains, node: NodeRecord, maxAttempts: number): ChainStep {
  const tip = node.parents[0];
  const at = chains.active.findIndex((c) => c[c.length - 1] === tip);
  if (at < 0) throw new RangeError(`node ${node.id} debugs ${tip}, which ends no open debug chain`);
  const chain = chains.active[at] as number[];
  chain.push(node.id);
  if (isGood(node) || chain.length - 1 >= maxAttempts) {
    chains.active.splice(at, 1);
    return { status: isGood(node) ? 'fixed' : 'dead', chain };
  }
  chains.queue.push(node.id);
  return { status: 'debugging' };
}

/** The next Debug to propose, removed from the queue; null when none waits. */
export function takeDebug(chains: DebugChains): Action | null {
  const tip = chains.queue.shift();
  return tip === undefined ? null : { op: 'debug', parents: [tip] };
}

/** The run's progress as search attributes, for `crucible ls` and the Temporal UI's list. */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { NodeRecord } from '../../core/node.js';
import { totalTokens, type Spend } from '../../core/spend.js';
import { bestNode, isBetter, isGood, type SolutionGraph } from '../../search/graph.js';
import { CrucibleBestScore, CrucibleCostUsd, CrucibleNodes, CrucibleTokens } from '../searchAttributes.js';

/** Most nodes committed between progress upserts (a new best score goes at once). */
export const PROGRESS_EVERY_NODES = 10;

/**
 * The progress search attributes (nodes, best score, tokens, cost), upserted when the best score
 * improves, every PROGRESS_EVERY_NODES committed nodes otherwise, and at continue-as-new and the end
 * (flush). Counted in nodes, not workflow time: a workflow task retried on a new worker after a
 * timeout can see an earlier Date.now() than its replay, and a time rule then upserted in one and not
 * the other (a nondeterminism error the soak drill found). An upsert per node was one history event
 * and one visibility write per node; the best score is kept from the committed nodes instead of a
 * scan of the graph per commit.
 */
export class ProgressPublisher {
  private nodes: number;
  private best: number | null;
  private readonly direction: SolutionGraph['direction'];
  private sent: { nodes: number; best: number | null; tokens: number; costUsd: number };

  constructor(graph: SolutionGraph, spend: Spend) {
    this.nodes = graph.nodes.length - 1;
    this.best = bestNode(graph)?.score ?? null;
    this.direction = graph.direction;
    // What the execution starts with is what the previous one published (or nothing yet, on a fresh run).
    this.sent = { nodes: this.nodes, best: this.best, tokens: totalTokens(spend), costUsd: spend.costUsd };
  }

  commit(committed: readonly NodeRecord[], spend: Spend): void {
    let improved = false;
    for (const n of committed) {
      this.nodes = Math.max(this.nodes, n.id);
      if (isGood(n) && (this.best === null || isBetter(n.score, this.best, this.direction))) {
        this.best = n.score;
        improved = true;
      }
    }
    if (improved || this.nodes - this.sent.nodes >= PROGRESS_EVERY_NODES) this.flush(spend);
  }

  /** Upserts whatever changed since the last upsert. */
  flush(spend: Spend): void {
    const attrs = this.take(spend, false);
    if (attrs.length > 0) wf.upsertSearchAttributes(attrs);
  }

  /**
   * Every progress attribute as it stands, for the run's first upsert: a fork's nodes and best score
   * come from its parent run, and a run without an LLM has tokens and cost 0, which no later change
   * would ever publish.
   */
  atStart(spend: Spend): SearchAttributeUpdatePair[] {
    return this.take(spend, true);
  }

  /** The attributes to upsert (those changed since the last upsert, or all), recorded as sent. */
  private take(spend: Spend, all: boolean): SearchAttributeUpdatePair[] {
    const tokens = totalTokens(spend);
    const changed = <T>(now: T, sent: T) => all || now !== sent;
    const attrs: SearchAttributeUpdatePair[] = [
      ...(changed(this.nodes, this.sent.nodes) ? [{ key: CrucibleNodes, value: this.nodes }] : []),
      ...(this.best !== null && changed(this.best, this.sent.best) ? [{ key: CrucibleBestScore, value: this.best }] : []),
      ...(changed(tokens, this.sent.tokens) ? [{ key: CrucibleTokens, value: tokens }] : []),
      ...(changed(spend.costUsd, this.sent.costUsd) ? [{ key: CrucibleCostUsd, value: spend.costUsd }] : []),
    ];
    this.sent = { nodes: this.nodes, best: this.best, tokens, costUsd: spend.costUsd };
    return attrs;
  }
}

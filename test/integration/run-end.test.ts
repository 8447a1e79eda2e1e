/**
 * What a run leaves behind whoever follows it (issue 18): a run started on the workers directly (as
 * `--detach` does, no CLI following it) writes report.html into its folder at its end, and carries the
 * progress search attributes `crucible ls` and the Temporal UI query: tokens and cost 0 without an LLM,
 * and, for a fork whose best node came from its parent, that node's score from the start.
 */
import type { TypedSearchAttributes } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForkInput, startFork } from '../../src/cli/fork.js';
import { runsDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import type { RunSummary } from '../../src/core/run.js';
import type { RunPageData } from '../../src/reports/runPageData.js';
import { isBetter, isGood } from '../../src/search/graph.js';
import { agentRun } from '../../src/workflows/index.js';
import { CrucibleBestScore, CrucibleCostUsd, CrucibleNodes, CrucibleTokens } from '../../src/workflows/searchAttributes.js';
import { scriptedOutcome } from '../helpers/scripted.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const progressOf = (attrs: TypedSearchAttributes) => ({
  nodes: attrs.get(CrucibleNodes), best: attrs.get(CrucibleBestScore), tokens: attrs.get(CrucibleTokens), costUsd: attrs.get(CrucibleCostUsd),
});

/** The page's data, as report.html carries it for its script. */
function pageData(html: string): RunPageData {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (json === undefined) throw new Error('report.html has no #report-data script');
  return JSON.parse(json) as RunPageData;
}

describe('a run with the offline operators, started without the CLI following it', () => {
  let h: Harness;
  let summary: RunSummary;

  beforeAll(async () => {
    h = await startHarness({ name: 'run-end' });
    const input = await h.input({ steps: '3', seed: '2' });
    const handle = await h.start(input);
    summary = await h.until(handle.result());
  });
  afterAll(async () => h?.close());

  it('has report.html in its run folder, with the summary, the graph, the selected node\'s grade and the budget', async () => {
    const html = await readFile(path.join(summary.runDir, 'report.html'), 'utf8');
    const data = pageData(html);
    expect(data.summary.runId).toBe(summary.runId);
    expect(data.nodes.map((n) => n.id)).toEqual([0, 1, 2, 3]);
    expect(summary.best?.grade).toBeTruthy();
    expect(data.summary.best?.grade).toEqual(summary.best!.grade);
    expect(data.budget).toMatchObject({ maxSteps: 3 });
  });

  it('carries CrucibleTokens and CrucibleCostUsd (0: no LLM) with its nodes and best score', async () => {
    const attrs = (await h.client.workflow.getHandle(summary.runId).describe()).typedSearchAttributes;
    expect(progressOf(attrs)).toEqual({ nodes: 3, best: summary.best?.score ?? undefined, tokens: 0, costUsd: 0 });
  });
});

describe('a fork whose best node came from its parent', () => {
  const SCRIPTED_SEED = 11;
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ name: 'run-end-fork', scripted: { seed: SCRIPTED_SEED, maxDelayMs: 10 } });
  });
  afterAll(async () => h?.close());

  it('has CrucibleBestScore (the parent\'s best) and its node count at its end, and tokens and cost 0', async () => {
    const parent = await h.runAgent(await h.input({ steps: '6', seed: '3' }));
    const graph = (JSON.parse(await readFile(path.join(parent.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    // The scripted scores depend on the node id alone: fork where the one new node cannot beat the parent's best so far.
    const direction = (await h.input()).task.direction;
    const bestUpTo = (at: number) => graph.slice(1, at + 1).filter(isGood)
      .reduce<number | null>((best, n) => (isBetter(n.score, best, direction) ? n.score : best), null);
    const at = [1, 2, 3, 4, 5].find((k) => bestUpTo(k) !== null && !isBetter(scriptedOutcome(SCRIPTED_SEED, k + 1, 'improve').score, bestUpTo(k), direction));
    expect(at, 'a fork point whose new node does not improve').toBeDefined();

    const input = await buildForkInput(h.client, { runId: parent.runId, at: at!, steps: '1' }, runsDir(h.stateRoot));
    const forkId = await startFork(h.client, input, h.queues.control);
    const fork = await h.until(h.client.workflow.getHandle<typeof agentRun>(forkId).result());
    expect(fork.nodes).toBe(at! + 1);
    const forkGraph = (JSON.parse(await readFile(path.join(fork.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    expect(isBetter(forkGraph[at! + 1]!.score, bestUpTo(at!), direction)).toBe(false);
    const attrs = (await h.client.workflow.getHandle(forkId).describe()).typedSearchAttributes;
    expect(progressOf(attrs)).toEqual({ nodes: at! + 1, best: bestUpTo(at!), tokens: 0, costUsd: 0 });
  });
});

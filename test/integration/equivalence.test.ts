/**
 * The workflow and the in-process driver are the same search: for each policy, a long run through
 * Temporal (300+ nodes, several continue-as-new, parallel branches finishing out of order, scripted
 * activities) produces node for node the graph that search/driver.ts produces in process from the
 * same seed and outcomes — also when the worker is SIGKILLed mid-run and restarted.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtTasksDir } from '../../src/config/paths.js';
import { runSearch } from '../../src/search/driver.js';
import type { SolutionGraph } from '../../src/search/graph.js';
import { policyFor } from '../../src/search/policies.js';
import { metricOptimum } from '../../src/tasks/metrics.js';
import type { GraphNode, NodeRecord } from '../../src/core/node.js';
import { agentRun, nodesQuery } from '../../src/workflows/index.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { scriptedOutcome } from '../helpers/scripted.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { bundledRunInput, tempStateRoot, testEnv, uniqueQueues, type TestEnv } from '../helpers/temporal.js';
import { spawnScript } from '../helpers/workerProcess.js';

const NODES = 320;
const SEED = 11;
const PARALLELISM = 3;

/** What must match: structure and outcomes (not timestamps or artifact references). */
const shape = (nodes: readonly GraphNode[]) => nodes.map((n) => [n.id, n.operator, n.parents.join('+'), n.buggy, n.score].join(' '));

function inProcess(input: AgentRunInput): SolutionGraph {
  const { policy, config } = policyFor(input.agent.policy, metricOptimum(input.task.metric));
  return runSearch(policy, config, {
    seed: input.seed, direction: input.task.direction, parallelism: input.agent.parallelism, maxNodes: input.budget.maxSteps,
    outcome: (action, nodeId) => scriptedOutcome(input.seed, nodeId, action.op),
  }).graph;
}

async function runInput(agent: string, task: string, execQueue: string): Promise<AgentRunInput> {
  const input = await bundledRunInput({
    agent, task: path.join(builtTasksDir(), task), steps: String(NODES), seed: String(SEED), budget: '30m', execQueue,
  });
  input.agent.parallelism = PARALLELISM;
  return input;
}

const graphOf = async (summary: RunSummary) =>
  (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;

describe('workflow ≡ in-process driver', () => {
  let env: TestEnv;
  let h: Harness | undefined;
  beforeAll(async () => { env = await testEnv(); });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  afterAll(async () => env?.close());

  it.each([
    ['aira-greedy', 'breast-cancer'],
    ['aira-mcts', 'breast-cancer'],
    ['aira-evo', 'diabetes'],
  ])(`%s on %s: ${NODES} nodes across continue-as-new equal the in-process run`, async (agent, task) => {
    h = await startHarness({ name: `equiv-${agent}`, scripted: { seed: SEED, maxDelayMs: 15 } });
    const q = h.queues;
    const input = await runInput(agent, task, q.exec);
    const summary = await h.runAgent(input);

    expect(summary.nodes).toBe(NODES);
    expect(summary.continuedAsNew).toBeGreaterThanOrEqual(3);
    const expected = shape(inProcess(input).nodes);
    expect(expected).toHaveLength(NODES + 1);
    expect(shape(await graphOf(summary))).toEqual(expected);

    // The state carried into the last run is bounded: archived nodes are compact records.
    const lastRun = await h.client.workflow.getHandle(q.workflowId).fetchHistory();
    const payload = lastRun.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!;
    const carried = (JSON.parse(Buffer.from(payload).toString('utf8')) as AgentRunInput).carried!;
    expect(carried.archivedUpTo).toBeGreaterThan(100);
    const archived = carried.search.graph.nodes.slice(0, carried.archivedUpTo);
    for (const n of archived) {
      expect(n).toMatchObject({ archived: true });
      for (const field of ['plan', 'codeRef', 'exec', 'llm']) expect(n).not.toHaveProperty(field);
    }
    expect(JSON.stringify(archived).length / archived.length).toBeLessThan(220);
  });

  it('after a SIGKILL of the worker mid-run and a restart, the graph still equals the in-process run', async () => {
    const stateRoot = await tempStateRoot();
    const q = uniqueQueues('equiv-kill');
    const input = await runInput('aira-mcts', 'breast-cancer', q.exec);
    const workerEnv = {
      SCRIPTED_WORKER: JSON.stringify({
        address: env.address, controlQueue: q.control, execQueue: q.exec, seed: SEED, stateRoot, maxDelayMs: 15,
      }),
    };
    const first = spawnScript('test/helpers/scriptedWorkerMain.ts', [], workerEnv);
    const handle = await env.client.workflow.start(agentRun, { taskQueue: q.control, workflowId: q.workflowId, args: [input] });
    let seen = 0;
    for (let i = 0; i < 600 && seen < 100; i++) {
      seen += (await handle.query(nodesQuery, seen + 1).catch(() => [])).length;
      await sleep(100);
    }
    expect(seen, first.output()).toBeGreaterThanOrEqual(100);
    first.kill('SIGKILL');
    await first.exited;

    const second = spawnScript('test/helpers/scriptedWorkerMain.ts', [], workerEnv);
    try {
      const summary = await handle.result();
      expect(summary.nodes).toBe(NODES);
      expect(shape(await graphOf(summary))).toEqual(shape(inProcess(input).nodes));
    } finally {
      second.kill('SIGTERM');
      await second.exited;
    }
  }, 300_000); // two worker start-ups and up to a heartbeat timeout of waiting, on a loaded 2-core machine
});

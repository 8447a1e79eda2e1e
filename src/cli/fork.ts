/**
 * `crucible fork <run> --at <node> [--agent preset|file] [--seed N] [--budget 10m] [--steps N] [--detach]`:
 * a new run whose graph starts from the old run's nodes 1..<node> (ids, parents, code refs, scores kept)
 * and continues from node <node>+1. The old run's records come from its run folder's graph.json, or
 * while it still runs from its `nodes` query (archived nodes from runs/<run>/nodes/). Task, agent, seed
 * and budgets are the old run's unless given. Only policies whose state can be rebuilt from the graph
 * can be forked (greedy); MCTS and evolutionary keep memory the graph does not hold, and are refused.
 * The new run is <run>-fork (-fork2, -fork3… when taken). Exit codes: 0 the fork finished (or started,
 * with --detach), 2 bad input (no such run or node, a policy that cannot fork), 1 anything else.
 */
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { resolveAgent } from '../config/agent.js';
import { CONTROL_TASK_QUEUE, MAX_STEPS, temporalAddress } from '../config/constants.js';
import { parseDuration } from '../config/duration.js';
import { runsDir } from '../config/paths.js';
import { policyOf } from '../search/policies.js';
import { agentRun } from '../workflows/index.js';
import { initialSearchAttributes } from '../workflows/searchAttributes.js';
import type { AgentRunInput } from '../workflows/types.js';
import { startEmbeddedWorkers } from './embedded.js';
import { formatSummary } from './format.js';
import { reportOfRun } from './report.js';
import { checkLlmEndpoints } from './preflight.js';
import { withPublishedTasks } from './publishTask.js';
import { UsageError } from './runInput.js';
import { connectClient, loadRunNodes, runInputOf } from './runNodes.js';

export interface ForkOptions {
  runId: string;
  at: number;
  agent?: string;
  seed?: string;
  budget?: string;
  /** New nodes after the forked ones (the step budget becomes at + steps). */
  steps?: string;
}

export const FORK_USAGE = `usage: crucible fork <run> --at <node> [--agent preset|file] [--seed N] [--budget 10m] [--steps N] [--detach] [--json]
  A new run (<run>-fork) whose graph starts from <run>'s nodes 1..<node> and continues from <node>+1.
  Task, agent, seed and budgets are <run>'s unless given; --steps counts the new nodes only.
  Only greedy agents can be forked (MCTS and evolutionary state is not in the graph).
  Example: crucible fork breast-cancer-aira-greedy-s0-20261127-081502-k3f9 --at 3 --seed 1 --budget 5m --steps 6`;

function integer(flag: string, text: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UsageError(`--${flag} must be an integer >= ${min} (got "${text}")`);
  return Number(text);
}

/** A free run id for a fork of `source`: <source>-fork, then -fork2, -fork3… */
export async function forkRunId(client: Client, source: string): Promise<string> {
  for (let n = 1; ; n++) {
    const id = `${source}-fork${n === 1 ? '' : n}`;
    const taken = await client.workflow.getHandle(id).describe().then(() => true, (err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    });
    if (!taken) return id;
  }
}

/** The fork's input: the old run's input with the overrides, and its nodes 1..at. Validates everything first. */
export async function buildForkInput(client: Client, o: ForkOptions, runsRoot = runsDir()): Promise<AgentRunInput> {
  if (!Number.isInteger(o.at) || o.at < 1) throw new UsageError(`--at must be a node id >= 1 (got ${o.at})`);
  const source = await runInputOf(client, o.runId);
  let agent = source.agent;
  if (o.agent !== undefined) {
    try {
      agent = await resolveAgent(o.agent);
    } catch (err) {
      throw new UsageError(`--agent: ${(err as Error).message}`);
    }
  }
  if (policyOf(agent.policy.kind).fromGraph === undefined) {
    throw new UsageError(`agent ${agent.name} uses the ${agent.policy.kind} policy, which cannot start from another run's graph ` +
      '(its state, e.g. MCTS visits or the evolutionary population, is not in the graph): fork with a greedy agent, e.g. --agent aira-greedy');
  }
  const { nodes } = await loadRunNodes(client, o.runId, runsRoot);
  const last = nodes.length - 1;
  if (o.at > last) throw new UsageError(`--at ${o.at}: run ${o.runId} has ${last} node(s) so far`);
  const forked = nodes.slice(1, o.at + 1);
  forked.forEach((n, i) => {
    if (n.id !== i + 1) throw new Error(`run ${o.runId}: node records out of order (found ${n.id} where ${i + 1} belongs)`);
  });
  let wallMs = source.budget.wallMs;
  if (o.budget !== undefined) {
    try {
      wallMs = parseDuration(o.budget);
    } catch (err) {
      throw new UsageError(`--budget: ${(err as Error).message}`);
    }
    if (wallMs <= 0) throw new UsageError(`--budget must be greater than zero (got "${o.budget}")`);
  }
  const maxSteps = o.steps === undefined ? Math.max(source.budget.maxSteps, o.at) : Math.min(MAX_STEPS, o.at + integer('steps', o.steps, 1));
  return {
    task: source.task,
    agent,
    seed: o.seed === undefined ? source.seed : integer('seed', o.seed, 0),
    budget: { ...source.budget, wallMs, maxSteps },
    execTimeoutMs: source.execTimeoutMs,
    execTaskQueue: source.execTaskQueue,
    fork: { fromRunId: o.runId, nodes: forked },
    // The source run's task files, as it published them: the fork is graded against the same answers.
    ...(source.taskDataRef && source.taskFilesRef ? { taskDataRef: source.taskDataRef, taskFilesRef: source.taskFilesRef } : {}),
  };
}

/** Starts the fork on `taskQueue`; returns its run id. */
export async function startFork(client: Client, input: AgentRunInput, taskQueue = CONTROL_TASK_QUEUE): Promise<string> {
  const fork = input.fork!;
  const runId = await forkRunId(client, fork.fromRunId);
  await client.workflow.start(agentRun, {
    taskQueue, workflowId: runId, args: [input],
    typedSearchAttributes: initialSearchAttributes(input),
    staticSummary: `fork of ${fork.fromRunId} at node ${fork.nodes.length}: ${input.agent.name}, seed ${input.seed}`,
  });
  return runId;
}

export async function cmdFork(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      at: { type: 'string' }, agent: { type: 'string' }, seed: { type: 'string' }, budget: { type: 'string' }, steps: { type: 'string' },
      detach: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(FORK_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || values.at === undefined) throw new UsageError(FORK_USAGE);
  const client = await connectClient();
  try {
    const input = await buildForkInput(client, {
      runId: positionals[0]!, at: integer('at', values.at, 1), agent: values.agent, seed: values.seed, budget: values.budget, steps: values.steps,
    });
    await checkLlmEndpoints([input]);
    const workers = values.detach ? null : await startEmbeddedWorkers(temporalAddress());
    try {
      const [published] = await withPublishedTasks([input], !values.detach);
      const runId = await startFork(client, published!);
      if (!values.json) console.log(`Run ${runId}: fork of ${positionals[0]} at node ${values.at} (${input.agent.name}, seed ${input.seed})`);
      if (values.detach) {
        if (values.json) console.log(JSON.stringify({ runId }));
        return 0;
      }
      const summary = await client.workflow.getHandle<typeof agentRun>(runId).result().catch((err: unknown) => {
        if (err instanceof WorkflowFailedError) throw new Error(`run ${runId} failed: ${err.cause?.message ?? err.message}`);
        throw err;
      });
      const report = reportOfRun(summary);
      console.log(values.json ? JSON.stringify({ ...summary, report: report.path }, null, 2) : `${formatSummary(summary, null)}\n${report.line}`);
      return 0;
    } finally {
      await workers?.stop();
    }
  } finally {
    await client.connection.close();
  }
}

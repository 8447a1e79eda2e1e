/**
 * Orchestration benchmarks (issue 9): what running the search as a Temporal workflow costs, against
 * the same search run in process (bench/inProcess.ts) in the same run, with instant activity doubles
 * (bench/instantActivities.ts) so that nothing but the orchestration takes time. Also the sandbox's
 * start-to-exit latency against bare python3 (bench/sandbox.ts). See bench/README.md.
 *
 *   npm run bench                                  # CI sizes, every benchmark
 *   npm run bench -- --full                        # the sizes (1,000 / 10,000 / 100 × 100 nodes)
 *   npm run bench -- --only step,replay --step-nodes 500
 *
 * Benchmarks (--only, comma-separated; default all):
 *   step     one run of --step-nodes nodes at parallelism 1: per-node step time, Temporal vs in process
 *   long     one run of --long-nodes nodes across continue-as-new: per-thousand step medians, worker RSS
 *   many     --many-runs concurrent runs of --many-nodes nodes: nodes/s and p95 step latency
 *   replay   replaying the step run's history chain (runs the step run if step is not selected)
 *   memory   peak RSS over the benchmarks above, and the carried state of a --carry-nodes graph
 *   sandbox  Docker and process executors against bare python3 (`pass`)
 *
 * The script starts its own Temporal dev server (headless, free port, temp folder, the server's
 * default continue-as-new suggestion at 4,096 events) and runs one control worker and one exec worker
 * in this process. It prints a Markdown table and writes bench/results/orchestration-<UTC>.json and .md.
 * Every option also reads from the environment (BENCH_ONLY, BENCH_FULL=1, BENCH_STEP_NODES, …; argv wins).
 */
import { OptionError, parseOrExit, positiveInt } from './options.js';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto'; // the default export: the named one fails under Node's ESM loader
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chainHistories } from '../src/cli/export.js';
import { freePort, startServer, stopServer, type DevServerOptions } from '../src/cli/devServer.js';
import { buildRunInput } from '../src/cli/runInput.js';
import { builtTasksDir } from '../src/config/paths.js';
import type { SearchSnapshot } from '../src/search/driver.js';
import type { GraphNode, NodeRecord } from '../src/core/node.js';
import { bundleWorkflows } from '../src/workers/bundle.js';
import { installRuntime } from '../src/workers/logging.js';
import { compactNode, packSearch, unpackSearch, type CarriedSearch } from '../src/workflows/carry.js';
import { agentRun } from '../src/workflows/index.js';
import type { AgentRunInput } from '../src/workflows/types.js';
import { runInProcess } from './inProcess.js';
import { instantActivities, StepClock, type InstantActivities } from './instantActivities.js';
import { BARE, CONTAINER_FLOOR, sandboxBench, type SandboxResults } from './sandbox.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const BENCHMARKS = ['step', 'long', 'many', 'replay', 'memory', 'sandbox'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
const CONTROL_QUEUE = 'bench-orch-control';
const FLOOR_QUEUE = 'bench-orch-floor';
const EXEC_QUEUE = 'bench-orch-exec';
const MB = 1024 * 1024;
/** Temporal's per-payload error limit (limit.blobSize.error): a continue-as-new input must stay below it. */
const PAYLOAD_LIMIT = 2 * MB;

// ---------------------------------------------------------------- options

export interface Options {
  only: Benchmark[];
  full: boolean;
  stepNodes: number;
  longNodes: number;
  manyRuns: number;
  manyNodes: number;
  carryNodes: number;
  sandboxRuns: number;
  agent: string;
  task: string;
  seed: number;
  outDir: string;
  /** An existing Temporal frontend to use instead of starting a dev server (its own CAN thresholds apply). */
  address: string | null;
}


const FULL = { stepNodes: 1000, longNodes: 10_000, manyRuns: 100, manyNodes: 100, sandboxRuns: 10 };
const CI = { stepNodes: 200, longNodes: 1200, manyRuns: 20, manyNodes: 50, sandboxRuns: 5 };

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' }, full: { type: 'boolean' }, 'step-nodes': { type: 'string' }, 'long-nodes': { type: 'string' },
      'many-runs': { type: 'string' }, 'many-nodes': { type: 'string' }, 'carry-nodes': { type: 'string' },
      'sandbox-runs': { type: 'string' }, agent: { type: 'string' }, task: { type: 'string' }, seed: { type: 'string' },
      'out-dir': { type: 'string' }, address: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log([
      'usage: npm run bench -- [--only step,long,many,replay,memory,sandbox] [--full]',
      '         [--step-nodes N] [--long-nodes N] [--many-runs N] [--many-nodes N] [--carry-nodes N] [--sandbox-runs N]',
      '         [--agent aira-greedy] [--task breast-cancer] [--seed 1] [--out-dir bench/results] [--address host:port]',
      `CI sizes: ${JSON.stringify(CI)}; --full: ${JSON.stringify(FULL)}`,
    ].join('\n'));
    process.exit(0);
  }
  const only = (values.only ?? env.BENCH_ONLY ?? BENCHMARKS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.filter((b) => !(BENCHMARKS as readonly string[]).includes(b));
  if (unknown.length > 0) throw new OptionError(`--only: unknown ${unknown.join(', ')} (choose from ${BENCHMARKS.join(', ')})`);
  const full = values.full ?? ['1', 'true', 'yes'].includes(env.BENCH_FULL ?? '');
  const sizes = full ? FULL : CI;
  const opt = (flag: string, envName: string, fallback: number, max: number) => {
    const text = (values as Record<string, string | boolean | undefined>)[flag] ?? env[envName];
    return text === undefined ? fallback : positiveInt(flag, String(text), max);
  };
  return {
    only: only as Benchmark[],
    full,
    stepNodes: opt('step-nodes', 'BENCH_STEP_NODES', sizes.stepNodes, 100_000),
    longNodes: opt('long-nodes', 'BENCH_LONG_NODES', sizes.longNodes, 100_000),
    manyRuns: opt('many-runs', 'BENCH_MANY_RUNS', sizes.manyRuns, 1000),
    manyNodes: opt('many-nodes', 'BENCH_MANY_NODES', sizes.manyNodes, 100_000),
    carryNodes: opt('carry-nodes', 'BENCH_CARRY_NODES', 10_000, 100_000),
    sandboxRuns: opt('sandbox-runs', 'BENCH_SANDBOX_RUNS', sizes.sandboxRuns, 1000),
    agent: values.agent ?? env.BENCH_AGENT ?? 'aira-greedy',
    task: values.task ?? env.BENCH_TASK ?? 'breast-cancer',
    seed: opt('seed', 'BENCH_SEED', 1, 2 ** 31 - 1),
    outDir: path.resolve(values['out-dir'] ?? env.BENCH_OUT_DIR ?? path.join(BENCH_DIR, 'results')),
    address: values.address ?? env.BENCH_TEMPORAL_ADDRESS ?? null,
  };
}

// ---------------------------------------------------------------- statistics

export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}
const median = (xs: readonly number[]) => quantile(xs, 0.5);
const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

interface StepStats {
  nodes: number;
  wallMs: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
}

function stepStats(steps: readonly number[], nodes: number, wallMs: number): StepStats {
  return { nodes, wallMs, medianMs: median(steps), p95Ms: quantile(steps, 0.95), meanMs: mean(steps) };
}

/** Per-bucket (e.g. per thousand nodes) median step times of one run. */
function perBucket(steps: readonly { nodeId: number; ms: number }[], bucket: number, nodes: number): { from: number; to: number; medianMs: number; meanMs: number }[] {
  const out = [];
  for (let from = 1; from <= nodes; from += bucket) {
    const to = Math.min(nodes, from + bucket - 1);
    const ms = steps.filter((s) => s.nodeId >= from && s.nodeId <= to).map((s) => s.ms);
    if (ms.length > 0) out.push({ from, to, medianMs: median(ms), meanMs: mean(ms) });
  }
  return out;
}

// ---------------------------------------------------------------- CPU time

/** CPU ms (user + system) used so far by this process and, when known, by the dev server's process. */
interface CpuMeter {
  read(): Promise<{ self: number; server: number | null }>;
}

/** utime + stime of a process from /proc (Linux), in ms; null where /proc is not there. */
async function procCpuMs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

function cpuMeter(serverPid: number | null): CpuMeter {
  return {
    async read() {
      const u = process.cpuUsage();
      return { self: (u.user + u.system) / 1000, server: serverPid === null ? null : await procCpuMs(serverPid) };
    },
  };
}

interface CpuPerNode {
  /** CPU ms per node of this process: the workers (workflow and activities), the client, the bench. */
  selfMs: number;
  /** CPU ms per node of the dev server (null when it is not ours or /proc is missing). */
  serverMs: number | null;
}

async function cpuDuring<T>(meter: CpuMeter, nodes: number, fn: () => Promise<T>): Promise<[T, CpuPerNode]> {
  const a = await meter.read();
  const out = await fn();
  const b = await meter.read();
  return [out, { selfMs: (b.self - a.self) / nodes, serverMs: a.server === null || b.server === null ? null : (b.server - a.server) / nodes }];
}

// ---------------------------------------------------------------- memory sampling

interface MemorySample {
  t: number;
  phase: string;
  /** Node actions started so far, all runs together (StepClock.count). */
  nodes: number;
  rss: number;
  heapUsed: number;
}

/** Samples this process's memory every `everyMs`; the workers run in this process. */
class MemorySampler {
  readonly samples: MemorySample[] = [];
  phase = 'idle';
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly clock: StepClock, private readonly everyMs = 1000) {}
  sample(): MemorySample {
    const m = process.memoryUsage();
    const s = { t: performance.now(), phase: this.phase, nodes: this.clock.count, rss: m.rss, heapUsed: m.heapUsed };
    this.samples.push(s);
    return s;
  }
  start(): void {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  peak(phase?: string): { rss: number; heapUsed: number } {
    const xs = this.samples.filter((s) => phase === undefined || s.phase === phase);
    return { rss: Math.max(0, ...xs.map((s) => s.rss)), heapUsed: Math.max(0, ...xs.map((s) => s.heapUsed)) };
  }
}

// ---------------------------------------------------------------- the environment

interface Env {
  client: Client;
  clock: StepClock;
  acts: InstantActivities;
  sampler: MemorySampler;
  cpu: CpuMeter;
  bundle: WorkflowBundleWithSourceMap;
  floorBundle: WorkflowBundleWithSourceMap;
  input: (nodes: number) => Promise<AgentRunInput>;
  /** The input with the task data already published: what the in-process baseline needs. */
  baselineInput: (nodes: number) => Promise<AgentRunInput>;
}

let idCounter = 0;
const newId = (name: string) => `bench-${name}-${Date.now().toString(36)}-${(idCounter++).toString(36)}`;

/** Node shape that must match between the workflow and the in-process run (not timestamps or refs). */
const shape = (nodes: readonly GraphNode[]) => nodes.map((n) => `${n.id} ${n.operator} ${n.parents.join('+')} ${n.buggy} ${n.score}`).join('\n');

async function temporalRun(env: Env, nodes: number, name: string): Promise<{ workflowId: string; wallMs: number; continuedAsNew: number; graph: NodeRecord[] }> {
  const workflowId = newId(name);
  const t0 = performance.now();
  const summary = await env.client.workflow.execute(agentRun, { taskQueue: CONTROL_QUEUE, workflowId, args: [await env.input(nodes)] });
  const wallMs = performance.now() - t0;
  const graph = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
  if (summary.nodes !== nodes) throw new Error(`${workflowId}: ${summary.nodes} nodes, expected ${nodes}`);
  return { workflowId, wallMs, continuedAsNew: summary.continuedAsNew, graph };
}

async function baselineRun(env: Env, nodes: number, name: string): Promise<{ runId: string; wallMs: number; graph: SearchSnapshot<unknown>['graph']; snapshot: SearchSnapshot<unknown> }> {
  const runId = newId(`inproc-${name}`);
  const input = await env.baselineInput(nodes);
  const t0 = performance.now();
  const snapshot = await runInProcess(input, env.acts, runId);
  return { runId, wallMs: performance.now() - t0, graph: snapshot.graph, snapshot };
}

// ---------------------------------------------------------------- benchmarks

export interface StepResult {
  nodes: number;
  baseline: StepStats;
  crucible: StepStats;
  addedMedianMs: number;
  addedMeanMs: number;
  sameGraph: boolean;
  continuedAsNew: number;
  workflowId: string;
  floorWorkflowId: string;
  /** History events of the whole chain by type, and per node. */
  eventTypes: Record<string, number>;
  eventsPerNode: number;
  /** Payload bytes in the chain's history by activity and direction (input/result), and the runs' inputs. */
  payloadBytes: Record<string, number>;
  /** CPU time per node: of the in-process baseline, and of the workers' process and the server during the Temporal runs. */
  cpu: { baseline: CpuPerNode; crucible: CpuPerNode; floor: CpuPerNode };
  /** The same activity calls per node from a bare workflow (bench/floorWorkflow.ts): what the round trips alone cost. */
  floor: StepStats;
  /** Median gaps between activity starts (StepClock.hop): operate→execute is one round trip. Crucible's run, then the floor's. */
  roundTrips: { crucible: Record<string, number>; floor: Record<string, number> };
}

/** Median of each hop kind recorded since the last call, then forgets them. */
function takeHops(clock: StepClock): Record<string, number> {
  const out = Object.fromEntries([...clock.hopMs].map(([k, xs]) => [k, median(xs)]));
  clock.hopMs.clear();
  return out;
}

/** Event counts by type over a run's continue-as-new chain, and activity input/result bytes by activity type. */
async function historyProfile(env: Env, workflowId: string): Promise<{ types: Record<string, number>; payloadBytes: Record<string, number> }> {
  const names = proto.temporal.api.enums.v1.EventType;
  const types: Record<string, number> = {};
  const payloadBytes: Record<string, number> = {};
  const size = (p: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined) =>
    (p?.payloads ?? []).reduce((n, x) => n + (x.data?.length ?? 0), 0);
  for (const h of await chainHistories(env.client, workflowId)) {
    const activityOf = new Map<string, string>();
    for (const e of h.events ?? []) {
      const name = (names[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
      types[name] = (types[name] ?? 0) + 1;
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled) {
        const type = scheduled.activityType?.name ?? '?';
        activityOf.set(String(e.eventId), type);
        payloadBytes[`${type} input`] = (payloadBytes[`${type} input`] ?? 0) + size(scheduled.input);
      }
      const completed = e.activityTaskCompletedEventAttributes;
      if (completed) {
        const type = activityOf.get(String(completed.scheduledEventId)) ?? '?';
        payloadBytes[`${type} result`] = (payloadBytes[`${type} result`] ?? 0) + size(completed.result);
      }
      const started = e.workflowExecutionStartedEventAttributes;
      if (started) payloadBytes['run input'] = (payloadBytes['run input'] ?? 0) + size(started.input);
    }
  }
  return { types, payloadBytes };
}

async function benchStep(env: Env, nodes: number): Promise<StepResult> {
  env.sampler.phase = 'step';
  const [base, baseCpu] = await cpuDuring(env.cpu, nodes, () => baselineRun(env, nodes, 'step'));
  takeHops(env.clock);
  const [crucible, cpu] = await cpuDuring(env.cpu, nodes, () => temporalRun(env, nodes, 'step'));
  const crucibleHops = takeHops(env.clock);
  const floorId = newId('floor');
  const [floorWallMs, floorCpu] = await cpuDuring(env.cpu, nodes, async () => {
    const t0 = performance.now();
    await env.client.workflow.execute('floorRun', { taskQueue: FLOOR_QUEUE, workflowId: floorId, args: [{ runId: floorId, nodes, execQueue: EXEC_QUEUE }] });
    return performance.now() - t0;
  });
  const floor = stepStats(env.clock.stepsOf(floorId).map((s) => s.ms), nodes, floorWallMs);
  const floorHops = takeHops(env.clock);
  const b = stepStats(env.clock.stepsOf(base.runId).map((s) => s.ms), nodes, base.wallMs);
  const c = stepStats(env.clock.stepsOf(crucible.workflowId).map((s) => s.ms), nodes, crucible.wallMs);
  const { types, payloadBytes } = await historyProfile(env, crucible.workflowId);
  return {
    nodes, baseline: b, crucible: c, addedMedianMs: c.medianMs - b.medianMs, addedMeanMs: c.meanMs - b.meanMs,
    sameGraph: shape(base.graph.nodes) === shape(crucible.graph), continuedAsNew: crucible.continuedAsNew, workflowId: crucible.workflowId, floorWorkflowId: floorId,
    eventTypes: types, payloadBytes, eventsPerNode: Object.values(types).reduce((a, b) => a + b, 0) / nodes,
    cpu: { baseline: baseCpu, crucible: cpu, floor: floorCpu }, floor, roundTrips: { crucible: crucibleHops, floor: floorHops },
  };
}

export interface LongResult {
  nodes: number;
  bucket: number;
  baseline: StepStats & { buckets: ReturnType<typeof perBucket> };
  crucible: StepStats & { buckets: ReturnType<typeof perBucket> };
  /** Added ms per node (median) in the first and last bucket. */
  addedFirstMs: number;
  addedLastMs: number;
  /** Mean RSS while the first and the last bucket's nodes ran (MB). */
  rssFirstMb: number;
  rssLastMb: number;
  heapFirstMb: number;
  heapLastMb: number;
  continuedAsNew: number;
  /** The state carried into the last execution: bytes of its input payload, and the nodes in it. */
  carriedBytes: number;
  carriedNodes: number;
  historyEvents: number[];
  sameGraph: boolean;
}

async function benchLong(env: Env, nodes: number): Promise<LongResult> {
  const bucket = Math.max(1, Math.min(1000, Math.floor(nodes / 2)));
  env.sampler.phase = 'long-baseline';
  const base = await baselineRun(env, nodes, 'long');
  env.sampler.phase = 'long';
  const nodesBefore = env.clock.count;
  const firstSample = env.sampler.samples.length;
  const crucible = await temporalRun(env, nodes, 'long');
  const samples = env.sampler.samples.slice(firstSample).filter((s) => s.phase === 'long');
  const memOf = (from: number, to: number) => {
    const xs = samples.filter((s) => s.nodes - nodesBefore >= from && s.nodes - nodesBefore <= to);
    return { rss: mean(xs.map((s) => s.rss)) / MB, heap: mean(xs.map((s) => s.heapUsed)) / MB };
  };
  const bSteps = env.clock.stepsOf(base.runId);
  const cSteps = env.clock.stepsOf(crucible.workflowId);
  const bb = perBucket(bSteps, bucket, nodes);
  const cb = perBucket(cSteps, bucket, nodes);
  const histories = await chainHistories(env.client, crucible.workflowId);
  const last = histories.at(-1)!;
  const payload = last.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? new Uint8Array();
  const carried = histories.length > 1 ? (JSON.parse(Buffer.from(payload).toString('utf8')) as AgentRunInput).carried : undefined;
  const first = memOf(1, bucket);
  const lastMem = memOf(nodes - bucket + 1, nodes);
  return {
    nodes, bucket,
    baseline: { ...stepStats(bSteps.map((s) => s.ms), nodes, base.wallMs), buckets: bb },
    crucible: { ...stepStats(cSteps.map((s) => s.ms), nodes, crucible.wallMs), buckets: cb },
    addedFirstMs: cb[0]!.medianMs - bb[0]!.medianMs,
    addedLastMs: cb.at(-1)!.medianMs - bb.at(-1)!.medianMs,
    rssFirstMb: first.rss, rssLastMb: lastMem.rss, heapFirstMb: first.heap, heapLastMb: lastMem.heap,
    continuedAsNew: crucible.continuedAsNew,
    carriedBytes: carried ? payload.length : 0,
    carriedNodes: carried ? unpackSearch(carried.search).graph.nodes.length - 1 : 0,
    historyEvents: histories.map((h) => h.events?.length ?? 0),
    sameGraph: shape(base.graph.nodes) === shape(crucible.graph),
  };
}

export interface ManyResult {
  runs: number;
  nodesPerRun: number;
  baseline: { wallMs: number; nodesPerSecond: number; p95StepMs: number; medianStepMs: number };
  crucible: { wallMs: number; nodesPerSecond: number; p95StepMs: number; medianStepMs: number };
  /** CPU per node of the workers' process and of the dev server during the Temporal runs. */
  cpu: CpuPerNode;
}

async function benchMany(env: Env, runs: number, nodes: number): Promise<ManyResult> {
  env.sampler.phase = 'many-baseline';
  let t0 = performance.now();
  const bases = await Promise.all(Array.from({ length: runs }, (_, i) => baselineRun(env, nodes, `many${i}`)));
  const bWall = performance.now() - t0;
  env.sampler.phase = 'many';
  t0 = performance.now();
  const [runsDone, cpu] = await cpuDuring(env.cpu, runs * nodes, () => Promise.all(Array.from({ length: runs }, (_, i) => temporalRun(env, nodes, `many${i}`))));
  const cWall = performance.now() - t0;
  const bSteps = bases.flatMap((r) => env.clock.stepsOf(r.runId).map((s) => s.ms));
  const cSteps = runsDone.flatMap((r) => env.clock.stepsOf(r.workflowId).map((s) => s.ms));
  return {
    runs, nodesPerRun: nodes,
    baseline: { wallMs: bWall, nodesPerSecond: (runs * nodes) / (bWall / 1000), p95StepMs: quantile(bSteps, 0.95), medianStepMs: median(bSteps) },
    crucible: { wallMs: cWall, nodesPerSecond: (runs * nodes) / (cWall / 1000), p95StepMs: quantile(cSteps, 0.95), medianStepMs: median(cSteps) },
    cpu,
  };
}

/** One replay of a run's continue-as-new chain. */
export interface ChainReplay {
  executions: number;
  events: number;
  /** Workflow tasks in the chain: each is at least one activation to replay. */
  workflowTasks: number;
  replayMs: number;
  errors: string[];
}

export interface ReplayResult extends ChainReplay {
  nodes: number;
  liveWallMs: number;
  /** The floor workflow's chain for as many nodes (bench/floorWorkflow.ts): what the SDK's replay alone costs. */
  floor: ChainReplay;
}

async function replayChain(env: Env, workflowId: string, workflowBundle: WorkflowBundleWithSourceMap): Promise<ChainReplay> {
  const histories = await chainHistories(env.client, workflowId);
  const completed = proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
  const t0 = performance.now();
  const errors: string[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle }, histories.map((history) => ({ workflowId, history })))) {
    if (r.error) errors.push(`${r.runId}: ${r.error.message}`);
  }
  return {
    executions: histories.length,
    events: histories.reduce((n, h) => n + (h.events?.length ?? 0), 0),
    workflowTasks: histories.reduce((n, h) => n + (h.events ?? []).filter((e) => e.eventType === completed).length, 0),
    replayMs: performance.now() - t0,
    errors,
  };
}

async function benchReplay(env: Env, step: StepResult): Promise<ReplayResult> {
  env.sampler.phase = 'replay';
  const crucible = await replayChain(env, step.workflowId, env.bundle);
  const floor = await replayChain(env, step.floorWorkflowId, env.floorBundle);
  return { ...crucible, nodes: step.nodes, liveWallMs: step.crucible.wallMs, floor };
}

export interface MemoryResult {
  idleRssMb: number;
  peakRssMb: number;
  peakByPhaseMb: Record<string, number>;
  carryNodes: number;
  /** JSON bytes of the state a run carries across continue-as-new with this many nodes (all archived). */
  carriedBytes: number;
  /** The same with one compact record per node (the format below carry.ts's PACK_FROM, and before issue 9). */
  compactBytes: number;
  /** The graph with full (uncompacted) node records. */
  fullGraphBytes: number;
  /** Whether the carried state reads back (JSON, unpackSearch) to exactly the compacted graph. */
  roundTrip: boolean;
}

/**
 * The search state a run of `nodes` nodes carries across continue-as-new, every node archived (as at
 * each continue-as-new), measured as the JSON the workflow passes on; and the full graph's JSON beside it.
 */
async function benchCarry(env: Env, nodes: number): Promise<Pick<MemoryResult, 'carryNodes' | 'carriedBytes' | 'compactBytes' | 'fullGraphBytes' | 'roundTrip'>> {
  const { snapshot } = await baselineRun(env, nodes, 'carry');
  const fullGraphBytes = Buffer.byteLength(JSON.stringify(snapshot.graph));
  // As at continue-as-new: every committed node archived and compacted, then packed (agentRun).
  const compact = { ...snapshot, graph: { ...snapshot.graph, nodes: snapshot.graph.nodes.map(compactNode) } };
  const carriedJson = JSON.stringify(packSearch(compact, compact.graph.nodes.length));
  const back = unpackSearch(JSON.parse(carriedJson) as CarriedSearch);
  return {
    carryNodes: nodes, carriedBytes: Buffer.byteLength(carriedJson), compactBytes: Buffer.byteLength(JSON.stringify(compact)), fullGraphBytes,
    roundTrip: JSON.stringify(back.graph) === JSON.stringify(compact.graph),
  };
}

// ---------------------------------------------------------------- report

interface Row {
  bench: Benchmark;
  figure: string;
  size: string;
  baseline: string;
  crucible: string;
  ratio: string;
  target: string;
  met: '✅' | '❌' | '—';
}

const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(2)} ms`);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const mb = (x: number) => `${x.toFixed(0)} MB`;
const kb = (bytes: number) => (bytes >= MB ? `${(bytes / MB).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`);
const yes = (ok: boolean): Row['met'] => (ok ? '✅' : '❌');

function rows(r: Results): Row[] {
  const out: Row[] = [];
  if (r.step) {
    const s = r.step;
    const size = `${s.nodes} nodes, 1 run`;
    out.push({
      bench: 'step', figure: 'step time per node, median', size, baseline: ms(s.baseline.medianMs), crucible: ms(s.crucible.medianMs),
      ratio: `+${ms(s.addedMedianMs)} (${ratio(s.crucible.medianMs, s.baseline.medianMs)})`, target: '< 15 ms added (median)', met: yes(s.addedMedianMs < 15),
    });
    out.push({
      bench: 'step', figure: 'Temporal floor: the same activities from a bare workflow, median', size, baseline: ms(s.baseline.medianMs),
      crucible: ms(s.floor.medianMs), ratio: `+${ms(s.floor.medianMs - s.baseline.medianMs)}; Crucible − floor ${ms(s.crucible.medianMs - s.floor.medianMs)}`,
      target: '—', met: '—',
    });
    const cpu = (c: CpuPerNode) => `${ms(c.selfMs)} workers + ${c.serverMs === null ? '?' : ms(c.serverMs)} server`;
    const rt = (h: Record<string, number>) => `${ms(h['operate→execute'] ?? NaN)}`;
    out.push({
      bench: 'step', figure: 'one activity round trip (operate start → execute start), median; floor in brackets', size, baseline: '—',
      crucible: `${rt(s.roundTrips.crucible)} (${rt(s.roundTrips.floor)})`, ratio: '—', target: '—', met: '—',
    });
    out.push({
      bench: 'step', figure: 'CPU per node (floor in brackets)', size, baseline: ms(s.cpu.baseline.selfMs),
      crucible: `${cpu(s.cpu.crucible)} (${cpu(s.cpu.floor)})`, ratio: `${s.eventsPerNode.toFixed(1)} history events/node`, target: '—', met: '—',
    });
    out.push({
      bench: 'step', figure: 'step time per node, p95', size, baseline: ms(s.baseline.p95Ms), crucible: ms(s.crucible.p95Ms),
      ratio: `+${ms(s.crucible.p95Ms - s.baseline.p95Ms)}`, target: '—', met: '—',
    });
    out.push({
      bench: 'step', figure: 'whole run (incl. start, continue-as-new, selection, report)', size,
      baseline: ms(s.baseline.wallMs), crucible: ms(s.crucible.wallMs), ratio: `+${ms((s.crucible.wallMs - s.baseline.wallMs) / s.nodes)}/node`,
      target: '—', met: '—',
    });
    out.push({
      bench: 'step', figure: 'same graph as in process', size, baseline: '—', crucible: s.sameGraph ? 'yes' : 'NO', ratio: '—', target: 'yes', met: yes(s.sameGraph),
    });
  }
  if (r.long) {
    const l = r.long;
    const size = `${l.nodes} nodes, ${l.continuedAsNew} continue-as-new`;
    const b0 = l.baseline.buckets[0]!;
    const b1 = l.baseline.buckets.at(-1)!;
    const c0 = l.crucible.buckets[0]!;
    const c1 = l.crucible.buckets.at(-1)!;
    const span = (x: { from: number; to: number }) => `${x.from}–${x.to}`;
    out.push({
      bench: 'long', figure: `step median, nodes ${span(c0)}`, size, baseline: ms(b0.medianMs), crucible: ms(c0.medianMs),
      ratio: `+${ms(l.addedFirstMs)}`, target: '—', met: '—',
    });
    out.push({
      bench: 'long', figure: `step median, nodes ${span(c1)}`, size, baseline: ms(b1.medianMs), crucible: ms(c1.medianMs),
      ratio: `+${ms(l.addedLastMs)}`, target: '—', met: '—',
    });
    const growth = c1.medianMs / c0.medianMs;
    out.push({
      bench: 'long', figure: 'step median, last ÷ first', size, baseline: ratio(b1.medianMs, b0.medianMs), crucible: `${growth.toFixed(2)}×`,
      ratio: `added ${ms(l.addedFirstMs)} → ${ms(l.addedLastMs)}`, target: '≤ 1.2× (no growth)', met: yes(growth <= 1.2),
    });
    const rssGrowth = l.rssLastMb / l.rssFirstMb;
    out.push({
      bench: 'long', figure: `worker RSS, mean over nodes ${span(c0)} → ${span(c1)}`, size, baseline: mb(l.rssFirstMb), crucible: mb(l.rssLastMb),
      ratio: `${rssGrowth.toFixed(2)}×`, target: '≤ 1.2× (flat)', met: yes(rssGrowth <= 1.2),
    });
    out.push({
      bench: 'long', figure: `carried state into the last execution (${l.carriedNodes} nodes)`, size, baseline: `${kb(PAYLOAD_LIMIT)} limit`,
      crucible: `${kb(l.carriedBytes)} (${(l.carriedBytes / Math.max(1, l.carriedNodes)).toFixed(0)} B/node)`, ratio: ratio(l.carriedBytes, PAYLOAD_LIMIT),
      target: '< 2 MiB payload limit', met: yes(l.carriedBytes < PAYLOAD_LIMIT),
    });
    out.push({
      bench: 'long', figure: 'same graph as in process', size, baseline: '—', crucible: l.sameGraph ? 'yes' : 'NO', ratio: '—', target: 'yes', met: yes(l.sameGraph),
    });
  }
  if (r.many) {
    const m = r.many;
    const size = `${m.runs} runs × ${m.nodesPerRun} nodes`;
    out.push({
      bench: 'many', figure: 'throughput, nodes/s', size, baseline: m.baseline.nodesPerSecond.toFixed(0), crucible: m.crucible.nodesPerSecond.toFixed(1),
      ratio: ratio(m.crucible.nodesPerSecond, m.baseline.nodesPerSecond), target: '—', met: '—',
    });
    out.push({
      bench: 'many', figure: 'step latency, p95', size, baseline: ms(m.baseline.p95StepMs), crucible: ms(m.crucible.p95StepMs),
      ratio: `+${ms(m.crucible.p95StepMs - m.baseline.p95StepMs)}`, target: '—', met: '—',
    });
    if (m.cpu) {
      out.push({
        bench: 'many', figure: 'CPU per node', size, baseline: '—',
        crucible: `${ms(m.cpu.selfMs)} workers + ${m.cpu.serverMs === null ? '?' : ms(m.cpu.serverMs)} server`, ratio: '—', target: '—', met: '—',
      });
    }
  }
  if (r.replay) {
    const p = r.replay;
    out.push({
      bench: 'replay', figure: `replay the history chain (${p.executions} executions, ${p.events} events)`, size: `${p.nodes} nodes`,
      baseline: `${ms(p.liveWallMs)} live`, crucible: ms(p.replayMs), ratio: ratio(p.replayMs, p.liveWallMs), target: '< 5 s, no errors',
      met: yes(p.replayMs < 5000 && p.errors.length === 0),
    });
    const perTask = (c: ChainReplay) => ms(c.replayMs / c.workflowTasks);
    out.push({
      bench: 'replay', figure: 'Temporal floor: the same activities from a bare workflow, replayed', size: `${p.nodes} nodes`,
      baseline: `${p.floor.workflowTasks} workflow tasks, ${perTask(p.floor)} each`, crucible: ms(p.floor.replayMs),
      ratio: `Crucible: ${p.workflowTasks} workflow tasks, ${perTask(p)} each`, target: '—', met: yes(p.floor.errors.length === 0),
    });
  }
  if (r.memory) {
    const m = r.memory;
    out.push({
      bench: 'memory', figure: 'worker peak RSS over the benchmarks run', size: Object.entries(m.peakByPhaseMb).map(([k, v]) => `${k} ${mb(v)}`).join(', '),
      baseline: `${mb(m.idleRssMb)} idle`, crucible: mb(m.peakRssMb), ratio: ratio(m.peakRssMb, m.idleRssMb), target: '—', met: '—',
    });
    out.push({
      bench: 'memory', figure: `carried state, ${m.carryNodes}-node graph (compact records: ${kb(m.compactBytes)})`, size: `${m.carryNodes} nodes`,
      baseline: `${kb(m.fullGraphBytes)} full graph`, crucible: `${kb(m.carriedBytes)} (${(m.carriedBytes / m.carryNodes).toFixed(0)} B/node)`,
      ratio: `${ratio(m.carriedBytes, PAYLOAD_LIMIT)} of 2 MiB`, target: '< 2 MiB payload limit, reads back exactly',
      met: yes(m.carriedBytes < PAYLOAD_LIMIT && m.roundTrip),
    });
  }
  if (r.sandbox) {
    const base = r.sandbox.results[BARE]?.pass;
    for (const [name, t] of Object.entries(r.sandbox.results)) {
      if (name === BARE || !t.pass || !base) continue;
      out.push({
        bench: 'sandbox', figure: `${name}: start to exit of \`pass\`, median`, size: `${r.sandbox.runs} runs`,
        baseline: `${ms(base.median)} bare python3`, crucible: ms(t.pass.median), ratio: `+${ms(t.pass.median - base.median)} (${ratio(t.pass.median, base.median)})`,
        target: name === 'DockerExecutor' ? '< 500 ms added' : '—', met: name === 'DockerExecutor' ? yes(t.pass.median - base.median < 500) : '—',
      });
    }
    const floor = r.sandbox.results[CONTAINER_FLOOR]?.pass;
    const docker = r.sandbox.results.DockerExecutor?.pass;
    if (floor && docker) {
      out.push({
        bench: 'sandbox', figure: 'DockerExecutor over the container floor (`pass`, median)', size: `${r.sandbox.runs} runs`,
        baseline: `${ms(floor.median)} bare container`, crucible: ms(docker.median), ratio: `+${ms(docker.median - floor.median)} (${ratio(docker.median, floor.median)})`,
        target: '—', met: '—',
      });
    }
    if (r.sandbox.docker) {
      out.push({ bench: 'sandbox', figure: 'DockerExecutor', size: '—', baseline: '—', crucible: `skipped: ${r.sandbox.docker}`, ratio: '—', target: '—', met: '—' });
    }
  }
  return out;
}

export function markdown(r: Results): string {
  const head = ['benchmark', 'figure', 'size', 'baseline', 'Crucible', 'ratio / added', 'target', 'met?'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const x of rows(r)) lines.push(`| ${[x.bench, x.figure, x.size, x.baseline, x.crucible, x.ratio, x.target, x.met].join(' | ')} |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

export interface Results {
  date: string;
  machine: { cpus: number; cpuModel: string | null; platform: string; node: string; loadavg: number[] };
  options: Options;
  bundleMs?: number;
  step?: StepResult;
  long?: LongResult;
  many?: ManyResult;
  replay?: ReplayResult;
  memory?: MemoryResult;
  sandbox?: { runs: number; results: SandboxResults; docker: string | null };
  wallMs: number;
}

const log = (text: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);

export async function runOrchestration(opts: Options): Promise<Results> {
  const started = performance.now();
  const results: Results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, platform: `${os.platform()} ${os.arch()}`, node: process.version, loadavg: os.loadavg() },
    options: opts,
    wallMs: 0,
  };
  const wants = (b: Benchmark) => opts.only.includes(b);
  const temporal = ['step', 'long', 'many', 'replay', 'memory'].some((b) => wants(b as Benchmark));
  if (temporal) {
    const serverDir = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-server-'));
    const stateRoot = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-state-'));
    const server: DevServerOptions = { stateDir: serverDir, port: await freePort(), uiPort: null };
    const cleanup = async () => {
      if (!opts.address) await stopServer(server).catch(() => undefined);
      await rm(serverDir, { recursive: true, force: true });
      await rm(stateRoot, { recursive: true, force: true });
    };
    const onSignal = () => void cleanup().finally(() => process.exit(130));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const clock = new StepClock();
    const sampler = new MemorySampler(clock);
    try {
      const address = opts.address ?? (await startServer(server)).address;
      log(opts.address ? `Temporal at ${address} (given)` : `dev server on ${address} (default continue-as-new suggestion)`);
      installRuntime();
      const nativeConnection = await NativeConnection.connect({ address });
      const connection = await Connection.connect({ address });
      const client = new Client({ connection });
      let t0 = performance.now();
      const bundle = await bundleWorkflows();
      results.bundleMs = performance.now() - t0;
      const acts = await instantActivities({ seed: opts.seed, stateRoot, clock });
      const taskDir = path.join(builtTasksDir(), opts.task);
      const taskDataRef = await acts.control.publishTaskData({ publicDir: path.join(taskDir, 'public') });
      const input = async (nodes: number): Promise<AgentRunInput> => {
        const i = await buildRunInput({ task: taskDir, agent: opts.agent, seed: String(opts.seed), budget: '24h', steps: String(nodes), execTimeout: '5m', parallelism: '1' });
        return { ...i, execTaskQueue: EXEC_QUEUE };
      };
      const serverPid = opts.address ? null : Number((await readFile(path.join(serverDir, 'temporal.pid'), 'utf8').catch(() => '')).trim()) || null;
      const floorBundle = await bundleWorkflows(path.join(BENCH_DIR, 'floorWorkflow.ts'));
      const env: Env = {
        client, clock, acts, sampler, cpu: cpuMeter(serverPid), bundle, floorBundle, input, baselineInput: async (n) => ({ ...(await input(n)), taskDataRef }),
      };
      const workers = [
        await Worker.create({ connection: nativeConnection, taskQueue: CONTROL_QUEUE, workflowBundle: bundle, activities: acts.control }),
        await Worker.create({ connection: nativeConnection, taskQueue: FLOOR_QUEUE, workflowBundle: floorBundle, activities: acts.control }),
        await Worker.create({ connection: nativeConnection, taskQueue: EXEC_QUEUE, activities: acts.exec }),
      ];
      const running = workers.map((w) => w.run());
      try {
        // Warm-up: JIT, the workflow bundle's first load, the server's first tasks. Not measured.
        sampler.phase = 'warm-up';
        await baselineRun(env, 30, 'warmup');
        await temporalRun(env, 30, 'warmup');
        const idle = sampler.sample();
        sampler.start();
        if (wants('step') || wants('replay')) {
          log(`step: ${opts.stepNodes} nodes, in process then through Temporal`);
          const step = await benchStep(env, opts.stepNodes);
          if (wants('step')) results.step = step;
          log(`step: median ${ms(step.baseline.medianMs)} → ${ms(step.crucible.medianMs)} (+${ms(step.addedMedianMs)}); ` +
            `${step.eventsPerNode.toFixed(1)} history events per node: ${JSON.stringify(step.eventTypes)}; payload bytes ${JSON.stringify(step.payloadBytes)}; ` +
            `CPU per node: ${ms(step.cpu.baseline.selfMs)} in process; through Temporal ${ms(step.cpu.crucible.selfMs)} workers + ${ms(step.cpu.crucible.serverMs ?? NaN)} server; ` +
            `floor: median ${ms(step.floor.medianMs)}, CPU ${ms(step.cpu.floor.selfMs)} workers + ${ms(step.cpu.floor.serverMs ?? NaN)} server; ` +
            `round trips (median): ${JSON.stringify(step.roundTrips)}`);
          if (wants('replay')) {
            log(`replay: the ${opts.stepNodes}-node run's history chain`);
            results.replay = await benchReplay(env, step);
            log(`replay: ${ms(results.replay.replayMs)} for ${results.replay.events} events, ${results.replay.workflowTasks} workflow tasks; ` +
              `floor ${ms(results.replay.floor.replayMs)} for ${results.replay.floor.events} events, ${results.replay.floor.workflowTasks} workflow tasks`);
          }
        }
        if (wants('long')) {
          log(`long: ${opts.longNodes} nodes`);
          results.long = await benchLong(env, opts.longNodes);
          log(`long: ${results.long.crucible.buckets.map((b) => ms(b.medianMs)).join(' ')}`);
        }
        if (wants('many')) {
          log(`many: ${opts.manyRuns} runs × ${opts.manyNodes} nodes`);
          results.many = await benchMany(env, opts.manyRuns, opts.manyNodes);
          log(`many: ${results.many.crucible.nodesPerSecond.toFixed(1)} nodes/s, p95 ${ms(results.many.crucible.p95StepMs)}`);
        }
        sampler.stop();
        if (wants('memory')) {
          sampler.phase = 'carry';
          log(`memory: carried state of a ${opts.carryNodes}-node graph`);
          const carry = await benchCarry(env, opts.carryNodes);
          const phases = [...new Set(sampler.samples.map((s) => s.phase))].filter((p) => !['idle', 'warm-up', 'carry'].includes(p) && !p.endsWith('baseline'));
          const peakByPhaseMb = Object.fromEntries(phases.map((p) => [p, sampler.peak(p).rss / MB]));
          results.memory = {
            idleRssMb: idle.rss / MB, peakRssMb: Math.max(idle.rss, ...phases.map((p) => sampler.peak(p).rss)) / MB, peakByPhaseMb, ...carry,
          };
        }
        t0 = performance.now();
      } finally {
        sampler.stop();
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await Promise.allSettled(running);
        await nativeConnection.close();
        await connection.close();
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await cleanup();
    }
  }
  if (wants('sandbox')) {
    log(`sandbox: ${opts.sandboxRuns} runs per path`);
    results.sandbox = { runs: opts.sandboxRuns, ...(await sandboxBench({ runs: opts.sandboxRuns, programs: ['pass'] })) };
  }
  results.wallMs = performance.now() - started;
  return results;
}

async function main(): Promise<void> {
  const opts: Options = parseOrExit(() => parseOptions(process.argv.slice(2), process.env));
  const r = await runOrchestration(opts);
  const table = markdown(r);
  const stamp = r.date.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const about = [
    `Date ${r.date}; ${r.machine.cpus} cores (${r.machine.cpuModel ?? '?'}), ${r.machine.platform}, Node ${r.machine.node}; ` +
      `load average at start ${r.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}; wall ${(r.wallMs / 1000).toFixed(0)} s.`,
    `Options: ${opts.full ? '--full' : 'CI sizes'}; agent ${opts.agent}, task ${opts.task}, seed ${opts.seed}; only ${opts.only.join(',')}.`,
  ].join('\n');
  console.log(`${table}\n\n${about}`);
  await mkdir(opts.outDir, { recursive: true });
  const base = path.join(opts.outDir, `orchestration-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(r, null, 1)}\n`);
  await writeFile(`${base}.md`, `# Orchestration benchmarks, ${r.date}\n\n${table}\n\n${about}\n`);
  console.error(`results: ${path.relative(process.cwd(), base)}.json, .md`);
  const failed = rows(r).some((x) => x.met === '❌');
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

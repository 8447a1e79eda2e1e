/**
 * Fault-injection drills. Several LLM agent runs go at once on a cluster of their own (dev server,
 * control worker process, exec worker process, Docker sandboxes) while the test SIGKILLs the control
 * worker, SIGKILLs the exec worker in the middle of an execution, and stops and restarts the dev server
 * on the same database file; meanwhile the endpoint fails on a schedule (429, 500, hung requests, bodies
 * that are not JSON, replies without code) and the solutions misbehave (hang, OOM, fork bomb, output
 * flood, writes outside the workspace, a full disk). Afterwards: every run finished with all its nodes,
 * node ids match the history one to one, nothing is left running, and `crucible doctor` finds every
 * artifact that history references.
 *
 * `npm test` runs the short form (one round of drills). `npm run soak` sets CRUCIBLE_SOAK=1: more runs,
 * longer runs, a round of drills every time the cluster has made more progress.
 */
import Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor.js';
import { chainHistories } from '../../src/cli/export.js';
import { llmSettingsSchema } from '../../src/config/agent.js';
import { projectRoot } from '../../src/config/paths.js';
import { RUN_LABEL } from '../../src/sandbox/labels.js';
import type { NodeRecord } from '../../src/core/node.js';
import { agentRun, statusQuery } from '../../src/workflows/index.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { scheduledNodeIds } from '../helpers/history.js';
import { startFakeServer, type FakeServer } from '../helpers/fakeOpenAiServer.js';
import { bundledRunInput, uniqueQueues } from '../helpers/temporal.js';
import { EXPECTED, OUTSIDE_MARKER, chaosModel, faultOf, type Fault } from './chaosModel.js';
import { ChaosCluster } from './cluster.js';

const SOAK = process.env.CRUCIBLE_SOAK === '1';
const RUNS = SOAK ? 6 : 3;
const STEPS = SOAK ? 30 : 12;
const ROUNDS = SOAK ? 4 : 1;
/** How long the runs may take to finish after the last drill before the test reports a stall. */
const RESULT_TIMEOUT_MS = SOAK ? 2_400_000 : 480_000;
const FAULTS: Fault[] = ['hang', 'oom', 'fork-bomb', 'flood', 'write-outside', 'disk-fill'];
/** The exec workers' workspace quota: small, so the disk-fill drill is quick. */
const WORKDIR_QUOTA = '64m';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe(`chaos drills (${SOAK ? 'soak' : 'short form'}): ${RUNS} runs of ${STEPS} steps, ${ROUNDS} round(s) of faults`, () => {
  let cluster: ChaosCluster;
  let llm: FakeServer;
  const model = chaosModel({ faults: FAULTS, hangMs: 4000 });
  const runIds: string[] = [];
  const summaries = new Map<string, RunSummary>();
  const drills: string[] = [];
  const docker = new Docker();

  const totalNodes = async () => {
    let total = 0;
    for (const id of runIds) total += (await cluster.client.workflow.getHandle<typeof agentRun>(id).query(statusQuery)).nodes;
    return total;
  };
  /** Sandbox containers of these runs (label filters are ANDed by the engine, so filter the run ids here). */
  const containersOf = async (running: boolean) => (await docker.listContainers({
    all: !running, filters: { label: [RUN_LABEL], ...(running ? { status: ['running'] } : {}) },
  })).filter((c) => runIds.includes(c.Labels[RUN_LABEL] ?? ''));
  const executing = async () => (await containersOf(true)).length > 0;

  beforeAll(async () => {
    llm = await startFakeServer(model.answer);
    const q = uniqueQueues('chaos');
    cluster = await ChaosCluster.start(q, { CRUCIBLE_WORKDIR_QUOTA: WORKDIR_QUOTA });
    cluster.startControl({ CRUCIBLE_LLM_API_KEY: 'sk-chaos-test-key' });
    cluster.startExec();

    const base = await bundledRunInput({ execQueue: q.exec, steps: String(STEPS), budget: '30m', execTimeout: '20s' });
    for (let i = 0; i < RUNS; i++) {
      const input: AgentRunInput = {
        ...base, seed: i,
        agent: {
          ...base.agent,
          operators: {
            ...base.agent.operators, backend: 'llm',
            llm: llmSettingsSchema.parse({ baseURL: llm.baseURL, models: { default: 'gpt-4o' }, maxAttempts: 8, requestTimeoutMs: 2500 }),
          },
        },
      };
      const runId = `${q.workflowId}-run${i}`;
      await cluster.client.workflow.start(agentRun, { taskQueue: q.control, workflowId: runId, args: [input] });
      runIds.push(runId);
    }

    try {
      await drillsAndResults();
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await diagnose()}`);
    }
  }, SOAK ? 3_600_000 : 900_000);

  async function drillsAndResults(): Promise<void> {
    // Each round's drills happen at fixed shares of the total work, while every run is still going.
    const total = RUNS * STEPS;
    for (let round = 0; round < ROUNDS; round++) {
      const at = (share: number) => Math.ceil(total * ((round + share) / (ROUNDS + 0.5)));
      await waitFor(`${at(0.1)} nodes`, async () => (await totalNodes()) >= at(0.1), 300_000);
      const before = await totalNodes();
      await cluster.kill('control');
      drills.push(`round ${round + 1}: SIGKILL control worker at ${before} of ${total} nodes`);
      await sleep(500);
      cluster.startControl({ CRUCIBLE_LLM_API_KEY: 'sk-chaos-test-key' });

      await waitFor('an execution in flight', executing, 300_000);
      const executingAt = await totalNodes();
      await cluster.kill('exec');
      // Its replacement starts while the server is down: a worker must wait for its cluster, not exit.
      await cluster.restartServer(3000, () => cluster.startExec());
      drills.push(`round ${round + 1}: SIGKILL exec worker mid-execution at ${executingAt} nodes; its replacement started while the dev server was down for 3 s`);

      await waitFor(`${at(0.3)} nodes`, async () => (await totalNodes()) >= at(0.3), 300_000);
      const restartAt = await totalNodes();
      await cluster.restartServer(2000);
      drills.push(`round ${round + 1}: dev server stopped for 2 s and restarted on the same database at ${restartAt} nodes`);
    }

    await Promise.race([
      (async () => {
        for (const id of runIds) summaries.set(id, await cluster.client.workflow.getHandle<typeof agentRun>(id).result());
      })(),
      sleep(RESULT_TIMEOUT_MS).then(() => { throw new Error(`the runs did not finish within ${RESULT_TIMEOUT_MS / 1000} s of the last drill`); }),
    ]);
  }

  /** What a stalled drill leaves to look at: each run's pending work, and the workers' last output. */
  async function diagnose(): Promise<string> {
    const lines = [`drills: ${drills.join('; ')}`, `endpoint: ${JSON.stringify(model.stats)}`];
    for (const id of runIds) {
      const d = await cluster.client.workflow.getHandle(id).describe().catch((e: Error) => e);
      if (d instanceof Error) {
        lines.push(`${id}: ${d.message}`);
        continue;
      }
      const raw = d.raw;
      lines.push(`${id}: ${d.status.name}, ${d.historyLength} events, workflow task attempt ${raw.pendingWorkflowTask?.attempt ?? '-'}`);
      for (const a of raw.pendingActivities ?? []) {
        lines.push(`  ${a.activityType?.name} attempt ${a.attempt} state ${a.state}: ${a.lastFailure?.message ?? ''}`);
      }
    }
    for (const [role, w] of [['control', cluster.control], ['exec', cluster.exec]] as const) {
      lines.push(`--- ${role} worker ${w ? `pid ${w.pid}, ${w.exitCode === null && w.signalCode === null ? 'alive' : `exited ${w.exitCode ?? w.signalCode}`}` : 'none'} ---`);
      if (w) lines.push(w.output().slice(-3000));
    }
    return lines.join('\n');
  }

  afterAll(async () => {
    await cluster?.stop();
    await llm?.close();
    console.log(`[chaos] drills: ${drills.join('; ')}`);
    console.log(`[chaos] endpoint: ${JSON.stringify(model.stats)}`);
  }, 60_000);

  it('every run finished with all its nodes; node ids match the history one to one (nothing lost or duplicated)', async () => {
    expect(drills).toHaveLength(3 * ROUNDS);
    // Every drill struck while work was left to do.
    for (const d of drills) expect(Number(/at (\d+)/.exec(d)![1])).toBeLessThan(RUNS * STEPS);
    for (const id of runIds) {
      const summary = summaries.get(id)!;
      expect(summary.nodes).toBe(STEPS);
      const nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
      const ids = Array.from({ length: STEPS }, (_, i) => i + 1);
      expect(nodes.map((n) => n.id)).toEqual([0, ...ids]);
      const histories = await chainHistories(cluster.client, id);
      expect(scheduledNodeIds(histories, 'operate')).toEqual(ids);
      const executed = scheduledNodeIds(histories, 'execute');
      expect(new Set(executed).size).toBe(executed.length);
      // A node whose proposal failed has no execution; every other one has exactly one.
      expect(executed).toEqual(nodes.filter((n) => n.id > 0 && n.exec !== null).map((n) => n.id));
    }
  });

  it('the endpoint and the solutions really failed, and each faulty solution ended as its fault should', async () => {
    for (const [k, n] of Object.entries(model.stats.httpFaults)) expect(n, `HTTP fault ${k}`).toBeGreaterThan(0);
    const seen = new Set<Fault>();
    for (const summary of summaries.values()) {
      const nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
      for (const n of nodes) {
        const fault = faultOf(n.plan);
        if (!fault || !n.exec) continue;
        seen.add(fault);
        expect(n.buggy, `${fault} node #${n.id}: ${n.bugReason}`).toBe(EXPECTED[fault].buggy);
        if (EXPECTED[fault].reason) expect(n.bugReason).toMatch(EXPECTED[fault].reason!);
      }
    }
    expect([...seen].sort()).toEqual([...FAULTS].sort());
    // Nothing a solution wrote outside its workspace exists on the host.
    const { stdout } = await promisify(execFile)('find', [cluster.stateRoot, '/tmp', '/etc', '/', '-maxdepth', '1', '-name', OUTSIDE_MARKER]);
    expect(stdout.trim()).toBe('');
    for (const p of [`/${OUTSIDE_MARKER}`, `/etc/${OUTSIDE_MARKER}`]) expect(existsSync(p)).toBe(false);
  });

  it('leaves nothing behind: no container, no worker or solution process, no workspace mount', async () => {
    await cluster.stopWorkers();
    expect((await containersOf(false)).map((c) => c.Names)).toEqual([]);
    for (const w of cluster.started) expect(w.exitCode !== null || w.signalCode !== null, `worker ${w.pid} exited`).toBe(true);
    const leftovers: string[] = [];
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cwd.startsWith(cluster.stateRoot) || cmdline.includes(cluster.queues.exec)) leftovers.push(`${pid} ${cmdline.replace(/\0/g, ' ')}`);
    }
    expect(leftovers).toEqual([]);
    const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').filter((l) => l.includes(cluster.stateRoot));
    expect(mounts).toEqual([]);
  });

  it('crucible doctor finds every artifact that the histories reference, intact', async () => {
    const r = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), ['doctor', '--json', ...runIds.flatMap((id) => ['--run', id])], {
      env: { ...process.env, TEMPORAL_ADDRESS: cluster.address, CRUCIBLE_HOME: cluster.stateRoot },
    }).catch((err: { code: number; stdout: string; stderr: string }) => {
      throw new Error(`crucible doctor exited ${err.code}:\n${err.stdout}\n${err.stderr}`);
    });
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.ok).toBe(true);
    expect(report.runs.map((x) => x.run).sort()).toEqual([...runIds].sort());
    for (const run of report.runs) {
      expect(run.executions).toBeGreaterThanOrEqual(1);
      expect(run.refs).toBeGreaterThan(STEPS);
      expect([run.missing, run.corrupt, run.unreadable]).toEqual([0, 0, 0]);
    }
  });
});

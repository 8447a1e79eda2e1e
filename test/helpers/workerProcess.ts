import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot, pythonPath } from '../../src/config/paths.js';

export type WorkerProcess = ChildProcess & { output: () => string; exited: Promise<void> };

/**
 * A TypeScript entry point as a separate OS process, so a test can SIGKILL it. `node --import tsx`,
 * not the tsx CLI: the CLI forks a second node process, and a SIGKILL of the CLI would leave the real
 * worker running.
 */
export function spawnScript(script: string, args: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, script), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return Object.assign(child, { output: () => log, exited });
}

/** The real worker process (`src/workers/main.ts`), control and exec roles together. */
export function spawnWorker(opts: { address: string; stateRoot: string; controlQueue: string; execQueue: string }): WorkerProcess {
  return spawnScript('src/workers/main.ts', ['--role', 'all', '--control-queue', opts.controlQueue, '--exec-queue', opts.execQueue], {
    TEMPORAL_ADDRESS: opts.address, CRUCIBLE_HOME: opts.stateRoot, CRUCIBLE_PYTHON: pythonPath(),
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot, pythonPath } from '../../src/config/paths.js';

/** A worker as a separate OS process (`src/workers/main.ts`), so a test can SIGKILL it. */
export function spawnWorker(opts: { address: string; stateRoot: string; controlQueue: string; execQueue: string }): ChildProcess & { output: () => string } {
  // `node --import tsx`, not the tsx CLI: the CLI forks a second node process, and a SIGKILL of the
  // CLI would leave the real worker running.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/workers/main.ts'), '--role', 'all',
    '--control-queue', opts.controlQueue, '--exec-queue', opts.execQueue], {
    cwd: projectRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: opts.address, CRUCIBLE_HOME: opts.stateRoot, CRUCIBLE_PYTHON: pythonPath() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => { log += d; });
  child.stderr!.on('data', (d) => { log += d; });
  return Object.assign(child, { output: () => log });
}

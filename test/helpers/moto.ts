/** A real local S3-compatible server (moto, from the project venv) for tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateDir } from '../../src/config/paths.js';
import { freePort } from '../../src/cli/devServer.js';

const MOTO_SERVER = path.join(stateDir(), 'venv', 'bin', 'moto_server');

export interface Moto { endpoint: string; stop(): Promise<void> }

export async function startMoto(): Promise<Moto> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(`moto_server is not installed (looked for ${MOTO_SERVER}); run \`bash scripts/setup.sh\` to install the test dependencies from scripts/requirements.txt`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-4000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exited = `code ${code}, signal ${signal}`; resolve(); }));
  child.once('error', (err) => { exited = err.message; });

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exitedPromise.then(() => true), sleep(5000).then(() => false)]);
      if (!killed) child.kill('SIGKILL');
    }
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`moto_server exited before it was ready (${exited}); run \`bash scripts/setup.sh\` if it is not installed properly. Output:\n${output}`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within 60 s. Output:\n${output}`);
    }
    await sleep(200);
  }
}

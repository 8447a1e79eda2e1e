import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startServer, stopServer, type DevServerOptions } from '../src/cli/devServer.js';


/** History length at which the test server suggests continue-as-new (the default is 4,096). */
export const CONTINUE_AS_NEW_EVENTS = 400;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    serverStateDir: string;
  }
}

/** One real Temporal dev server for the whole suite, on a free port with a throw-away database. */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'crucible-test-server-'));
  const opts: DevServerOptions = {
    stateDir, port: await freePort(), uiPort: null,
    // Low, so the long-run equivalence tests cross continue-as-new several times.
    extraArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${CONTINUE_AS_NEW_EVENTS}`],
  };
  const server = await startServer(opts);
  project.provide('temporalAddress', server.address);
  project.provide('serverStateDir', stateDir);
  return async () => {
    await stopServer(opts);
    await rm(stateDir, { recursive: true, force: true });
  };
}

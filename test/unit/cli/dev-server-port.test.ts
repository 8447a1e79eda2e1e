import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, portTaken, startServer } from '../../../src/cli/devServer.js';
import { tempDir } from '../tasks/fixtures.js';

/**
 * A port held by a program that is not a Temporal server (here a plain TCP server that never answers
 * gRPC): the dev server start says so on its first line, with what to do, and spawns nothing.
 */
describe('dev server start on a port another program holds', () => {
  let other: Server;
  let port: number;
  let root: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir: root, cleanup } = tempDir('crucible-port-'));
    port = await freePort();
    other = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => other.close(resolve));
    cleanup();
  });

  it('fails with the port, the cause and the remedy on the first line, and starts no server', async () => {
    const err = await startServer({ stateDir: root, port, uiPort: null }, 10_000).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message.split('\n')[0]).toBe(
      `port ${port} on 127.0.0.1 is taken by another program (not a Temporal server): stop it, or use another port with TEMPORAL_ADDRESS=localhost:<other port>`,
    );
    expect(existsSync(path.join(root, 'temporal.pid'))).toBe(false);
  });

  it('portTaken tells a held port from a free one', async () => {
    expect(await portTaken(port)).toBe(true);
    expect(await portTaken(await freePort())).toBe(false);
  });
});

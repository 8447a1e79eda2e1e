import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot, temporalCliPath } from '../../src/config/paths.js';
import { tempStateRoot } from '../helpers/temporal.js';
import { freePort } from '../../src/cli/devServer.js';


describe('`crucible server start|stop|status`', () => {
  it('starts a background dev server with its database, pid and log in the state folder, reuses it, and stops it', async () => {
    const state = await tempStateRoot();
    const port = await freePort();
    const env = { ...process.env, CRUCIBLE_HOME: state, TEMPORAL_ADDRESS: `localhost:${port}`, TEMPORAL_CLI_PATH: temporalCliPath() };
    const crucible = async (...args: string[]) => {
      try {
        const r = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), ['server', ...args], { env });
        return { code: 0, out: r.stdout };
      } catch (err) {
        const e = err as { code: number; stdout: string };
        return { code: e.code, out: e.stdout };
      }
    };

    expect(await crucible('status')).toMatchObject({ code: 3, out: expect.stringMatching(/not running/) });
    const started = await crucible('start');
    expect(started.out).toMatch(new RegExp(`Started Temporal dev server at localhost:${port} \\(pid \\d+\\)`));
    expect(started.out).toContain(`UI: http://localhost:${port + 1000}`);
    expect(existsSync(path.join(state, 'temporal.db'))).toBe(true);
    const pid = Number(await readFile(path.join(state, 'temporal.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).not.toThrow();

    expect((await crucible('start')).out).toMatch(/already running/);
    expect(await crucible('status')).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`running at localhost:${port} \\(pid ${pid}\\)`)) });

    expect((await crucible('stop')).out).toMatch(/Stopped/);
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await crucible('status')).code).toBe(3);
    // The database stays, so runs survive a restart of the server.
    expect(existsSync(path.join(state, 'temporal.db'))).toBe(true);
  });
});

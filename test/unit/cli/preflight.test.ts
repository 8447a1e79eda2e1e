import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, pythonPath, stateDir } from '../../../src/config/paths.js';
import { isFile } from '../../../src/tasks/files.js';
import { tempDir } from '../tasks/fixtures.js';

/**
 * `crucible run` refuses, before anything starts (no server, no run), an MLE-bench competition the
 * offline operators cannot work on, and one nobody can grade. The state folder is a fresh temp one:
 * a run started by mistake would leave a runs/ folder there.
 */
const CLI = path.join(projectRoot, 'bin', 'crucible');
const FIXTURES = path.join(projectRoot, 'test', 'fixtures');
const PYTHON = isFile(pythonPath()) ? pythonPath() : 'python3';

let root: string;
let cleanup: () => void;
let noMlebench: string;
beforeAll(() => {
  ({ dir: root, cleanup } = tempDir('crucible-preflight-'));
  // A Python that cannot import mlebench whatever is installed here.
  noMlebench = path.join(root, 'python-without-mlebench');
  writeFileSync(noMlebench, `#!/bin/sh\nexec ${JSON.stringify(PYTHON)} -I -S "$@"\n`, { mode: 0o755 });
});
afterAll(() => cleanup());

async function run(task: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env, CRUCIBLE_HOME: path.join(root, 'state'), CRUCIBLE_MLEBENCH_PYTHON: noMlebench,
    MLEBENCH_COMPETITIONS_DIR: path.join(FIXTURES, 'mlebench-registry'), TEMPORAL_ADDRESS: '127.0.0.1:1',
  };
  return promisify(execFile)(CLI, ['run', '--task', task, '--budget', '1m', ...extra], { env, encoding: 'utf8' })
    .then((out) => ({ code: 0, ...out }), (err: { code: number; stdout: string; stderr: string }) => err);
}

describe('crucible run checks before it starts', () => {
  it('an offline run on images in folders: exit 2, why, and how to run it with an LLM endpoint', async () => {
    const r = await run(path.join(FIXTURES, 'mlebench-lite', 'aerial-cactus-identification'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the offline operators cannot work on aerial-cactus-identification: .*no test table \(CSV\) in the public folder/);
    expect(r.stderr).toMatch(/Run it with an LLM endpoint: crucible run --task .* --llm-url <OpenAI-compatible URL> --llm-model <model>/);
    expect(existsSync(path.join(root, 'state', 'runs'))).toBe(false);
  });

  it('an LLM endpoint nobody listens on: exit 2 with the cause on the first line, before any server or run', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    // The bundled task, by its folder (the state folder here is a fresh one, with no tasks built).
    const r = await run(path.join(stateDir(), 'tasks', 'breast-cancer'), ['--llm-url', `http://127.0.0.1:${port}/v1`, '--llm-model', 'x', '--steps', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`crucible: cannot reach the LLM endpoint http://127.0.0.1:${port}/v1: connect ECONNREFUSED 127.0.0.1:${port}`);
    // TEMPORAL_ADDRESS is a port nothing serves: a command that got as far as the cluster would say so instead.
    expect(r.stdout).not.toMatch(/Temporal/);
    expect(existsSync(path.join(root, 'state', 'runs'))).toBe(false);
  });

  it('a competition with no native grader and no mlebench: exit 2, saying how to install mlebench', async () => {
    const r = await run(path.join(FIXTURES, 'mlebench-structure', 'champs-scalar-coupling'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/competition champs-scalar-coupling needs mlebench's grader .*pip install -e mle-bench/);
  });
});

import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtTasksDir, projectRoot } from '../../src/config/paths.js';
import { tempStateRoot, testEnv } from '../helpers/temporal.js';

const crucible = path.join(projectRoot, 'bin', 'crucible');
/** A seed no other test uses, so the check below sees only runs these commands could have started. */
const SEED = '424242';

describe('bad input to `crucible run`: clear error, exit code 2, no workflow started', () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let badTask: string;
  let runsBefore: number;

  const countRuns = async () => {
    let n = 0;
    for await (const _ of env.client.workflow.list({ query: `CrucibleSeed=${SEED}` })) n += 1;
    return n;
  };

  async function run(...args: string[]) {
    try {
      const r = await promisify(execFile)(crucible, ['run', '--seed', SEED, ...args], {
        env: { ...process.env, TEMPORAL_ADDRESS: env.address, CRUCIBLE_HOME: await tempStateRoot() },
      });
      return { code: 0, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stderr: string };
      return { code: e.code, stderr: e.stderr };
    }
  }

  beforeAll(async () => {
    env = await testEnv();
    badTask = path.join(await tempStateRoot(), 'bad-task');
    await mkdir(badTask, { recursive: true });
    await writeFile(path.join(badTask, 'task.yaml'), 'id: bad\nmetric: [unclosed\n');
    runsBefore = await countRuns();
  });
  afterAll(async () => env?.close());

  const good = () => ['--task', path.join(builtTasksDir(), 'breast-cancer')];

  it.each([
    ['unknown task', () => ['--task', 'no-such-task'], /no-such-task/],
    ['malformed task.yaml', () => ['--task', badTask], /task\.yaml/],
    ['unknown preset', () => [...good(), '--agent', 'gpt-genius'], /unknown agent preset "gpt-genius"/],
    ['zero budget', () => [...good(), '--budget', '0'], /--budget must be greater than zero/],
    ['unparseable budget', () => [...good(), '--budget', 'soon'], /--budget: invalid duration "soon"/],
  ])('%s', async (_name, args, message) => {
    const r = await run(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('started no workflow (and the check does see a run that good input starts)', async () => {
    expect(runsBefore).toBe(0);
    expect(await countRuns()).toBe(0);
    const ok = await run(...good(), '--detach', '--budget', '1m');
    expect(ok.code).toBe(0);
    let seen = 0;
    for (let i = 0; i < 50 && seen === 0; i++) {
      seen = await countRuns();
      if (seen === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(1);
    for await (const wf of env.client.workflow.list({ query: `CrucibleSeed=${SEED}` })) {
      await env.client.workflow.getHandle(wf.workflowId).terminate('bad-input test cleanup');
    }
  });
});

/**
 * Every bad input of table.yaml, built for real and fed to the real entry point:
 * - task folders and agent files through `crucible run`'s input builder (buildRunInput), as
 *   `--task <folder>` and `--agent <file>`: a UsageError (exit 2) naming the file and field;
 * - command-line arguments in process (buildRunInput) and, for a handful, through bin/crucible itself
 *   (spawned concurrently): exit 2 and the message on stderr;
 * - update payloads through a running agentRun workflow's validators on the suite's dev server;
 * - model replies through the operator's reply parser, and Analyze's review as the node's bug reason.
 * Each must be refused with an error matching the entry's pattern. Nothing may start: no workflow with
 * this file's seed exists after the bad commands (while a good command's run is seen), and the state
 * folders hold no runs/, artifacts or workspaces.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRunInput, UsageError, type RunOptions } from '../../src/cli/runInput.js';
import { projectRoot } from '../../src/config/paths.js';
import { applyReview } from '../../src/fitness/verdict.js';
import { parseReview } from '../../src/operators/llm/analyze.js';
import type { ChatCompletion } from '../../src/operators/llm/client.js';
import { extractPlanAndCode, pythonSyntaxChecker } from '../../src/operators/llm/response.js';
import { agentRun, hintUpdate, setBudgetUpdate } from '../../src/workflows/index.js';
import { testEnv, uniqueQueues } from '../helpers/temporal.js';
import { writeTask } from '../unit/tasks/fixtures.js';
import { AREAS, README_FILE, loadTable, renderReadme, type BadInput, type CliInput, type ConfigInput, type LlmInput, type TaskInput, type UpdateInput } from './table.js';

const table = loadTable();
const of = <A extends BadInput['area']>(area: A) => table.filter((e): e is Extract<BadInput, { area: A }> => e.area === area);

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-bad-inputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** The state folder (CRUCIBLE_HOME) of everything run in process here: it must stay empty. */
const stateHome = path.join(root, 'home');
/** A folder outside every task: link targets, and a public/ folder to link to. */
const outside = path.join(root, 'outside');
/** A valid task, and one whose task.yaml points outside it. */
const goodTask = writeTask(path.join(root, 'good-task'));
const traversalTask = writeTask(path.join(root, 'traversal-task'));
writeFileSync(path.join(traversalTask, 'task.yaml'), readFileSync(path.join(traversalTask, 'task.yaml'), 'utf8').replace('train: train.csv', 'train: ../../etc/passwd'));
mkdirSync(stateHome);
mkdirSync(outside);
writeFileSync(path.join(outside, 'secret.csv'), 'id,target\n1,1\n2,0\n');
cpSync(path.join(goodTask, 'public'), path.join(outside, 'public'), { recursive: true });

const SEED = '515151';
const defaults: RunOptions = { task: goodTask, agent: 'aira-greedy', seed: SEED, budget: '1m', execTimeout: '1m' };
const fill = (s: string) => s.replace('{goodTask}', goodTask).replace('{traversalTask}', traversalTask).replace('{outside}', outside);

beforeAll(() => {
  vi.stubEnv('CRUCIBLE_HOME', stateHome);
  vi.stubEnv('CRUCIBLE_LLM_BASE_URL', '');
  vi.stubEnv('CRUCIBLE_LLM_MODEL', '');
});
afterAll(() => vi.unstubAllEnvs());

/** The error `p` rejects with; it must reject. */
async function refusal(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err, 'the bad input was accepted').toBeInstanceOf(Error);
  return err as Error;
}

/** A fresh copy of the valid fixture task with the entry's edits applied. */
let taskCount = 0;
function buildTask(i: TaskInput): string {
  const dir = writeTask(path.join(root, `task-${taskCount++}`));
  const at = (rel: string) => path.join(dir, rel);
  const parent = (rel: string) => mkdirSync(path.dirname(at(rel)), { recursive: true });
  for (const rel of i.remove ?? []) rmSync(at(rel), { recursive: true, force: true });
  for (const rel of i.mkdir ?? []) mkdirSync(at(rel), { recursive: true });
  const put = (rel: string, content: string | Buffer) => {
    parent(rel);
    writeFileSync(at(rel), content);
  };
  for (const [rel, text] of Object.entries(i.write ?? {})) put(rel, text);
  for (const [rel, text] of Object.entries(i.latin1 ?? {})) put(rel, Buffer.from(text, 'latin1'));
  for (const [rel, text] of Object.entries(i.utf16 ?? {})) put(rel, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  for (const [rel, bytes] of Object.entries(i.sparse ?? {})) {
    parent(rel);
    writeFileSync(at(rel), '');
    truncateSync(at(rel), bytes);
  }
  for (const [rel, target] of Object.entries(i.symlink ?? {})) {
    parent(rel);
    rmSync(at(rel), { recursive: true, force: true });
    symlinkSync(fill(target), at(rel));
  }
  if (i.yaml || i.yamlAppend || i.latin1Yaml) {
    let text = readFileSync(at('task.yaml'), 'utf8');
    for (const [from, to] of i.yaml ?? []) {
      expect(text, `task.yaml has no "${from}"`).toContain(from);
      text = text.replace(from, to);
    }
    text += i.yamlAppend ?? '';
    writeFileSync(at('task.yaml'), i.latin1Yaml ? Buffer.from(text, 'latin1') : text);
  }
  return dir;
}

function buildAgentFile(i: ConfigInput): string {
  const dir = mkdtempSync(path.join(root, 'agent-'));
  const file = path.join(dir, i.file);
  if (i.text !== undefined) writeFileSync(file, i.text);
  if (i.latin1 !== undefined) writeFileSync(file, Buffer.from(i.latin1, 'latin1'));
  return file;
}

/** `$NaN` is NaN and `$repeat:C:N` is C repeated N times; everything else is itself. */
function decode(v: unknown): unknown {
  if (v === '$NaN') return Number.NaN;
  const repeat = typeof v === 'string' ? /^\$repeat:(.):(\d+)$/.exec(v) : null;
  if (repeat) return repeat[1]!.repeat(Number(repeat[2]));
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

describe('the bad-input table', () => {
  it('covers every area, every entry once', () => {
    const counts = Object.fromEntries(AREAS.map((a) => [a, of(a).length]));
    console.log(`[bad-inputs] ${table.length} entries: ${JSON.stringify(counts)}`);
    for (const a of AREAS) expect(counts[a], a).toBeGreaterThanOrEqual(5);
    expect(table.length).toBeGreaterThanOrEqual(40);
    expect(new Set(table.map((e) => `${e.area}: ${e.name}`)).size).toBe(table.length);
  });

  it('README.md is the table, rendered (regenerate with `npx tsx test/bad-inputs/readme.ts`)', () => {
    expect(readFileSync(README_FILE, 'utf8')).toBe(renderReadme(table));
  });
});

describe('task folders: `crucible run --task <folder>` refuses them, naming the file and field', () => {
  it.each(of('task').map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const dir = buildTask(e.input);
    const started = Date.now();
    const err = await refusal(buildRunInput({ ...defaults, task: dir }));
    const ms = Date.now() - started;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^--task: /);
    expect(err.message).toMatch(new RegExp(e.expected));
    if (e.input.maxMs !== undefined) expect(ms, `refused after ${ms} ms`).toBeLessThan(e.input.maxMs);
  });

  it('the valid fixture itself loads (so each refusal is the edit’s doing)', async () => {
    expect((await buildRunInput(defaults)).task.id).toBe('tiny');
  });
});

describe('agent files: `crucible run --agent <file>` refuses them, naming the file and field', () => {
  it.each(of('config').map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const err = await refusal(buildRunInput({ ...defaults, agent: buildAgentFile(e.input) }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^--agent: /);
    expect(err.message).toMatch(new RegExp(e.expected));
  });
});

describe('command-line arguments', () => {
  const inProcess = of('cli').filter((e) => e.input.options);
  const spawned = of('cli').filter((e) => e.input.argv);

  it.each(inProcess.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const options = Object.fromEntries(Object.entries((e.input as CliInput).options!).map(([k, v]) => [k, fill(v)]));
    const err = await refusal(buildRunInput({ ...defaults, ...options }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(new RegExp(e.expected));
  });

  describe('through bin/crucible', () => {
    let env: Awaited<ReturnType<typeof testEnv>>;
    beforeAll(async () => {
      env = await testEnv();
    });
    afterAll(async () => env?.close());
    const runsWithSeed = async () => {
      const ids: string[] = [];
      for await (const wf of env.client.workflow.list({ query: `CrucibleSeed=${SEED}` })) ids.push(wf.workflowId);
      return ids;
    };
    /** `crucible run --seed SEED …` with a state folder of its own; returns the exit status, stderr and that folder. */
    async function crucible(argv: string[]) {
      const home = mkdtempSync(path.join(root, 'cli-home-'));
      const env2 = { ...process.env, TEMPORAL_ADDRESS: env.address, CRUCIBLE_HOME: home, CRUCIBLE_LLM_BASE_URL: '', CRUCIBLE_LLM_MODEL: '' };
      try {
        const r = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), ['run', '--seed', SEED, ...argv], { env: env2 });
        return { code: 0, stderr: r.stderr, home };
      } catch (err) {
        const x = err as { code: number; stderr: string };
        return { code: x.code, stderr: x.stderr, home };
      }
    }

    it(`refuses ${spawned.length} bad command lines (exit 2, the flag named on stderr), starting nothing; a good one is seen starting`, async () => {
      expect(await runsWithSeed()).toEqual([]);
      const started = Date.now();
      const results = await Promise.all(spawned.map((e) => crucible((e.input as CliInput).argv!.map(fill))));
      console.log(`[bad-inputs] ${spawned.length} bad commands in ${Date.now() - started} ms`);
      spawned.forEach((e, i) => {
        const r = results[i]!;
        expect(r.code, `${e.name}: ${r.stderr}`).toBe(e.exitCode ?? 2);
        expect(r.stderr, e.name).toMatch(new RegExp(e.expected));
        // Nothing half-made: the command's state folder holds no run, artifact or workspace.
        for (const sub of ['runs', 'artifacts', 'workspaces']) expect(existsSync(path.join(r.home, sub)), `${e.name}: ${sub}`).toBe(false);
      });
      expect(await runsWithSeed()).toEqual([]);

      // The check can see a run: the same command with good input starts one.
      const ok = await crucible(['--task', goodTask, '--detach', '--budget', '1m']);
      expect(ok.code, ok.stderr).toBe(0);
      let ids: string[] = [];
      for (let i = 0; i < 50 && ids.length === 0; i++) {
        ids = await runsWithSeed();
        if (ids.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ids).toHaveLength(1);
      for (const id of ids) await env.client.workflow.getHandle(id).terminate('bad-inputs test cleanup');
    });
  });
});

describe("update payloads: a running run's validators reject them, and the run goes on", () => {
  let env: Awaited<ReturnType<typeof testEnv>>;
  let worker: Worker;
  let running: Promise<void>;
  let handle: Awaited<ReturnType<typeof startRun>>;
  const q = uniqueQueues('bad-updates');

  async function startRun() {
    const input = await buildRunInput({ ...defaults, seed: '0', budget: '10m' });
    // No exec worker, and a control worker without activities: the run waits for its task data,
    // with its update handlers (and their validators) live.
    return env.client.workflow.start(agentRun, { taskQueue: q.control, workflowId: q.workflowId, args: [{ ...input, execTaskQueue: q.exec }] });
  }

  beforeAll(async () => {
    env = await testEnv();
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: q.control, workflowBundle: env.workflowBundle });
    running = worker.run();
    handle = await startRun();
  });
  afterAll(async () => {
    await handle?.terminate('bad-inputs test cleanup').catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.close();
  });

  it.each(of('update').map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const { update, args } = e.input as UpdateInput;
    const def = update === 'setBudget' ? setBudgetUpdate : hintUpdate;
    const err = await refusal(handle.executeUpdate(def as typeof hintUpdate, { args: decode(args) as [string] }));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(new RegExp(e.expected));
  });

  it('left no trace in history, and good updates are still accepted', async () => {
    const history = await handle.fetchHistory();
    const accepted = history.events?.filter((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(accepted).toHaveLength(0);
    expect((await handle.executeUpdate(setBudgetUpdate, { args: [{ maxSteps: 7 }] })).status.budget.maxSteps).toBe(7);
    expect((await handle.executeUpdate(hintUpdate, { args: ['prefer simple models'] })).message).toMatch(/^hint 1 added/);
  });
});

describe('model replies', () => {
  const check = pythonSyntaxChecker();
  const needsReview = { score: null, buggy: true, bugReason: 'metrics.json missing', needsReview: true };

  it.each(of('llm-reply').map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const i = e.input as LlmInput;
    if (i.reply !== undefined) {
      const extracted = await extractPlanAndCode(i.reply, check);
      expect(extracted.ok).toBe(false);
      expect(!extracted.ok && extracted.error).toMatch(new RegExp(e.expected));
      return;
    }
    const message = {
      role: 'assistant', content: i.review?.content ?? null, refusal: null,
      tool_calls: i.review?.arguments === undefined ? undefined
        : [{ id: 'call_1', type: 'function', function: { name: 'submit_review', arguments: i.review.arguments } }],
    };
    const completion = { id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message }] };
    const verdict = applyReview(needsReview, parseReview(completion as unknown as ChatCompletion));
    expect(verdict.buggy).toBe(true);
    expect(verdict.bugReason).toMatch(new RegExp(e.expected));
  });
});

describe('nothing half-made', () => {
  it('the in-process state folder is still empty', () => {
    expect(readdirSync(stateHome)).toEqual([]);
  });
});

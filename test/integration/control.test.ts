/**
 * Steering a running run through its updates (pause, resume, stop, setBudget, hint) and queries, and
 * the `crucible pause|resume|stop|hint|budget` commands, against the suite's dev server with real
 * workers serving the real workflow; the activities are the scripted test doubles with random delays,
 * so a run lasts a few seconds.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperateInput } from '../../src/activities/types.js';
import { projectRoot } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import {
  agentRun, bestQuery, graphQuery, hintUpdate, pauseUpdate, resumeUpdate, setBudgetUpdate, statusQuery, stopUpdate,
} from '../../src/workflows/index.js';
import type { RunStatus } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness } from '../helpers/harness.js';
import { testEnv, type TestEnv } from '../helpers/temporal.js';

type Handle = WorkflowHandle<typeof agentRun>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the status query until `ok` holds (or fails after `timeoutMs`). */
async function waitStatus(handle: Handle, ok: (s: RunStatus) => boolean, timeoutMs = 30_000): Promise<RunStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await handle.query(statusQuery).catch(() => null);
    if (s && ok(s)) return s;
    if (Date.now() > until) throw new Error(`status never matched; last: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

async function graphOf(summary: RunSummary): Promise<NodeRecord[]> {
  return (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
}

/** Starts a run on scripted workers; `body` steers it while the workers run; returns the summary. */
async function steered(
  env: TestEnv,
  name: string,
  opts: { steps: string; parallelism?: number; maxDelayMs: number; budget?: string; onOperate?: (i: OperateInput) => void },
  body: (handle: Handle, workflowId: string) => Promise<void>,
): Promise<{ summary: RunSummary; handle: Handle; workflowId: string }> {
  const h = await startHarness({ name, scripted: { seed: 1, maxDelayMs: opts.maxDelayMs, onOperate: opts.onOperate } });
  try {
    const { workflowId } = h.queues;
    const input = await h.input({ steps: opts.steps, budget: opts.budget ?? '5m' });
    input.agent.parallelism = opts.parallelism ?? 1;
    const summary = await h.until((async () => {
      const handle = await h.start(input);
      await body(handle, workflowId);
      return handle.result();
    })());
    return { summary, handle: env.client.workflow.getHandle<typeof agentRun>(workflowId), workflowId };
  } finally {
    await h.close();
  }
}

/** The histories of every run of a workflow, following continue-as-new from the first run. */
async function runChain(env: TestEnv, workflowId: string) {
  const first = await env.client.workflow.getHandle(workflowId).describe();
  const out = [];
  let runId: string | null | undefined = first.raw.workflowExecutionInfo?.firstRunId ?? first.runId;
  while (runId) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    out.push(history);
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return out;
}

/** The validator's message of a rejected update. */
async function rejection(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

describe('steering a run: updates, queries and the CLI', () => {
  let env: TestEnv;
  beforeAll(async () => { env = await testEnv(); });
  afterAll(async () => env?.close());

  it('pause holds the run (running actions finish, no new nodes); resume continues to the step budget', async () => {
    const { summary } = await steered(env, 'pause', { steps: '8', maxDelayMs: 300 }, async (handle) => {
      await waitStatus(handle, (s) => s.nodes >= 2);
      const ack = await handle.executeUpdate(pauseUpdate);
      expect(ack.message).toMatch(/^paused run /);
      expect(ack.status.paused).toBe(true);
      // The action running at the pause finishes and commits; then nothing more starts.
      const held = await waitStatus(handle, (s) => s.inFlight === 0);
      await sleep(1500);
      const later = await handle.query(statusQuery);
      expect(later).toMatchObject({ paused: true, inFlight: 0, nodes: held.nodes, phase: 'searching' });
      expect(later.nodes).toBeLessThan(8);
      expect(later.left.wallMs).toBeGreaterThan(60_000); // the wall clock still runs while paused
      expect(await rejection(handle.executeUpdate(pauseUpdate))).toMatch(/is already paused$/);
      const resumed = await handle.executeUpdate(resumeUpdate);
      expect(resumed.status.paused).toBe(false);
    });
    expect(summary.stopReason).toBe('step budget');
    expect(summary.nodes).toBe(8);
    // Nothing was cancelled by the pause: held actions ran after the resume.
    for (const n of (await graphOf(summary)).slice(1)) expect(n.bugReason ?? '').not.toMatch(/cancelled/);
  });

  it('stop finishes gracefully: running actions finish (not cancelled), then selection and report', async () => {
    let ackedAt: RunStatus | undefined;
    const { summary, workflowId } = await steered(env, 'stop', { steps: '60', parallelism: 2, maxDelayMs: 500 }, async (handle) => {
      await waitStatus(handle, (s) => s.nodes >= 3 && s.bestNodeId !== null);
      const ack = await handle.executeUpdate(stopUpdate, { args: ['good enough'] });
      ackedAt = ack.status;
      expect(ack.message).toMatch(/^stopping run /);
      expect(await rejection(handle.executeUpdate(stopUpdate, { args: [null] }))).toMatch(/is already stopping \(stopped by user\)$/);
      expect(await rejection(handle.executeUpdate(pauseUpdate))).toMatch(/is finishing \(stopped by user\): it cannot be paused$/);
    });
    expect(summary.stopReason).toBe('stopped by user');
    expect(summary.stopNote).toBe('good enough');
    expect(summary.nodes).toBeLessThan(60);
    // The actions in flight at the stop finished and were committed; none was cancelled.
    expect(summary.nodes).toBe(ackedAt!.used.steps);
    const nodes = await graphOf(summary);
    for (const n of nodes.slice(1)) expect(n.bugReason ?? '').not.toMatch(/cancelled/);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    expect((history.events ?? []).filter((e) => e.activityTaskCancelRequestedEventAttributes)).toHaveLength(0);
    // A valid best node: the best validation score among the good nodes.
    const good = nodes.filter((n) => n.id > 0 && !n.buggy);
    expect(summary.best).not.toBeNull();
    expect(summary.best!.score).toBe(Math.max(...good.map((n) => n.score!)));
    expect(summary.best!.submissionRef).not.toBeNull();
  });

  it('setBudget extends the step budget (3 → 5 nodes) and the wall-clock deadline follows a new time budget', async () => {
    const { summary } = await steered(env, 'extend', { steps: '3', maxDelayMs: 300 }, async (handle) => {
      const before = await waitStatus(handle, () => true);
      const ack = await handle.executeUpdate(setBudgetUpdate, { args: [{ maxSteps: 5, wallMs: 2 * 3_600_000 }] });
      expect(ack.status.budget).toMatchObject({ maxSteps: 5, wallMs: 2 * 3_600_000 });
      expect(ack.status.deadline).toBe(before.startedAt + 2 * 3_600_000);
      expect(ack.status.left.wallMs).toBeGreaterThan(3_600_000);
      expect(ack.message).toMatch(/time 2:00:00, 5 steps$/);
    });
    expect(summary.stopReason).toBe('step budget');
    expect(summary.nodes).toBe(5);
  });

  it('setBudget cuts: fewer steps stop the run early; a time budget already used stops it like the deadline', async () => {
    const steps = await steered(env, 'cut-steps', { steps: '40', maxDelayMs: 300 }, async (handle) => {
      await waitStatus(handle, (s) => s.nodes >= 2);
      await handle.executeUpdate(setBudgetUpdate, { args: [{ maxSteps: 3 }] });
    });
    expect(steps.summary.stopReason).toBe('step budget');
    expect(steps.summary.nodes).toBeGreaterThanOrEqual(3);
    expect(steps.summary.nodes).toBeLessThanOrEqual(4); // 3, or the one already proposed when the cut came
    const wall = await steered(env, 'cut-wall', { steps: '40', maxDelayMs: 300 }, async (handle) => {
      await waitStatus(handle, (s) => s.nodes >= 2);
      await handle.executeUpdate(setBudgetUpdate, { args: [{ wallMs: 1000 }] });
    });
    expect(wall.summary.stopReason).toBe('wall-clock budget');
    expect(wall.summary.nodes).toBeLessThan(40);
  });

  it('a hint reaches the following operate calls and is recorded on the nodes made after it', async () => {
    const operated: OperateInput[] = [];
    const text = 'Try gradient boosting with early stopping';
    let hintedAtStep = 0;
    const { summary, handle } = await steered(env, 'hint', { steps: '6', maxDelayMs: 300, onOperate: (i) => operated.push(i) }, async (h) => {
      await waitStatus(h, (s) => s.nodes >= 2);
      const ack = await h.executeUpdate(hintUpdate, { args: [`  ${text}  `] });
      expect(ack.message).toMatch(/^hint 1 added to run /);
      expect(ack.status.hints).toBe(1);
      hintedAtStep = ack.status.used.steps;
    });
    expect(summary.nodes).toBe(6);
    expect(summary.hints).toEqual([{ id: 1, text, at: expect.any(Number) }]);
    const nodes = await graphOf(summary);
    // Nodes launched before the hint carry none; every node launched after it records it.
    for (const n of nodes.slice(1)) {
      const input = operated.find((o) => o.nodeId === n.id)!;
      // Parallelism 1: every node up to the one running at the hint was launched before it.
      expect(input.hints).toEqual(n.id > hintedAtStep ? [text] : []);
      expect(n.hintIds).toEqual(n.id > hintedAtStep ? [1] : []);
    }
    expect(nodes.slice(1).filter((n) => n.hintIds.includes(1)).length).toBeGreaterThan(0);
    expect(nodes.slice(1, 2).every((n) => n.hintIds.length === 0)).toBe(true);
    await expect(handle.result()).resolves.toMatchObject({ hints: [{ id: 1, text }] });
  });

  it('hints and budget changes survive continue-as-new (every 400 events here); pause and resume work in a continued run', async () => {
    const text = 'Prefer linear models';
    const { summary, workflowId } = await steered(env, 'carry', { steps: '30', maxDelayMs: 0 }, async (handle) => {
      await waitStatus(handle, () => true);
      await handle.executeUpdate(hintUpdate, { args: [text] });
      await handle.executeUpdate(setBudgetUpdate, { args: [{ maxSteps: 45 }] });
      await waitStatus(handle, (s) => s.continuedAsNew >= 1 && s.nodes >= 25);
      await handle.executeUpdate(pauseUpdate);
      const held = await waitStatus(handle, (s) => s.inFlight === 0);
      expect(held).toMatchObject({ paused: true, hints: 1, budget: { maxSteps: 45 } });
      await handle.executeUpdate(resumeUpdate);
    });
    expect(summary.continuedAsNew).toBeGreaterThanOrEqual(1);
    expect(summary.nodes).toBe(45);
    expect(summary.hints).toEqual([{ id: 1, text, at: expect.any(Number) }]);
    const nodes = await graphOf(summary);
    expect(nodes.slice(-10).every((n) => n.hintIds.length === 1 && n.hintIds[0] === 1)).toBe(true);
    for (const history of await runChain(env, workflowId)) {
      await Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history, workflowId);
    }
  });

  it('validators reject bad updates with clear messages and leave history untouched; the CLI reports them (exit 2); queries; replay', async () => {
    const crucible = async (...args: string[]) => {
      try {
        const r = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), args, { env: { ...process.env, TEMPORAL_ADDRESS: env.address } });
        return { code: 0, out: r.stdout, err: r.stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, out: e.stdout, err: e.stderr };
      }
    };
    let accepted = 0;
    const { summary, workflowId } = await steered(env, 'validate', { steps: '200', maxDelayMs: 400 }, async (handle, id) => {
      await waitStatus(handle, (s) => s.nodes >= 1);
      expect(await rejection(handle.executeUpdate(setBudgetUpdate, { args: [{ maxSteps: -1 }] }))).toBe('setBudget: maxSteps must be greater than zero (got -1)');
      expect(await rejection(handle.executeUpdate(setBudgetUpdate, { args: [{ wallMs: 0 }] }))).toBe('setBudget: wallMs must be greater than zero (got 0)');
      expect(await rejection(handle.executeUpdate(setBudgetUpdate, { args: [{}] }))).toMatch(/^setBudget: nothing to change/);
      expect(await rejection(handle.executeUpdate(resumeUpdate))).toBe(`run ${id} is not paused`);
      expect(await rejection(handle.executeUpdate(hintUpdate, { args: ['   '] }))).toBe('hint: the text must not be empty');
      expect(await rejection(handle.executeUpdate(hintUpdate, { args: ['x'.repeat(2001)] }))).toBe('hint: the text has 2001 characters; at most 2000 are allowed');

      // The CLI: accepted updates print the run's answer; rejected ones and unknown runs exit 2.
      const [resume, hint, unknown, badBudget] = await Promise.all([
        crucible('resume', id), crucible('hint', id, 'prefer simple models'), crucible('pause', 'no-such-run'), crucible('budget', id, '--steps=-3'),
      ]);
      expect(resume).toMatchObject({ code: 2, err: `crucible: rejected: run ${id} is not paused\n` });
      expect(hint.code).toBe(0);
      expect(hint.out).toMatch(new RegExp(`^hint 1 added to run ${id}: the next operator calls will see it\nsearching, \\d+ nodes`));
      expect(unknown).toMatchObject({ code: 2, err: 'crucible: no run "no-such-run": list runs with `crucible ls`\n' });
      expect(badBudget).toMatchObject({ code: 2, err: 'crucible: rejected: setBudget: maxSteps must be greater than zero (got -3)\n' });
      const [pause, budget] = [await crucible('pause', id), await crucible('budget', id, '--budget', '1h', '--steps', '150')];
      expect(pause.code).toBe(0);
      expect(pause.out).toMatch(/^paused run /);
      expect(budget.code).toBe(0);
      expect(budget.out).toMatch(/time 1:00:00, 150 steps\npaused, /);
      accepted = 3;

      // Queries: status with budgets used and left, best and graph.
      const status = await handle.query(statusQuery);
      expect(status).toMatchObject({ paused: true, hints: 1, budget: { maxSteps: 150, wallMs: 3_600_000 } });
      expect(status.left.steps).toBe(150 - status.used.steps);
      expect(status.left.tokens).toBeNull();
      const graph = await handle.query(graphQuery);
      expect(graph.nodes[0]!.operator).toBe('root');
      expect(graph.nodes.length - 1).toBeGreaterThanOrEqual(status.nodes);
      const best = await handle.query(bestQuery);
      expect(best?.id ?? null).toBe((await handle.query(statusQuery)).bestNodeId);

      const resumed = await crucible('resume', id);
      const stopped = await crucible('stop', id, '--reason', 'validated');
      expect([resumed.code, stopped.code]).toEqual([0, 0]);
      expect(stopped.out).toMatch(/^stopping run /);
      accepted += 2;
    });
    expect(summary).toMatchObject({ stopReason: 'stopped by user', stopNote: 'validated' });
    // Rejected updates left no events: only the accepted ones are in the history (of every run of the
    // chain: the suite's server suggests continue-as-new every 400 events, and paused state, hints and
    // budget travel across it).
    const histories = await runChain(env, workflowId);
    expect(histories).toHaveLength(summary.continuedAsNew + 1);
    const events = histories.flatMap((h) => h.events ?? []);
    expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(accepted);
    expect(events.filter((e) => e.workflowExecutionUpdateRejectedEventAttributes)).toHaveLength(0);
    // The histories with every kind of accepted update replay deterministically.
    for (const history of histories) {
      await expect(Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history, workflowId)).resolves.toBeUndefined();
    }
  });
});

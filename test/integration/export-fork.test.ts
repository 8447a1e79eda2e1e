/**
 * `crucible export`, `crucible replay` and `crucible fork` against the suite's dev server, with the real
 * workflow and scripted activities: an exported history replays cleanly (and fails against a changed
 * workflow), and a fork at node 3 starts with the old run's nodes 1..3 and adds new ones after them; the
 * same across continue-as-new (the suite's server suggests it every 400 events).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import { defaultExportDir, exportRun, nodeArtifacts } from '../../src/cli/export.js';
import { buildForkInput, forkRunId, startFork } from '../../src/cli/fork.js';
import { replayHistoryFile } from '../../src/cli/replay.js';
import { UsageError } from '../../src/cli/runInput.js';
import { artifactsDir, projectRoot, runsDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { agentRun } from '../../src/workflows/index.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SEED = 5;

const graphOf = async (summary: RunSummary) =>
  (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;

describe('export, replay and fork', () => {
  let h: Harness;
  let stateRoot: string;
  let q: Harness['queues'];
  let summary: RunSummary;

  beforeAll(async () => {
    h = await startHarness({ name: 'export-fork', scripted: { seed: SEED, maxDelayMs: 10 } });
    ({ stateRoot, queues: q } = h);
    const input = await h.input({ steps: '6', seed: String(SEED) });
    input.agent.parallelism = 2;
    summary = await h.runAgent(input);
  });
  afterAll(async () => h?.close());

  it('export writes the history, the run folder and every referenced artifact; the history replays, a changed workflow does not', async () => {
    expect(summary.nodes).toBe(6);
    const out = path.join(stateRoot, 'export');
    const store = new FileArtifactStore(artifactsDir(stateRoot));
    const r = await exportRun(h.client, q.workflowId, { out, runsRoot: runsDir(stateRoot), store });
    expect(r.histories).toEqual(['history-1.json']);
    expect(r.runFiles).toEqual(expect.arrayContaining(['graph.json', 'summary.json', 'best_solution.py', 'best_submission.csv']));
    expect(r.missing).toEqual([]);
    const nodes = await graphOf(summary);
    const refs = nodeArtifacts(nodes);
    expect(refs.length).toBeGreaterThan(1);
    expect(r.artifacts).toBe(refs.length);
    expect((await readdir(path.join(out, 'artifacts'))).sort()).toEqual(refs.map((x) => x.sha256).sort());
    for (const n of nodes.filter((x) => x.codeRef)) {
      expect(await readFile(path.join(out, 'artifacts', n.codeRef!.sha256), 'utf8')).toBe(n.operator);
    }
    expect((await stat(path.join(out, 'run', 'graph.json'))).isFile()).toBe(true);

    // The same JSON as `temporal workflow show -o json`: events with string ids and eventType names.
    const file = path.join(out, 'history-1.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as { events: { eventId: string; eventType: string }[] };
    expect(json.events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });

    const ok = await replayHistoryFile(file, h.workflowBundle);
    expect(ok).toEqual({ ok: true, events: json.events.length, workflowId: q.workflowId });

    const changed = await bundleWorkflows(path.join(projectRoot, 'test/fixtures/changed-workflow/index.ts'));
    const bad = await replayHistoryFile(file, changed);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.nondeterminism).toBe(true);
    expect(bad.message).toMatch(/event/i);

    await expect(replayHistoryFile(path.join(out, 'nope.json'), h.workflowBundle)).rejects.toBeInstanceOf(UsageError);
  });

  it('crucible export without --out writes into <state folder>/exports/<run>, not the current folder, and prints the path', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'crucible-export-cwd-'));
    const env = { ...process.env, CRUCIBLE_HOME: stateRoot, TEMPORAL_ADDRESS: h.address };
    const { stdout } = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), ['export', q.workflowId], { cwd, env, encoding: 'utf8' });
    const dir = path.join(stateRoot, 'exports', q.workflowId);
    expect(dir).toBe(defaultExportDir(q.workflowId, stateRoot));
    expect(stdout.split('\n')[0]).toBe(`Exported ${q.workflowId} to ${dir}:`);
    expect((await stat(path.join(dir, 'history-1.json'))).isFile()).toBe(true);
    expect(await readdir(cwd)).toEqual([]);
    await rm(cwd, { recursive: true });
  });

  it('a fork at node 3 starts with the old nodes 1..3 and adds new nodes after them; it replays too', async () => {
    const old = await graphOf(summary);
    const input = await buildForkInput(h.client, { runId: q.workflowId, at: 3, steps: '4', seed: '9' }, runsDir(stateRoot));
    expect(input.fork!.nodes.map((n) => n.id)).toEqual([1, 2, 3]);
    expect(input.budget.maxSteps).toBe(7);
    const runId = await startFork(h.client, input, q.control);
    expect(runId).toBe(`${q.workflowId}-fork`);
    expect(await forkRunId(h.client, q.workflowId)).toBe(`${q.workflowId}-fork2`);
    const forked = await h.client.workflow.getHandle<typeof agentRun>(runId).result();
    expect(forked.forkedFrom).toEqual({ runId: q.workflowId, atNode: 3 });
    expect(forked.nodes).toBe(7);
    const nodes = await graphOf(forked);
    const key = (n: NodeRecord) => ({ id: n.id, operator: n.operator, parents: n.parents, codeRef: n.codeRef, score: n.score, buggy: n.buggy });
    expect(nodes.slice(1, 4).map(key)).toEqual(old.slice(1, 4).map(key));
    expect(nodes.slice(1, 4)).toEqual(old.slice(1, 4));
    expect(nodes.slice(4).map((n) => n.id)).toEqual([4, 5, 6, 7]);
    // New nodes were made by this run, after the old one ended: not copies.
    const oldEnd = Math.max(...old.map((n) => n.createdAt));
    expect(nodes.slice(4).every((n) => n.createdAt >= oldEnd)).toBe(true);

    const out = path.join(stateRoot, 'export-fork');
    const r = await exportRun(h.client, runId, { out, runsRoot: runsDir(stateRoot), store: new FileArtifactStore(artifactsDir(stateRoot)) });
    expect(await replayHistoryFile(path.join(out, r.histories[0]!), h.workflowBundle)).toMatchObject({ ok: true });
  });

  it('across continue-as-new: one exported history per execution, each replays; a fork from the first execution gets full node records and continues as new itself', async () => {
    const longId = `${q.workflowId}-long`;
    // A time budget no busy machine reaches: this test is about the steps.
    const input = await h.input({ steps: '45', seed: String(SEED), budget: '1h' });
    input.agent.parallelism = 2;
    const long = await h.runAgent(input, { workflowId: longId });
    expect(long).toMatchObject({ nodes: 45, stopReason: 'step budget' });
    expect(long.continuedAsNew).toBeGreaterThanOrEqual(1);

    const out = path.join(stateRoot, 'export-long');
    const r = await exportRun(h.client, longId, { out, runsRoot: runsDir(stateRoot), store: new FileArtifactStore(artifactsDir(stateRoot)) });
    expect(r.histories).toHaveLength(long.continuedAsNew + 1);
    expect(r.missing).toEqual([]);
    for (const history of r.histories) expect(await replayHistoryFile(path.join(out, history), h.workflowBundle)).toMatchObject({ ok: true });

    // Node 30 was archived (compact in the carried graph) at the first continue-as-new: the fork still gets its full record.
    const old = await graphOf(long);
    const forkInput = await buildForkInput(h.client, { runId: longId, at: 30, steps: '45' }, runsDir(stateRoot));
    expect(forkInput.fork!.nodes).toEqual(old.slice(1, 31));
    expect(forkInput.fork!.nodes.every((n) => n.codeRef !== null && n.exec !== null)).toBe(true);
    const forked = await h.client.workflow.getHandle<typeof agentRun>(await startFork(h.client, forkInput, q.control)).result();
    expect(forked).toMatchObject({ nodes: 75, forkedFrom: { runId: longId, atNode: 30 } });
    expect(forked.continuedAsNew).toBeGreaterThanOrEqual(1);
    const nodes = await graphOf(forked);
    expect(nodes.slice(1, 31)).toEqual(old.slice(1, 31));
    expect(nodes.slice(31).map((n) => n.id)).toEqual(Array.from({ length: 45 }, (_, i) => i + 31));
  });

  it('fork refuses a policy whose state is not in the graph, and a node the run does not have', async () => {
    await expect(buildForkInput(h.client, { runId: q.workflowId, at: 3, agent: 'aira-mcts' }, runsDir(stateRoot)))
      .rejects.toThrow(/mcts policy, which cannot start from another run's graph/);
    await expect(buildForkInput(h.client, { runId: q.workflowId, at: 99 }, runsDir(stateRoot)))
      .rejects.toThrow(/has 6 node\(s\)/);
    await expect(buildForkInput(h.client, { runId: 'no-such-run', at: 1 }, runsDir(stateRoot))).rejects.toBeInstanceOf(UsageError);
  });
});

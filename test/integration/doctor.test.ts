/**
 * `crucible doctor` against a real short run (the real workflow, control and exec workers, a temp state
 * folder): all good at first; then one artifact is corrupted (a flipped byte) and another deleted, and
 * doctor names both (run, node, hash, file) and exits 1, from the history alone as well as with the run
 * folder. Orphan temp files of interrupted writes are a warning that --fix removes.
 */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import { cmdDoctor, doctor, ORPHAN_TEMP_AGE_MS, type DoctorReport } from '../../src/cli/doctor.js';
import { nodeArtifacts } from '../../src/cli/export.js';
import { UsageError } from '../../src/cli/runInput.js';
import { runsDir } from '../../src/config/paths.js';
import type { ArtifactRef } from '../../src/core/artifact.js';
import type { NodeRecord } from '../../src/core/node.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('crucible doctor: every artifact that history references is in the store, intact', () => {
  let h: Harness;
  let stateRoot: string;
  let store: FileArtifactStore;
  let summary: RunSummary;
  let nodes: NodeRecord[];
  let runId: string;

  beforeAll(async () => {
    h = await startHarness({ name: 'doctor' });
    ({ stateRoot, store } = h);
    runId = h.queues.workflowId;
    summary = await h.runAgent(await h.input({ steps: '3', seed: '3' }));
    nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Runs the command as `crucible doctor <args>` would, against this test's server and state folder. */
  async function runCommand(args: string[]): Promise<{ code: number; out: string }> {
    vi.stubEnv('TEMPORAL_ADDRESS', h.address);
    vi.stubEnv('CRUCIBLE_HOME', stateRoot);
    vi.stubEnv('CRUCIBLE_ARTIFACTS', '');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    try {
      const code = await cmdDoctor(args);
      return { code, out: lines.join('\n') };
    } finally {
      log.mockRestore();
    }
  }

  const nodesReferencing = (sha256: string) =>
    nodes.filter((n) => nodeArtifacts([n]).some((r) => r.sha256 === sha256)).map((n) => n.id);

  it('finds every artifact of the run (history, run folder, task data) present and intact: exit 0', async () => {
    expect(summary.nodes).toBe(3);
    const r = await doctor(h.client, { store, runsRoot: runsDir(stateRoot), runs: [runId] });
    expect(r.ok).toBe(true);
    expect(r.runs).toHaveLength(1);
    const run = r.runs[0]!;
    expect(run).toMatchObject({ run: runId, executions: 1, missing: 0, corrupt: 0, unreadable: 0, problems: [] });
    expect(run.runFiles).toEqual(expect.arrayContaining(['graph.json', 'summary.json']));
    // Every node artifact, the task data manifest, and the files it lists.
    expect(run.refs).toBeGreaterThan(nodeArtifacts(nodes).length + 1);
    expect(run.ok).toBe(run.refs);

    // The history alone (no run folder) references every node artifact too.
    const historyOnly = await doctor(h.client, { store, runsRoot: await mkdtemp(path.join(stateRoot, 'empty-')), runs: [runId] });
    expect(historyOnly.runs[0]!.runFiles).toEqual([]);
    expect(historyOnly.runs[0]!.refs).toBe(run.refs);

    const { code, out } = await runCommand(['--run', runId]);
    expect(code).toBe(0);
    expect(out).toContain(`${runId}: ${run.refs} refs checked, 0 missing, 0 corrupt`);
    expect(out).toContain('all good');
  });

  it('checks every agentRun on the server when no run is named', async () => {
    // The suite's server holds other tests' runs too (their artifacts are elsewhere): look at ours only.
    const r = await doctor(h.client, { store, runsRoot: runsDir(stateRoot) });
    const ours = r.runs.find((x) => x.run === runId);
    expect(ours).toMatchObject({ missing: 0, corrupt: 0, problems: [] });
    expect(ours!.refs).toBeGreaterThan(0);
  });

  it('warns about orphan temp files of interrupted writes and removes them with --fix, leaving fresh ones alone', async () => {
    const some = nodeArtifacts(nodes)[0]!;
    const orphan = `${store.pathOf(some.sha256)}.0123456789ab.tmp`;
    const fresh = path.join(store.root, 'ff', `${'f'.repeat(64)}.ba9876543210.tmp`);
    await mkdir(path.dirname(fresh), { recursive: true });
    await writeFile(orphan, 'half a blo');
    await writeFile(fresh, 'being written');
    const old = (Date.now() - ORPHAN_TEMP_AGE_MS - 60_000) / 1000;
    await utimes(orphan, old, old);

    const warned = await runCommand(['--run', runId]);
    expect(warned.code).toBe(0);
    expect(warned.out).toMatch(/warning: 1 orphan temp file/);
    expect(warned.out).toContain(orphan);
    expect(warned.out).not.toContain(fresh);
    await expect(readFile(orphan)).resolves.toBeDefined();

    const fixed = await runCommand(['--run', runId, '--fix', '--json']);
    expect(fixed.code).toBe(0);
    const report = JSON.parse(fixed.out) as DoctorReport;
    expect(report.tempFiles).toMatchObject({ orphans: [{ file: orphan, bytes: 10 }], inProgress: 1, removed: [orphan] });
    await expect(readFile(orphan)).rejects.toThrow(/ENOENT/);
    await expect(readFile(fresh, 'utf8')).resolves.toBe('being written');
    await rm(fresh);
  });

  it('reports a corrupted and a deleted artifact with run, node and hash, and exits 1', async () => {
    // Two artifacts of different nodes, each referenced by one blob only.
    const candidates = nodes.flatMap((n) => nodeArtifacts([n]).map((ref) => ({ node: n.id, ref })))
      .filter((c, i, all) => all.findIndex((d) => d.ref.sha256 === c.ref.sha256) === i && c.ref.bytes > 8);
    const corrupt = candidates.find((c) => nodes[c.node]!.codeRef?.sha256 === c.ref.sha256)!;
    const missing = candidates.find((c) => c.node !== corrupt.node && c.ref.sha256 !== corrupt.ref.sha256)!;
    expect(corrupt).toBeDefined();
    expect(missing).toBeDefined();
    const flip = async (ref: ArtifactRef) => {
      const bytes = await readFile(store.pathOf(ref.sha256));
      bytes[3] = bytes[3]! ^ 0x20;
      await writeFile(store.pathOf(ref.sha256), bytes);
    };
    await flip(corrupt.ref);
    await rm(store.pathOf(missing.ref.sha256));

    for (const runsRoot of [runsDir(stateRoot), await mkdtemp(path.join(stateRoot, 'empty-'))]) {
      const r = await doctor(h.client, { store, runsRoot, runs: [runId] });
      expect(r.ok).toBe(false);
      const run = r.runs[0]!;
      expect(run).toMatchObject({ missing: 1, corrupt: 1, unreadable: 0 });
      expect(run.ok).toBe(run.refs - 2);
      const byKind = Object.fromEntries(run.problems.map((p) => [p.kind, p]));
      expect(byKind.corrupt).toMatchObject({ run: runId, sha256: corrupt.ref.sha256, bytes: corrupt.ref.bytes });
      expect(byKind.corrupt!.nodes).toEqual(expect.arrayContaining(nodesReferencing(corrupt.ref.sha256)));
      expect(byKind.corrupt!.message).toContain(store.pathOf(corrupt.ref.sha256));
      expect(byKind.missing).toMatchObject({ run: runId, sha256: missing.ref.sha256 });
      expect(byKind.missing!.nodes).toEqual(expect.arrayContaining(nodesReferencing(missing.ref.sha256)));
      expect(byKind.missing!.message).toContain(store.pathOf(missing.ref.sha256));
    }

    const text = await runCommand(['--run', runId]);
    expect(text.code).toBe(1);
    expect(text.out).toContain(`${runId}: `);
    expect(text.out).toMatch(/1 missing, 1 corrupt/);
    expect(text.out).toMatch(new RegExp(`corrupt\\s+run ${runId} node [0-9,]*\\b${corrupt.node}\\b[0-9,]* ${corrupt.ref.sha256}`));
    expect(text.out).toMatch(new RegExp(`missing\\s+run ${runId} node [0-9,]*\\b${missing.node}\\b[0-9,]* ${missing.ref.sha256}`));
    expect(text.out).toContain('PROBLEMS FOUND');

    const json = await runCommand(['--run', runId, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(report.totals).toMatchObject({ runs: 1, missing: 1, corrupt: 1 });
    expect(report.runs[0]!.problems.map((p) => p.sha256).sort()).toEqual([corrupt.ref.sha256, missing.ref.sha256].sort());
  });

  it('rejects bad input (exit 2 in main): an unknown run, a stray argument, an unknown flag', async () => {
    await expect(runCommand(['--run', 'no-such-run-xyz'])).rejects.toBeInstanceOf(UsageError);
    await expect(runCommand(['--run', 'no-such-run-xyz'])).rejects.toThrow(/no run "no-such-run-xyz"/);
    await expect(runCommand([runId])).rejects.toBeInstanceOf(UsageError);
    await expect(runCommand(['--frobnicate'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });
});

describe('crucible doctor across continue-as-new', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ name: 'doctor-can', scripted: { seed: 4, maxDelayMs: 5 } }); });
  afterAll(async () => h?.close());

  it('reads every execution of the chain: an artifact only the first execution referenced is checked too', async () => {
    const { stateRoot, store, queues: q } = h;
    const input = await h.input({ steps: '130', seed: '4', budget: '30m' });
    input.agent.parallelism = 3;
    const summary = await h.runAgent(input);
    expect(summary.continuedAsNew).toBeGreaterThanOrEqual(1);
    const emptyRuns = await mkdtemp(path.join(stateRoot, 'empty-'));

    const all = await doctor(h.client, { store, runsRoot: runsDir(stateRoot), runs: [q.workflowId] });
    expect(all.ok).toBe(true);
    expect(all.runs[0]!.executions).toBe(summary.continuedAsNew + 1);
    const historyOnly = await doctor(h.client, { store, runsRoot: emptyRuns, runs: [q.workflowId] });
    expect(historyOnly.runs[0]!.refs).toBe(all.runs[0]!.refs);

    // Node 1's code was made in the first execution; with no run folder, only that history names it.
    const nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    const first = nodes[1]!.codeRef!;
    await rm(store.pathOf(first.sha256));
    const r = await doctor(h.client, { store, runsRoot: emptyRuns, runs: [q.workflowId] });
    expect(r.ok).toBe(false);
    expect(r.runs[0]!.problems).toEqual([expect.objectContaining({ kind: 'missing', sha256: first.sha256 })]);
    expect(r.runs[0]!.problems[0]!.places.join(' ')).toContain('(execution 1)');
  });
});

/**
 * `crucible watch`, `crucible ls` (filters) and `crucible show`, and `--json`/`--help` through bin/crucible,
 * against a run on the suite's dev server. The run's workers serve the real workflow with the scripted
 * activity doubles (short random delays), long enough to cross continue-as-new while being watched.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQuery, listRuns } from '../../src/cli/inspect.js';
import { followRun, type WatchOutcome } from '../../src/cli/watch.js';
import { projectRoot } from '../../src/config/paths.js';
import { initialSearchAttributes } from '../../src/workflows/searchAttributes.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const STEPS = 40;

describe('crucible watch, ls and show on a run that crosses continue-as-new', () => {
  let h: Harness;
  let runId: string;
  let live: { out: string; outcome: WatchOutcome };
  let summary: RunSummary;

  const crucible = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(path.join(projectRoot, 'bin', 'crucible'), args, {
        env: { ...process.env, TEMPORAL_ADDRESS: h.address, CRUCIBLE_HOME: h.stateRoot },
      });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, out: e.stdout, err: e.stderr };
    }
  };

  beforeAll(async () => {
    h = await startHarness({ name: 'watch', scripted: { seed: 4, maxDelayMs: 150 } });
    runId = h.queues.workflowId;
    const input = await h.input({ steps: String(STEPS) });
    input.agent.parallelism = 2;
    live = await h.until((async () => {
      await h.start(input, { typedSearchAttributes: initialSearchAttributes(input) });
      let out = '';
      const outcome = await followRun(h.client, runId, { json: false, tty: false, intervalMs: 200, write: (t) => { out += t; }, checkWorkers: false });
      return { out, outcome };
    })());
    if (!live.outcome.ok) throw new Error(live.outcome.message);
    summary = live.outcome.summary;
  }, 180_000);
  afterAll(async () => h?.close());

  it('watch prints every node exactly once, across continue-as-new, with progress lines, then ends with the summary', () => {
    expect(summary.continuedAsNew).toBeGreaterThanOrEqual(1);
    expect(summary.nodes).toBe(STEPS);
    const ids = [...live.out.matchAll(/^\[\d\d:\d\d\] #(\d+)\s/gm)].map((m) => Number(m[1]));
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(live.out).toMatch(/^\[[#-]{24}\] \d\d:\d\d \/ 05:00 {2}\d+ nodes of 40 \(\d running\) {2}(best \d\.\d{5} \(#\d+\)|no working node yet)$/m);
  });

  it('watch --json on a finished run: one event per node and the summary, each line valid JSON', async () => {
    let out = '';
    const outcome = await followRun(h.client, runId, { json: true, tty: false, intervalMs: 200, write: (t) => { out += t; }, checkWorkers: false });
    expect(outcome.ok).toBe(true);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; id?: number; runId?: string; nodes?: number });
    expect(events.filter((e) => e.type === 'node').map((e) => e.id)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'summary', runId, nodes: STEPS });
  });

  it('ls filters by the search attributes', async () => {
    const mine = `WorkflowId = '${runId}'`;
    // Visibility is eventually consistent: wait for the final attributes.
    for (let i = 0; i < 50; i++) {
      const [row] = await listRuns(h.client, listQuery({ query: mine }), 5);
      if (row?.status === 'completed' && row.nodes === STEPS) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const best = summary.best!.score;
    const rows = await listRuns(h.client, listQuery({ task: 'breast-cancer', agent: 'aira-greedy', status: 'completed', minScore: String(best), since: '1h', query: mine }), 5);
    expect(rows).toEqual([expect.objectContaining({ runId, status: 'completed', task: 'breast-cancer', policy: 'greedy', nodes: STEPS, bestScore: best })]);
    expect(await listRuns(h.client, listQuery({ task: 'wine', query: mine }), 5)).toEqual([]);
    expect(await listRuns(h.client, listQuery({ minScore: String(best + 1e-6), query: mine }), 5)).toEqual([]);
    expect(await listRuns(h.client, listQuery({ status: 'running', query: mine }), 5)).toEqual([]);
  });

  it('bin/crucible: ls --json, show --json, --help, and exit 2 for an unknown run or a bad filter', async () => {
    const [ls, show, help, unknown, badFilter] = await Promise.all([
      crucible('ls', '--json', '--task', 'breast-cancer', '--query', `WorkflowId = '${runId}'`),
      crucible('show', runId, '--json'),
      crucible('ls', '--help'),
      crucible('watch', 'no-such-run'),
      crucible('ls', '--status', 'done'),
    ]);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.out)).toEqual([expect.objectContaining({ runId, nodes: STEPS })]);
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.out) as { status: string; nodes: unknown[]; summary: RunSummary };
    expect(shown.status).toBe('completed');
    expect(shown.nodes).toHaveLength(STEPS + 1);
    expect(shown.summary.best?.id).toBe(summary.best?.id);
    expect(help).toMatchObject({ code: 0 });
    expect(help.out).toMatch(/^usage: crucible ls .*\n[\s\S]*Examples:\n\s+crucible ls --status running[\s\S]*Exit codes: 0 success/);
    expect(unknown).toMatchObject({ code: 2, err: 'crucible: no run "no-such-run": list runs with `crucible ls`\n' });
    expect(badFilter.code).toBe(2);
    expect(badFilter.err).toMatch(/^crucible: --status "done": expected one of running/);
  });
});

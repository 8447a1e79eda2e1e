/**
 * No hidden answer is recoverable from inside any sandbox. For every built task and every executor
 * here, the leak audit's route programs (test/fixtures/leak-audit) try to recover the answers, and
 * what they claim is scored against private/answers.csv: in the sandboxes as they are, nothing
 * better than chance. The same programs in two deliberately leaky set-ups (the task-building Python
 * in the process sandbox; isolation `none`, allowed) recover them, so the audit can fail. And isolation
 * `none` refuses every task whose answers are on this host unless the switch allows it.
 */
import { ApplicationFailure, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExecute } from '../../src/activities/execute.js';
import { UNISOLATED_ANSWERS, type ExecuteInput } from '../../src/activities/types.js';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import { builtTasksDir, pythonPath } from '../../src/config/paths.js';
import { ProcessExecutor } from '../../src/sandbox/process.js';
import { publishTaskData } from '../../src/tasks/dataRef.js';
import { listTaskIds, loadTask } from '../../src/tasks/load.js';
import type { TaskSpec } from '../../src/tasks/types.js';
import { NONE_SETUP, TASKS_VENV_SETUP, availableSetUps, renderAudit, runAudit, scoreClaims, type SetUpRun } from '../fixtures/leak-audit/audit.js';

const taskIds = listTaskIds(builtTasksDir());
const tasks: TaskSpec[] = await Promise.all(taskIds.map((id) => loadTask(id)));
const { setUps, missing } = await availableSetUps();
const runs: SetUpRun[] = [];
/** The executors solutions run in, as they are: Docker and bubblewrap, where this machine has them. */
const sandboxes = setUps.filter((s) => !s.leaky).map((s) => s.name);

beforeAll(async () => {
  runs.push(...(await runAudit(setUps, tasks)));
  console.log(`[leak-audit] ${missing.length ? `not here: ${missing.join('; ')}\n` : ''}${renderAudit(runs, taskIds)}`);
}, 540_000);

const run = (name: string): SetUpRun => {
  const r = runs.find((x) => x.setUp === name);
  if (!r) throw new Error(`no run of set-up ${name} (set-ups here: ${runs.map((x) => x.setUp).join(', ')}; missing: ${missing.join('; ')})`);
  return r;
};

describe('the leak audit', () => {
  it('covers every built task, a sandbox and both leaky set-ups, and every route ran to its end in every set-up', () => {
    expect(taskIds.length).toBeGreaterThanOrEqual(8);
    expect(sandboxes.length, `no sandbox here: ${missing.join('; ')}`).toBeGreaterThan(0);
    expect(setUps.filter((s) => s.leaky).map((s) => s.name)).toEqual([TASKS_VENV_SETUP, NONE_SETUP]);
    for (const r of runs) {
      expect({ setUp: r.setUp, exit: r.exitCode, signal: r.signal, oom: r.oomKilled, timedOut: r.timedOut }, r.stderrTail)
        .toEqual({ setUp: r.setUp, exit: 0, signal: null, oom: false, timedOut: false });
      for (const route of r.routes) {
        expect(route.summary, `${r.setUp}, route ${route.route}: no summary line`).not.toBeNull();
        expect(route.summary?.error, `${r.setUp}, route ${route.route}`).toBeUndefined();
      }
    }
  });

  it.each(sandboxes)('%s: no route recovers any answer better than chance, on any task', (name) => {
    const r = run(name);
    expect(r.leaky).toBe(false);
    for (const route of r.routes) {
      for (const [task, s] of Object.entries(route.scores)) {
        expect(s.correct, `${name}, route ${route.route}, ${task}: ${s.correct} of ${s.claimed} claimed rows right, chance ${s.chance}`).toBeLessThanOrEqual(s.chance);
      }
    }
  });

  it.each(sandboxes)('%s: the solution environment holds no packaged dataset and no npm data package', (name) => {
    const packaged = run(name).routes.find((x) => x.route === 'a')!.summary!;
    expect({ sklearn: packaged.sklearn, statsmodels: packaged.statsmodels, vega: packaged.vega_datasets, npm: packaged.npm })
      .toEqual({ sklearn: [], statsmodels: [], vega: [], npm: [] });
  });

  it.each(sandboxes)('%s: the walk listed the whole file system and screened every data file where Python keeps packages', (name) => {
    const walk = run(name).routes.find((x) => x.route === 'd')!.summary!;
    expect(walk.listed_all).toBe(true);
    expect(walk.packaged_data_listed as number).toBeGreaterThan(0);
    expect(walk.packaged_data_screened).toBe(walk.packaged_data_listed);
    // The image is small enough to screen whole; the host's /usr that bubblewrap shows is not (the table says how much).
    if (name === 'docker') expect(walk.screened_all, `screened ${String(walk.files_screened)} of ${String(walk.files_listed)}`).toBe(true);
  });

  it('the audit can fail: the task-building Python gives route (a) the answers; isolation none gives route (b) them', () => {
    const share = (setUp: string, route: string, task: string): number => {
      const s = run(setUp).routes.find((x) => x.route === route)!.scores[task]!;
      return s.correct / s.answers;
    };
    expect(share(TASKS_VENV_SETUP, 'a', 'breast-cancer')).toBeGreaterThanOrEqual(0.95);
    expect(share(NONE_SETUP, 'b', 'breast-cancer')).toBeGreaterThanOrEqual(0.95);
    // Each route finds something in some leaky set-up: none of them is blind.
    for (const route of ['a', 'b', 'c', 'd', 'e']) {
      const best = Math.max(...runs.filter((r) => r.leaky).flatMap((r) => Object.values(r.routes.find((x) => x.route === route)!.scores).map((s) => s.correct - s.chance)));
      expect(best, `route ${route} recovered nothing in any leaky set-up`).toBeGreaterThan(0);
    }
  });
});

describe('isolation none on the bundled tasks', () => {
  const silent: Logger = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const stateRoot = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'crucible-leak-audit-')));
  afterAll(() => rmSync(stateRoot, { recursive: true, force: true }));

  it.each(taskIds)('%s: refused before the solution runs, unless the switch allows it', async (id) => {
    const task = tasks.find((t) => t.id === id)!;
    const store = new FileArtifactStore(path.join(stateRoot, 'artifacts'));
    const dataRef = await publishTaskData(store, task.publicDir, { shared: [builtTasksDir()], indexDir: path.join(stateRoot, 'index') });
    const input: ExecuteInput = { runId: 'leak-audit', nodeId: 1, task, dataRef, codeRef: await store.put("print('ran')\n"), timeoutMs: 60_000 };
    const execute = makeExecute({
      store, executor: new ProcessExecutor({ python: pythonPath(), isolation: 'none', logger: { warn: () => undefined } }),
      workspaces: path.join(stateRoot, 'workspaces'), dataCache: path.join(stateRoot, 'cache'),
    });
    const err = await new MockActivityEnvironment(undefined, { logger: silent }).run(execute, input).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(UNISOLATED_ANSWERS);
    expect((err as ApplicationFailure).message).toContain(task.answersPath);
  });
});

describe('scoring a route\'s claims', () => {
  const answers = { header: ['id', 'target'], rows: [['1', '0'], ['2', '0'], ['3', '1'], ['4', '0']] };

  it('counts claimed scored rows, the right ones, and what the best constant gets right on them', () => {
    const claims = { header: ['id', 'target'], rows: [['1', '0'], ['3', '1'], ['4', '1'], ['99', '1']] };
    expect(scoreClaims(answers, 'id', claims)).toEqual({ claimed: 3, correct: 2, chance: 2, answers: 4 });
    expect(scoreClaims(answers, 'id', null)).toEqual({ claimed: 0, correct: 0, chance: 0, answers: 4 });
  });

  it('compares numbers as numbers, and a claim without the label column is wrong', () => {
    const numeric = { header: ['id', 'y'], rows: [['1', '30.0'], ['2', '12.5']] };
    expect(scoreClaims(numeric, 'id', { header: ['id', 'y'], rows: [['1', '30'], ['2', '12.50000001']] }).correct).toBe(2);
    expect(scoreClaims(numeric, 'id', { header: ['id', 'other'], rows: [['1', '30']] })).toEqual({ claimed: 1, correct: 0, chance: 1, answers: 2 });
  });
});

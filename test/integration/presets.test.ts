import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtTasksDir } from '../../src/config/paths.js';
import type { Direction, NodeRecord } from '../../src/core/node.js';
import { validateSubmission } from '../../src/tasks/submission.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * Each agent preset, end to end: a real server, one control and one exec worker on unique queues,
 * the offline operators, real Python in the process sandbox. The four runs share the worker pair and
 * run one after another (10–13 nodes each, 2–4 s a node; about 2.5 minutes in all on 2 cores). Both
 * metric directions are covered: diabetes (rmse, minimize) and breast-cancer (auc, maximize).
 *
 * A seed fixes the graph whatever the timing (the default 5-minute budget keeps the offline
 * operators in one program-size tier for as long as a run takes), so the seeds below are chosen so
 * that each run reaches what its policy checks are about: debugs in both Greedy runs, debug chains
 * and a second expansion for MCTS, generation 2 with crossovers for Evolutionary. A check that
 * needs such a node says so, with the run's trace, when a change to the operators moves a run off
 * that path: pick another seed then.
 */

interface PresetRun {
  input: AgentRunInput;
  summary: RunSummary;
  nodes: NodeRecord[];
}

const RUNS = {
  'aide-greedy': { task: 'diabetes', seed: 2, steps: 10 },
  'aira-greedy': { task: 'breast-cancer', seed: 1, steps: 10 },
  'aira-mcts': { task: 'diabetes', seed: 3, steps: 11 },
  'aira-evo': { task: 'breast-cancer', seed: 6, steps: 13 },
} as const;
type Preset = keyof typeof RUNS;

let h: Harness;

// The policies' debug paths need failures: the offline operators' test switch plants faults (config/offlineFaults.ts).
beforeAll(async () => { h = await startHarness({ name: 'presets', controlEnv: { CRUCIBLE_OFFLINE_FAULTS: 'on' } }); });

afterAll(async () => {
  await h?.close();
  if (h) await rm(h.stateRoot, { recursive: true, force: true });
});

async function runPreset(preset: Preset): Promise<PresetRun> {
  const { task, seed, steps } = RUNS[preset];
  const input = await h.input({ agent: preset, task: path.join(builtTasksDir(), task), seed: String(seed), steps: String(steps) });
  const summary = await h.runAgent(input, { workflowId: `${h.queues.workflowId}-${preset}` });
  const nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
  return { input, summary, nodes };
}

// ---- graph helpers, written out here rather than imported so the checks do not reuse the code they check

const isGood = (n: NodeRecord): boolean => n.id > 0 && !n.buggy && n.score !== null && Number.isFinite(n.score);
const better = (a: number, b: number, d: Direction): boolean => (d === 'maximize' ? a > b : a < b);

/** The best good node, earliest among equals; null when none is good. */
function bestOf(nodes: readonly NodeRecord[], direction: Direction): NodeRecord | null {
  let best: NodeRecord | null = null;
  for (const n of nodes) if (isGood(n) && (best === null || better(n.score!, best.score!, direction))) best = n;
  return best;
}

/**
 * The best node Improve may take, as the agent file's rules say (README, Agents): good, below the
 * metric's optimum (1 for auc), and not stalled (its last `patience` Improve children all failed to
 * beat it, a buggy one counting as a miss); null when there is none.
 */
function bestImprovable(nodes: readonly NodeRecord[], direction: Direction, optimum: number, patience: number): NodeRecord | null {
  const stalled = (n: NodeRecord): boolean => {
    const misses = nodes.filter((c) => c.operator === 'improve' && c.parents[0] === n.id).slice(-patience)
      .filter((c) => !isGood(c) || !better(c.score!, n.score!, direction));
    return misses.length === patience;
  };
  return bestOf(nodes.filter((n) => isGood(n) && better(optimum, n.score!, direction) && !stalled(n)), direction);
}

/** Buggy nodes nobody builds on, with debugDepth <= maxDepth: what Greedy may debug. */
function debuggableLeaves(nodes: readonly NodeRecord[], maxDepth: number): number[] {
  const parents = new Set(nodes.flatMap((n) => n.parents));
  return nodes.filter((n) => n.id > 0 && n.buggy && !parents.has(n.id) && n.debugDepth <= maxDepth).map((n) => n.id);
}

const nonDebug = (nodes: readonly NodeRecord[]) => nodes.filter((n) => n.id > 0 && n.operator !== 'debug');
const describeNodes = (nodes: readonly NodeRecord[]) =>
  nodes.slice(1).map((n) => `${n.id}:${n.operator}(${n.parents.join(',')})${n.buggy ? '!' : `=${n.score?.toFixed(4)}`}`).join(' ');

// ---- checks every preset's run must pass

function commonChecks(preset: Preset, get: () => PresetRun): void {
  const { task, steps } = RUNS[preset];

  it(`stops at the step budget with ${steps} nodes, ids in order`, () => {
    const { summary, nodes } = get();
    expect(summary).toMatchObject({ agent: preset, task, stopReason: 'step budget', nodes: steps });
    expect(nodes.map((n) => n.id)).toEqual([...Array(steps + 1).keys()]);
    expect(summary.buggyNodes).toBe(nodes.filter((n) => n.id > 0 && n.buggy).length);
  });

  it('every node ran: code and an execution; good nodes carry a hidden test score, buggy ones a reason', () => {
    for (const n of get().nodes.slice(1)) {
      expect(n.codeRef, `node ${n.id}`).not.toBeNull();
      expect(n.exec, `node ${n.id}`).not.toBeNull();
      if (n.buggy) {
        expect(n.bugReason, `node ${n.id}`).toMatch(/\w/);
        expect(n.testScore, `node ${n.id}`).toBeNull();
      } else {
        expect(Number.isFinite(n.score), `node ${n.id}`).toBe(true);
        expect(n.testScore, `node ${n.id}`).toEqual(expect.any(Number));
      }
    }
  });

  it('selects the best validation node in the task direction; its submission validates and its hidden grade is recorded', async () => {
    const { input, summary, nodes } = get();
    expect(input.task.direction).toBe(task === 'diabetes' ? 'minimize' : 'maximize');
    const good = nodes.filter(isGood);
    // Two different scores at least, so the direction of the choice matters.
    expect(new Set(good.map((n) => n.score)).size).toBeGreaterThan(1);
    const expected = bestOf(nodes, input.task.direction)!;
    for (const n of good) expect(better(n.score!, expected.score!, input.task.direction)).toBe(false);

    expect(summary.best).not.toBeNull();
    const best = summary.best!;
    expect(best.id).toBe(expected.id);
    expect(best.score).toBe(expected.score);
    expect(best.submissionRef).toEqual(nodes[best.id]!.exec!.submissionRef);

    const csv = await h.store.getText(best.submissionRef!);
    expect(validateSubmission(input.task, csv)).toMatchObject({ valid: true });
    expect(await readFile(path.join(summary.runDir, 'best_submission.csv'), 'utf8')).toBe(csv);

    expect(best.grade).toMatchObject({ validSubmission: true, score: expect.any(Number) });
    expect(best.grade!.score).toBe(nodes[best.id]!.testScore);
    expect(best.grade!.medianThreshold).toEqual(expect.any(Number)); // graded against the task's leaderboard
  });
}

// ---- the presets

describe.sequential('agent presets, each a whole run (real server, offline operators, real Python)', () => {
  describe('aira-greedy on breast-cancer (auc, maximize)', () => {
    let run: PresetRun;
    beforeAll(async () => { run = await runPreset('aira-greedy'); }, 150_000);
    commonChecks('aira-greedy', () => run);

    it('drafts five, then always debugs a buggy leaf when one exists, else improves the best node below AUC 1 not stalled, else drafts', () => {
      const { nodes, input } = run;
      const trace = describeNodes(nodes);
      expect(run.summary.policy).toBe('greedy');
      for (const n of nodes.slice(1, 6)) expect(n, trace).toMatchObject({ operator: 'draft', parents: [0] });
      let improves = 0;
      for (const n of nodes.slice(6)) {
        const before = nodes.slice(0, n.id);
        const debuggable = debuggableLeaves(before, 20);
        if (debuggable.length > 0) {
          expect(n.operator, trace).toBe('debug');
          expect(debuggable, trace).toContain(n.parents[0]);
        } else {
          const target = bestImprovable(before, input.task.direction, 1, 5);
          expect(n, trace).toMatchObject(target === null ? { operator: 'draft', parents: [0] } : { operator: 'improve', parents: [target.id] });
          if (target !== null) improves += 1;
        }
      }
      expect(improves, trace).toBeGreaterThanOrEqual(2);
      expect(nodes.some((n) => n.operator === 'debug'), `no debug in this run: ${trace}`).toBe(true);
    });
  });

  describe('aide-greedy on diabetes (rmse, minimize)', () => {
    let run: PresetRun;
    beforeAll(async () => { run = await runPreset('aide-greedy'); }, 150_000);
    commonChecks('aide-greedy', () => run);

    it('drafts five, then debugs a buggy leaf of depth <= 3 or improves the lowest-rmse node so far', () => {
      const { nodes, input } = run;
      const trace = describeNodes(nodes);
      expect(run.summary.policy).toBe('greedy');
      for (const n of nodes.slice(1, 6)) expect(n, trace).toMatchObject({ operator: 'draft', parents: [0] });
      const ops = new Set<string>();
      for (const n of nodes.slice(6)) {
        const before = nodes.slice(0, n.id);
        ops.add(n.operator);
        expect(['debug', 'improve'], trace).toContain(n.operator);
        if (n.operator === 'debug') expect(debuggableLeaves(before, 3), trace).toContain(n.parents[0]);
        else expect(n.parents, trace).toEqual([bestOf(before, input.task.direction)!.id]);
      }
      expect([...ops].sort(), `this run should both debug and improve: ${trace}`).toEqual(['debug', 'improve']);
    });
  });

  describe('aira-mcts on diabetes (rmse, minimize)', () => {
    let run: PresetRun;
    beforeAll(async () => { run = await runPreset('aira-mcts'); }, 150_000);
    commonChecks('aira-mcts', () => run);

    it('expands the root with five drafts, then improves the lowest-rmse node of that expansion five times', () => {
      const { nodes, input } = run;
      const trace = describeNodes(nodes);
      expect(run.summary.policy).toBe('mcts');
      const children = nonDebug(nodes);
      for (const n of children.slice(0, 5)) expect(n, trace).toMatchObject({ operator: 'draft', parents: [0] });
      // The first expansion: the five drafts and the debug chains of the buggy ones.
      const second = children.slice(5, 10);
      expect(second.length, `the run never reached the second expansion: ${trace}`).toBeGreaterThanOrEqual(3);
      const firstExpansion = nodes.slice(0, second[0]!.id);
      const best = bestOf(firstExpansion, input.task.direction)!;
      // UCT with equal visits picks the best normalised value: the lowest rmse for this task.
      for (const n of second) expect(n, trace).toMatchObject({ operator: 'improve', parents: [best.id] });
    });

    it('later children improve a non-root node; debugs only follow buggy nodes, one chain at a time per child', () => {
      const { nodes } = run;
      const trace = describeNodes(nodes);
      for (const n of nonDebug(nodes).slice(5)) {
        expect(n.operator, trace).toBe('improve');
        expect(n.parents, trace).toHaveLength(1);
        expect(n.parents[0], trace).toBeGreaterThan(0);
      }
      for (const n of nodes.filter((x) => x.operator === 'debug')) {
        expect(nodes[n.parents[0]!]!.buggy, trace).toBe(true);
        expect(nodes.filter((x) => x.parents[0] === n.parents[0] && x.operator === 'debug'), trace).toHaveLength(1);
      }
    });
  });

  describe('aira-evo on breast-cancer (auc, maximize)', () => {
    let run: PresetRun;
    beforeAll(async () => { run = await runPreset('aira-evo'); }, 150_000);
    commonChecks('aira-evo', () => run);

    it('generation 0 is five drafts; generation 1 improves good generation-0 members; no crossover before generation 2', () => {
      const { nodes } = run;
      const trace = describeNodes(nodes);
      expect(run.summary.policy).toBe('evolutionary');
      const individuals = nonDebug(nodes);
      for (const n of individuals.slice(0, 5)) expect(n, trace).toMatchObject({ operator: 'draft', parents: [0] });
      const gen1 = individuals.slice(5, 10);
      expect(gen1, trace).toHaveLength(5);
      for (const n of gen1) {
        expect(n.operator, trace).toBe('improve');
        const parent = nodes[n.parents[0]!]!;
        expect(isGood(parent), trace).toBe(true);
        expect(parent.id, trace).toBeLessThan(gen1[0]!.id); // bred from generation 0 (drafts or their fixes)
      }
      expect(nodes.slice(1, 11).some((n) => n.operator === 'crossover'), trace).toBe(false);
    });

    it('a crossover appears in generation 2; every crossover joins two distinct good members', () => {
      const { nodes } = run;
      const trace = describeNodes(nodes);
      const crossovers = nodes.filter((n) => n.operator === 'crossover');
      expect(crossovers.length, `no crossover in this run: ${trace}`).toBeGreaterThan(0);
      for (const n of crossovers) {
        expect(n.parents, trace).toHaveLength(2);
        expect(n.parents[0], trace).not.toBe(n.parents[1]);
        for (const p of n.parents) expect(isGood(nodes[p]!), trace).toBe(true);
      }
      for (const n of nodes.filter((x) => x.operator === 'improve')) expect(isGood(nodes[n.parents[0]!]!), trace).toBe(true);
    });
  });
});

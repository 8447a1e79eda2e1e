import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOffline, readGenome, renderSolution, type Genome } from '../../../src/operators/offline/index.js';
import { triedMutations } from '../../../src/operators/offline/plan.js';
import type { MemoryEntry } from '../../../src/operators/memory.js';
import type { ParentContext } from '../../../src/operators/types.js';
import { makeSyntheticTask } from './synthetic-task.js';

/** Repeated Improves of one node explore: each child makes a move its earlier siblings did not. */

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-improve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const task = makeSyntheticTask(root, 'cls', { type: 'tabular-classification', metric: 'auc' });

const parentGenome: Genome = {
  v: 1, impute: 'median', scale: 'standard', encode: 'onehot', features: 'none', target: 'none',
  model: { family: 'logistic', params: { C: 1.0, class_weight: null } }, validation: 'holdout-20', fault: null,
};
const parent: ParentContext = { nodeId: 7, plan: 'p', code: renderSolution(parentGenome, task), score: 0.91, buggy: false, bugReason: null, output: '' };

/** Improve of the parent, seeing these earlier children in its memory. */
function improve(seed: number, memory: MemoryEntry[]): { plan: string; genome: Genome } {
  const child = generateOffline({ op: 'improve', task, parents: [parent], seed, remainingSeconds: 3600, memory });
  const genome = readGenome(child.code, task.type);
  if (!genome) throw new Error('no genome');
  return { plan: child.plan, genome };
}

const entry = (nodeId: number, plan: string): MemoryEntry => ({ nodeId, operator: 'improve', plan, score: 0.9, buggy: false, bugReason: null });

describe('offline Improve explores', () => {
  it('reads the moves of earlier children of the same node back from their plans, and only theirs', () => {
    const a = improve(1, []);
    const tried = triedMutations(7, [entry(8, a.plan), entry(9, a.plan.replace('Improve node 7 ', 'Improve node 70 ')), { ...entry(10, a.plan), operator: 'draft' }]);
    expect(tried.size).toBe(1);
    const [key] = [...tried];
    expect(a.plan).toContain(`by one change: ${key?.split('=')[0]} goes from`);
  });

  it('without the earlier children in view, seeds repeat a move; with them, every child differs from the parent and from each sibling', () => {
    const blind = Array.from({ length: 12 }, (_, i) => JSON.stringify(improve(100 + i, []).genome));
    expect(new Set(blind).size).toBeLessThan(blind.length);

    const memory: MemoryEntry[] = [];
    const seen = new Set([JSON.stringify(parentGenome)]);
    for (let i = 0; i < 12; i++) {
      const child = improve(100 + i, memory);
      const key = JSON.stringify(child.genome);
      expect(seen.has(key), `child ${i} repeats: ${child.plan}`).toBe(false);
      seen.add(key);
      // Newest first, as the siblings scope lists them.
      memory.unshift(entry(20 + i, child.plan));
    }
  });

  it('is deterministic: the same seed and memory give the same child', () => {
    const memory = [entry(8, improve(1, []).plan)];
    expect(improve(2, memory)).toEqual(improve(2, memory));
  });

  it('repeats a move only when every move from the node was tried', () => {
    // A memory naming every move there is: Improve still returns a child, one change from the parent.
    const plans: MemoryEntry[] = [];
    for (let seed = 1; seed < 400; seed++) plans.push(entry(1000 + seed, improve(seed, []).plan));
    const child = improve(401, plans);
    expect(JSON.stringify(child.genome)).not.toBe(JSON.stringify(parentGenome));
  });
});

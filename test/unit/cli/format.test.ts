import { describe, expect, it } from 'vitest';
import { formatNodeLine, formatTree } from '../../../src/cli/format.js';
import type { NodeRecord } from '../../../src/core/node.js';

const node = (id: number, parents: number[], op: NodeRecord['operator'], score: number | null, bugReason: string | null = null): NodeRecord => ({
  id, parents, operator: op, plan: '', codeRef: null, score, buggy: score === null, bugReason, debugDepth: 0, testScore: null,
  exec: { exitCode: 0, timedOut: false, durationMs: 2500, stdoutRef: null, stderrRef: null, submissionRef: null }, createdAt: 1000 + id * 1000, llm: null, hintIds: [],
});

describe('terminal formatting', () => {
  it('a node line shows step, operator, parent, duration and score or bug reason', () => {
    expect(formatNodeLine(node(3, [0], 'draft', 0.98765), 1000)).toMatch(/\[00:03\] #3 +draft +← root +2\.5s +score 0\.98765/);
    expect(formatNodeLine(node(7, [4], 'debug', null, 'exit code 1: KeyError'), 1000)).toMatch(/#7 +debug +← #4 .*buggy: exit code 1: KeyError/);
  });

  it('the tree nests children under their parent', () => {
    const tree = formatTree([node(0, [], 'root', null), node(1, [0], 'draft', 0.9), node(2, [1], 'improve', 0.95), node(3, [0], 'draft', null, 'boom')]);
    expect(tree.split('\n')).toEqual([
      'root',
      '├─ #1 draft  score 0.90000  test —',
      '│  └─ #2 improve  score 0.95000  test —',
      '└─ #3 draft  buggy: boom',
    ]);
  });
});

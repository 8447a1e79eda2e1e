import { describe, expect, it } from 'vitest';
import { formatNodeLine, formatSummary, formatTree } from '../../../src/cli/format.js';
import { emptySpend } from '../../../src/core/spend.js';
import type { GradeOutput, RunSummary } from '../../../src/core/run.js';
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

  it("the tree shows why the hidden grader refused a node's submission", () => {
    const refused = { ...node(1, [0], 'draft', 0.9), testGrade: { validSubmission: false, reason: 'submission.csv: 3 rows, expected 5', gradedBy: 'mlebench' as const } };
    expect(formatTree([node(0, [], 'root', null), refused]).split('\n')[1]).toBe('└─ #1 draft  score 0.90000  test invalid: submission.csv: 3 rows, expected 5');
  });

  it('the summary names the grader and, for an invalid submission, why', () => {
    const grade: GradeOutput = {
      score: null, validSubmission: false, reason: 'submission.csv: missing column `EAP`', gradedBy: 'mlebench', isLowerBetter: true,
      medal: null, aboveMedian: false, goldThreshold: 0.2, silverThreshold: 0.3, bronzeThreshold: 0.4, medianThreshold: 0.5,
    };
    const summary: RunSummary = {
      runId: 'r', task: 't', metric: 'logloss', agent: 'a', policy: 'greedy', seed: 0, stopReason: 'step budget', nodes: 1, buggyNodes: 0,
      elapsedMs: 1000, continuedAsNew: 0, spend: emptySpend(), hints: [], runDir: '/runs/r',
      best: { id: 1, operator: 'draft', score: 0.3, codeRef: null, submissionRef: null, grade },
      selection: { strategy: 'validation', selections: [], oracle: null, gap: null },
    };
    const text = formatSummary(summary, null);
    expect(text).toContain('Medal: no medal (gold 0.20000, silver 0.30000, bronze 0.40000, median 0.50000), graded by mlebench');
    expect(text).toContain('The hidden grade found the submission invalid: submission.csv: missing column `EAP`');
    expect(text).toContain('grading_report.json');
    // A run from before issue 17 recorded no isolation: the summary says nothing of it.
    expect(text).not.toContain('Isolation');
  });

  it('the summary says once which isolation the executions ran under, and what none means', () => {
    const summary: RunSummary = {
      runId: 'r', task: 't', metric: 'auc', agent: 'a', policy: 'greedy', seed: 0, stopReason: 'step budget', nodes: 2, buggyNodes: 0,
      elapsedMs: 1000, continuedAsNew: 0, spend: emptySpend(), hints: [], runDir: '/runs/r', best: null,
      selection: { strategy: 'validation', selections: [], oracle: null, gap: null }, isolation: ['docker'],
    };
    const lines = formatSummary(summary, null).split('\n');
    expect(lines.filter((l) => l.startsWith('Isolation'))).toEqual(['Isolation: docker']);
    expect(formatSummary({ ...summary, isolation: ['bwrap', 'none'] }, null))
      .toContain("Isolation: bwrap, none ('none': solutions ran as plain processes of the worker, able to read every file it can)");
    expect(formatSummary({ ...summary, isolation: [] }, null)).toContain('Isolation: no solution was executed');
  });

  it('the summary lists the run folder files that were written: no best solution or submission when no node is good', () => {
    const summary: RunSummary = {
      runId: 'r', task: 't', metric: 'auc', agent: 'a', policy: 'greedy', seed: 0, stopReason: 'step budget', nodes: 2, buggyNodes: 2,
      elapsedMs: 1000, continuedAsNew: 0, spend: emptySpend(), hints: [], runDir: '/runs/r', best: null,
      selection: { strategy: 'validation', selections: [], oracle: null, gap: null },
    };
    const artifacts = (s: RunSummary) => formatSummary(s, null).split('\n').find((l) => l.startsWith('Artifacts'));
    expect(artifacts(summary)).toBe('Artifacts: /runs/r (graph.json, summary.json, grading_report.json)');
    const ref = { sha256: 'a'.repeat(64), bytes: 1, preview: '' };
    const best = { id: 1, operator: 'draft' as const, score: 0.9, codeRef: ref, submissionRef: ref, grade: null };
    expect(artifacts({ ...summary, best })).toBe('Artifacts: /runs/r (best_solution.py, best_submission.csv, graph.json, summary.json, grading_report.json)');
    expect(artifacts({ ...summary, best: { ...best, submissionRef: null } })).toBe('Artifacts: /runs/r (best_solution.py, graph.json, summary.json, grading_report.json)');
  });
});

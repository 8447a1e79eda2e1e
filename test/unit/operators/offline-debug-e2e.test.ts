import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLANTED_FAULT_RATES } from '../../../src/config/offlineFaults.js';
import { judgeExecution } from '../../../src/fitness/verdict.js';
import { FAULT_KINDS, generateOffline, geneDiff, readGenome, type FaultKind, type Genome } from '../../../src/operators/offline/index.js';
import type { OperatorResult, ParentContext } from '../../../src/operators/types.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import { validateSubmission } from '../../../src/tasks/submission.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { stripFaultRecord } from './planted.js';
import { makeSyntheticTask } from './synthetic-task.js';
import { renderSolution } from '../../../src/operators/offline/index.js';

/**
 * Debug works from the error alone. With the test switch on, each kind of planted fault fails for
 * real; Debug gets the failed parent with the genome line's record of the fault removed, names the
 * cause the error shows, and its child runs clean under the real verdict.
 */

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-debug-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const executor = new ProcessExecutor({ logger: { warn: () => {} } });
const TIMEOUT_MS = 60_000;

/** What Debug's plan must say it found, per planted fault, read from the error output and the data. */
const DIAGNOSED: Record<FaultKind, RegExp> = {
  'misspelled-column': /KeyError, neither the train nor the test table has a column 'targte'; the closest real column is 'target'/,
  'missing-metrics': /The cause: the script ends without writing metrics\.json/,
  'wrong-row-count': /does not match the sample submission \(invalid submission: submission\.csv: \d+ rows, expected \d+\)/,
  'float32-json': /could not be written to metrics\.json \(a value JSON cannot serialize\)/,
  'index-column': /does not match the sample submission \(invalid submission: submission\.csv: /,
};

let runs = 0;
/** Runs the code in the process sandbox and judges it as a run would: the node's verdict and its output. */
async function judged(task: TableTask, code: string): Promise<{ buggy: boolean; bugReason: string | null; output: string }> {
  const workDir = path.join(root, `run-${runs++}`);
  const exec = await executor.execute({ code, dataDir: task.publicDir, workDir, timeoutMs: TIMEOUT_MS, maxOutputBytes: 64 * 1024 });
  const read = (file: string): string | null => (existsSync(path.join(workDir, file)) ? readFileSync(path.join(workDir, file), 'utf8') : null);
  const submissionText = read('submission.csv');
  const verdict = judgeExecution({
    exec, metricsJson: read('metrics.json'), timeoutMs: TIMEOUT_MS,
    submission: submissionText === null ? null : validateSubmission(task, submissionText),
  });
  return { buggy: verdict.buggy, bugReason: verdict.bugReason, output: `${exec.stdout.text}\n${exec.stderr.text}` };
}

function genomeOf(code: string, task: TableTask): Genome {
  const g = readGenome(code, task.type);
  if (!g) throw new Error('no genome');
  return g;
}

/** Deterministic seed scan, with the test switch on: the first draft whose planted fault is `kind`. */
function draftWith(task: TableTask, kind: FaultKind): OperatorResult & { seed: number } {
  for (let seed = 1; seed < 500; seed++) {
    const d = generateOffline({ op: 'draft', task, parents: [], seed, remainingSeconds: 250, memory: [] }, PLANTED_FAULT_RATES);
    if (genomeOf(d.code, task).fault === kind) return { ...d, seed };
  }
  throw new Error(`no draft with fault ${kind}`);
}

describe('offline Debug, from the error alone', () => {
  it.each([
    { name: 'classification (auc)', task: makeSyntheticTask(root, 'cls', { type: 'tabular-classification', metric: 'auc' }) },
    { name: 'regression (rmse)', task: makeSyntheticTask(root, 'reg', { type: 'tabular-regression', metric: 'rmse' }) },
  ])('$name: every kind of planted fault fails, and Debug fixes it without its record', async ({ task }) => {
    for (const kind of FAULT_KINDS) {
      const draft = draftWith(task, kind);
      const failed = await judged(task, draft.code);
      expect(failed.buggy, `${kind} did not fail`).toBe(true);

      const code = stripFaultRecord(draft.code);
      expect(genomeOf(code, task).fault, kind).toBeNull();
      const parent: ParentContext = { nodeId: 7, plan: draft.plan, code, score: null, buggy: true, bugReason: failed.bugReason, output: failed.output };
      const child = generateOffline({ op: 'debug', task, parents: [parent], seed: draft.seed, remainingSeconds: 250, memory: [] });
      expect(child.plan, kind).toMatch(DIAGNOSED[kind]);
      expect(child.plan, kind).not.toContain('defensive');
      expect(geneDiff(genomeOf(code, task), genomeOf(child.code, task)), kind).toEqual([]);

      const fixed = await judged(task, child.code);
      expect(fixed, `${kind}: ${fixed.output}`).toMatchObject({ buggy: false, bugReason: null });
    }
  });
});

describe('offline Debug of a program broken for real', () => {
  it('a solution that reads its text from a column named text, on data whose text is in body: the KeyError is diagnosed and the repaired program runs', async () => {
    const publicDir = path.resolve('test/fixtures/offline-shapes/text-body/public');
    const task: TableTask = {
      id: 'text-body', name: 'text-body', type: 'text-classification', metric: 'f1', direction: 'maximize', target: 'target', idColumn: 'id',
      predictionColumns: ['target'], dir: path.dirname(publicDir), descriptionPath: path.join(publicDir, 'description.md'), publicDir,
      files: { train: path.join(publicDir, 'train.csv'), test: path.join(publicDir, 'test.csv'), sampleSubmission: path.join(publicDir, 'sample_submission.csv') },
      answersPath: path.join(path.dirname(publicDir), 'private', 'answers.csv'), gpu: false, selectionPath: null, leaderboardPath: null,
    };
    const genome: Genome = {
      v: 1, vectorizer: 'word-1-2', min_df: 1, max_features: 20000, sublinear_tf: true,
      model: { family: 'logistic', params: { C: 1.0, class_weight: null } }, validation: 'holdout-20', fault: null,
    };
    // The name-based choice the generator once made: no column of this data is called text.
    const broken = renderSolution(genome, task).replace('TEXT_COLUMN = text_column()', 'TEXT_COLUMN = "text"');
    expect(broken).toContain('TEXT_COLUMN = "text"');
    const failed = await judged(task, broken);
    expect(failed.buggy).toBe(true);
    expect(failed.output).toMatch(/KeyError: 'text'/);

    const parent: ParentContext = { nodeId: 3, plan: 'p', code: broken, score: null, buggy: true, bugReason: failed.bugReason, output: failed.output };
    const child = generateOffline({ op: 'debug', task, parents: [parent], seed: 5, remainingSeconds: 250, memory: [] });
    expect(child.plan).toContain("a KeyError, neither the train nor the test table has a column 'text'");
    expect(child.code).not.toContain('TEXT_COLUMN = "text"');
    const fixed = await judged(task, child.code);
    expect(fixed, fixed.output).toMatchObject({ buggy: false, bugReason: null });
    expect(fixed.output).toContain('documents in column body');
  });
});

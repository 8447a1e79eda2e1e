import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLANTED_FAULT_RATES } from '../../../src/config/offlineFaults.js';
import { pythonPath } from '../../../src/config/paths.js';
import { FAULT_KINDS, generateOffline, geneDiff, readGenome, renderSolution, type FaultKind, type Genome } from '../../../src/operators/offline/index.js';
import { ENCODE, FEATURES, IMPUTE, SCALE, TARGET, VALIDATION } from '../../../src/operators/offline/genome.js';
import { modelsFor } from '../../../src/operators/offline/models.js';
import type { OperatorResult, ParentContext } from '../../../src/operators/types.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import type { ExecResult } from '../../../src/sandbox/types.js';
import type { MetricName, TableTask } from '../../../src/tasks/types.js';
import { makeSyntheticTask } from './synthetic-task.js';

/**
 * Generated solutions really run: drafts train with the venv's scikit-learn, write a valid
 * submission and metrics.json; planted faults fail, and Debug's children of them succeed.
 */

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-offline-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const executor = new ProcessExecutor({ logger: { warn: () => {} } });
const classification = makeSyntheticTask(root, 'cls', { type: 'tabular-classification', metric: 'auc' });
const regression = makeSyntheticTask(root, 'reg', { type: 'tabular-regression', metric: 'rmse' });
const TEST_ROWS = 170;

let runs = 0;
async function run(task: TableTask, code: string): Promise<{ exec: ExecResult; problems: string[] }> {
  const workDir = path.join(root, `run-${runs++}`);
  const exec = await executor.execute({ code, dataDir: task.publicDir, workDir, timeoutMs: 60_000, maxOutputBytes: 64 * 1024 });
  return { exec, problems: checkOutputs(task, workDir) };
}

/** What the analyze step would reject: missing or malformed submission.csv and metrics.json. */
function checkOutputs(task: TableTask, workDir: string): string[] {
  const problems: string[] = [];
  const submissionPath = path.join(workDir, 'submission.csv');
  if (!existsSync(submissionPath)) problems.push('submission.csv missing');
  else {
    const [head, ...rows] = readFileSync(submissionPath, 'utf8').trim().split('\n');
    if (head !== `${task.idColumn},${task.target}`) problems.push(`submission columns: ${head}`);
    if (rows.length !== TEST_ROWS) problems.push(`submission rows: ${rows.length}`);
    const values = rows.map((r) => Number(r.split(',')[1]));
    if (!values.every(Number.isFinite)) problems.push('non-numeric predictions');
    if (task.metric === 'auc' && !values.every((v) => v >= 0 && v <= 1)) problems.push('auc predictions are not probabilities');
  }
  const metricsPath = path.join(workDir, 'metrics.json');
  if (!existsSync(metricsPath)) problems.push('metrics.json missing');
  else {
    try {
      const metrics = JSON.parse(readFileSync(metricsPath, 'utf8')) as { metric?: unknown; score?: unknown };
      if (metrics.metric !== task.metric) problems.push(`metric: ${String(metrics.metric)}`);
      if (typeof metrics.score !== 'number' || !Number.isFinite(metrics.score)) problems.push('score is not a finite number');
    } catch {
      problems.push('metrics.json is not JSON');
    }
  }
  return problems;
}

function genomeOf(code: string, task: TableTask): Genome {
  const g = readGenome(code, task.type);
  if (!g) throw new Error('no genome');
  return g;
}

/** Deterministic seed scan: the first draft whose planted fault is `kind` (null: no fault). */
function draftWith(task: TableTask, kind: FaultKind | null, exclude: string[] = []): OperatorResult & { seed: number } {
  for (let seed = 1; seed < 500; seed++) {
    // The test switch plants faults, so the scan finds drafts with and without one.
    const d = generateOffline({ op: 'draft', task, parents: [], seed, remainingSeconds: 250, memory: [] }, PLANTED_FAULT_RATES);
    const g = genomeOf(d.code, task);
    if (g.fault === kind && !exclude.includes(g.model.family)) return { ...d, seed };
  }
  throw new Error(`no draft with fault ${kind}`);
}

async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

function bugReason(exec: ExecResult, problems: string[]): string {
  if (exec.exitCode !== 0) {
    const lines = exec.stderr.text.trim().split('\n');
    return `exit code ${exec.exitCode}: ${lines[lines.length - 1] ?? ''}`;
  }
  return problems[0] ?? 'unknown';
}

describe('offline solutions, run for real', () => {
  const cases: { name: string; task: TableTask; faults: FaultKind[] }[] = [
    { name: 'classification (auc)', task: classification, faults: ['misspelled-column', 'wrong-row-count', 'float32-json'] },
    { name: 'regression (rmse)', task: regression, faults: ['missing-metrics', 'index-column'] },
  ];

  it.each(cases)('$name: clean drafts succeed; faulty drafts fail and their debug children succeed', async ({ task, faults }) => {
    const first = draftWith(task, null);
    const second = draftWith(task, null, [genomeOf(first.code, task).model.family]);
    const faulty = faults.map((kind) => draftWith(task, kind));
    const results = await pool([first, second, ...faulty].map((d) => () => run(task, d.code)));

    for (const [i, r] of results.slice(0, 2).entries()) {
      expect(r.exec.exitCode, r.exec.stderr.text).toBe(0);
      expect(r.exec.timedOut).toBe(false);
      expect(r.problems, `draft ${i}`).toEqual([]);
      expect(r.exec.stdout.text).toMatch(/wrote metrics\.json/);
    }

    const debugs = faulty.map((d, i) => {
      const r = results[i + 2] as { exec: ExecResult; problems: string[] };
      expect(r.exec.exitCode !== 0 || r.problems.length > 0, `fault ${faults[i]} did not fail`).toBe(true);
      const parent: ParentContext = {
        nodeId: i + 10, plan: d.plan, code: d.code, score: null, buggy: true,
        bugReason: bugReason(r.exec, r.problems), output: `${r.exec.stdout.text}\n${r.exec.stderr.text}`,
      };
      return generateOffline({ op: 'debug', task, parents: [parent], seed: d.seed, remainingSeconds: 250, memory: [] });
    });
    const fixed = await pool(debugs.map((d) => () => run(task, d.code)));
    fixed.forEach((r, i) => {
      expect(r.exec.exitCode, `${faults[i]}: ${r.exec.stderr.text}`).toBe(0);
      expect(r.problems, faults[i]).toEqual([]);
      expect(geneDiff(genomeOf(faulty[i]?.code ?? '', task), genomeOf(debugs[i]?.code ?? '', task))).toEqual([]);
    });
  });

  it('runs an improved child of a clean draft', async () => {
    const parentDraft = draftWith(regression, null);
    const parent: ParentContext = { nodeId: 1, plan: parentDraft.plan, code: parentDraft.code, score: 2.5, buggy: false, bugReason: null, output: '' };
    const child = generateOffline({ op: 'improve', task: regression, parents: [parent], seed: 77, remainingSeconds: 250, memory: [] }, { improveFaultRate: 0 });
    const r = await run(regression, child.code);
    expect(r.exec.exitCode, r.exec.stderr.text).toBe(0);
    expect(r.problems).toEqual([]);
  });
});

/** The n-th value of a list, wrapping around: varies every gene across the rendered programs. */
const cycle = <T,>(values: readonly T[], n: number): T => values[n % values.length] as T;

describe('offline solutions, compiled', () => {
  it('renders valid Python for every model family, metric and fault', () => {
    const metrics: Record<'tabular-classification' | 'tabular-regression', MetricName[]> = {
      'tabular-classification': ['accuracy', 'auc', 'logloss', 'f1'],
      'tabular-regression': ['rmse', 'mae'],
    };
    const files: string[] = [];
    let n = 0;
    for (const type of ['tabular-classification', 'tabular-regression'] as const) {
      for (const metric of metrics[type]) {
        const task = { ...(type === 'tabular-classification' ? classification : regression), metric };
        for (const spec of modelsFor(type)) {
          for (const fault of [null, ...FAULT_KINDS]) {
            const params = Object.fromEntries(spec.params.map((p) => [p.name, cycle(p.values, n)]));
            const genome: Genome = {
              v: 1, impute: cycle(IMPUTE, n), scale: cycle(SCALE, n), encode: cycle(ENCODE, n), features: cycle(FEATURES, n),
              target: type === 'tabular-regression' ? cycle(TARGET, n) : 'none',
              model: { family: spec.family, params }, validation: cycle(VALIDATION, n), fault,
            };
            const file = path.join(root, `compile-${n++}.py`);
            writeFileSync(file, renderSolution(genome, task));
            files.push(file);
          }
        }
      }
    }
    const check = 'import sys\nfor f in sys.argv[1:]:\n    compile(open(f).read(), f, "exec")\nprint(len(sys.argv) - 1)';
    expect(execFileSync(pythonPath(), ['-c', check, ...files], { encoding: 'utf8' }).trim()).toBe(String(files.length));
  });
});

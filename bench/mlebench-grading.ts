/**
 * MLE-bench grading, measured on mlebench's recorded verdicts (test/fixtures/mlebench-grades: the 22
 * lite competitions, ~660 synthetic submissions): every submission graded through gradeSubmission
 *   - by mlebench's own graders in the long-lived grading process (one Python for all grades),
 *   - by mlebench's own graders with a fresh Python per grade (the process closed after each one),
 *   - by Crucible's native graders (`mlebench: false`),
 * counting agreements with what mlebench recorded (validity, and the reported score where valid) and
 * the mean time per grade.
 *
 * usage: CRUCIBLE_MLEBENCH_PYTHON=/path/to/python-with-mlebench npx tsx bench/mlebench-grading.ts [--fresh-every N]
 * --fresh-every N grades only every N-th submission with a fresh Python (default 1: all of them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gradeSubmission, type GradeOptions, type GradeReport } from '../src/tasks/grade.js';
import { closeMlebenchGraders } from '../src/tasks/sources/mlebenchGrader.js';
import { findMlebenchRegistry } from '../src/tasks/sources/mlebenchRegistry.js';
import type { TaskSpec } from '../src/tasks/types.js';
import { recordedCompetitions, recordedDataDir, recordedNumber, recordedSubmission, recordedTask, type Recorded } from '../test/helpers/mlebenchGrades.js';

interface Case {
  task: TaskSpec;
  kind: string;
  text: string;
  recorded: Recorded;
}

interface Tally {
  grades: number;
  sameValidity: number;
  sameReport: number;
  ms: number[];
  gradedBy: Set<string>;
}

function agrees(report: GradeReport, recorded: Recorded): { validity: boolean; report: boolean } {
  const validity = report.validSubmission === recorded.valid;
  return { validity, report: validity && (!recorded.valid || Object.is(report.score, recordedNumber(recorded.reported))) };
}

async function run(cases: readonly Case[], options: GradeOptions, afterEach: () => Promise<void> = async () => {}): Promise<Tally> {
  const t: Tally = { grades: 0, sameValidity: 0, sameReport: 0, ms: [], gradedBy: new Set() };
  for (const c of cases) {
    const started = performance.now();
    const report = await gradeSubmission(c.task, c.text, options);
    await afterEach();
    t.ms.push(performance.now() - started);
    const a = agrees(report, c.recorded);
    t.grades++;
    t.sameValidity += Number(a.validity);
    t.sameReport += Number(a.report);
    t.gradedBy.add(report.gradedBy);
  }
  return t;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function row(name: string, t: Tally): string {
  const pct = (n: number) => `${n}/${t.grades} (${((100 * n) / t.grades).toFixed(1)}%)`;
  return `| ${name} | ${[...t.gradedBy].join(', ')} | ${pct(t.sameValidity)} | ${pct(t.sameReport)} | ${mean(t.ms).toFixed(1)} | ${t.ms[0]!.toFixed(0)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'fresh-every': { type: 'string', default: '1' } } });
  const freshEvery = Number(values['fresh-every']);
  if (!Number.isInteger(freshEvery) || freshEvery < 1) throw new Error(`--fresh-every must be a positive integer (got "${values['fresh-every']}")`);
  const python = process.env.CRUCIBLE_MLEBENCH_PYTHON;
  if (!python) throw new Error('set CRUCIBLE_MLEBENCH_PYTHON to a Python with mlebench installed (git clone https://github.com/openai/mle-bench && pip install -e mle-bench)');

  const competitions = recordedCompetitions();
  const { competitionsDir } = await findMlebenchRegistry(python);
  const root = mkdtempSync(path.join(tmpdir(), 'crucible-bench-mlebench-'));
  try {
    const dataDir = recordedDataDir(root, competitionsDir, competitions);
    const cases: Case[] = competitions.flatMap((c) => {
      const task = recordedTask(c, { dataDir, registryDir: path.join(competitionsDir, c.competitionId) });
      return Object.entries(c.results).map(([kind, recorded]) => ({ task, kind, recorded, text: recordedSubmission(c.competitionId, kind) }));
    });
    console.log(`${cases.length} recorded submissions of ${competitions.length} competitions; mlebench in ${python}\n`);

    // Each row is printed as soon as it is measured: the fresh-Python path takes long on a busy machine.
    console.log('| path | graded by | same validity | same validity and reported score | mean ms per grade | first grade ms |');
    console.log('|---|---|---|---|---|---|');
    const native = await run(cases, { mlebench: false });
    console.log(row('Crucible native graders', native));
    const longLived = await run(cases, {});
    console.log(row('mlebench, long-lived process', longLived));
    await closeMlebenchGraders();
    const fresh = await run(cases.filter((_, i) => i % freshEvery === 0), {}, closeMlebenchGraders);
    console.log(row(`mlebench, fresh Python per grade${freshEvery > 1 ? ` (every ${freshEvery}th)` : ''}`, fresh));
    console.log(`\nlong-lived vs fresh Python: ${(mean(fresh.ms) / mean(longLived.ms)).toFixed(1)}x less time per grade`);
  } finally {
    await closeMlebenchGraders();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

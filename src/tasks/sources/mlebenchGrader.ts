/**
 * Grading of MLE-bench tasks by the real mlebench grader (mlebench_grade.py in the project's or the
 * configured Python), when the package is installed and knows the competition.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../../config/paths.js';
import { TaskError } from '../errors.js';
import type { TaskSpec } from '../types.js';
import { defaultPython } from './mlebench.js';

/** MLE-bench's CompetitionReport.to_dict(), as printed by the grading script. */
const reportSchema = z.looseObject({
  competition_id: z.string(),
  score: z.number().nullable(),
  gold_threshold: z.number(),
  silver_threshold: z.number(),
  bronze_threshold: z.number(),
  median_threshold: z.number(),
  any_medal: z.boolean(),
  gold_medal: z.boolean(),
  silver_medal: z.boolean(),
  bronze_medal: z.boolean(),
  above_median: z.boolean(),
  submission_exists: z.boolean(),
  valid_submission: z.boolean(),
  is_lower_better: z.boolean(),
});
export type MlebenchReport = z.infer<typeof reportSchema>;

export interface MlebenchGraderOptions {
  /** Python executable; default defaultPython(). */
  python?: string;
  /** Extra environment for the Python process (e.g. PYTHONPATH). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** mlebench_grade.py's MARKER: its report is the stdout line that starts with it. */
const MARKER = 'CRUCIBLE_MLEBENCH_REPORT ';

/** Read from disk at each grading, as data_overview.py is (activities/describeData.ts). */
const GRADE_SCRIPT = path.join(projectRoot, 'src', 'tasks', 'sources', 'mlebench_grade.py');

export type MlebenchGradeResult =
  | { available: true; report: MlebenchReport; log: string }
  | { available: false; why: string };

/** Python + environment combinations known to lack mlebench or the competition. */
const unavailable = new Map<string, string>();

/**
 * Grades a submission file with the real mlebench grader (`grade_csv` of the competition, data dir
 * from the task). `available: false` when Python, the package or the competition is missing, so the
 * caller can grade it itself; a grader that fails otherwise is a TaskError.
 */
export async function runMlebenchGrader(task: TaskSpec, submissionCsvText: string, options: MlebenchGraderOptions = {}): Promise<MlebenchGradeResult> {
  const src = task.mlebench;
  if (src === undefined) return { available: false, why: 'not an MLE-bench task' };
  const python = options.python ?? defaultPython();
  const key = JSON.stringify([python, options.env ?? {}, src.dataDir, src.competitionId]);
  const known = unavailable.get(key);
  if (known !== undefined) return { available: false, why: known };
  const tmp = await mkdtemp(path.join(tmpdir(), 'crucible-mlebench-'));
  try {
    const submissionPath = path.join(tmp, 'submission.csv');
    await writeFile(submissionPath, submissionCsvText);
    // With -c, sys.path starts with the working directory (as for `python -c`), not src/tasks/sources.
    const script = await readFile(GRADE_SCRIPT, 'utf8');
    const run = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        python,
        ['-c', script, src.dataDir, src.competitionId, submissionPath],
        { env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 600_000, maxBuffer: 16 << 20, encoding: 'utf8' },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : ((err as NodeJS.ErrnoException).code ?? null), stdout, stderr }),
      );
    });
    if (run.code === 'ENOENT' || run.code === 3 || run.code === 4) {
      const why = run.code === 'ENOENT' ? `no Python at ${python}` : run.stderr.trim().split('\n').pop() ?? 'mlebench unavailable';
      unavailable.set(key, why);
      return { available: false, why };
    }
    const line = run.stdout.split('\n').find((l) => l.startsWith(MARKER));
    if (run.code !== 0 || line === undefined) {
      throw new TaskError(
        `mlebench grader for ${src.competitionId} failed (exit ${String(run.code)}): ${run.stderr.trim().split('\n').slice(-5).join(' | ') || 'no output'}`,
      );
    }
    let data: unknown;
    try {
      data = JSON.parse(line.slice(MARKER.length));
    } catch {
      throw new TaskError(`mlebench grader for ${src.competitionId}: unreadable report ${JSON.stringify(line.slice(0, 200))}`);
    }
    const parsed = reportSchema.safeParse(data);
    if (!parsed.success) {
      throw new TaskError(`mlebench grader for ${src.competitionId}: unexpected report: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return { available: true, report: parsed.data, log: run.stderr };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Why mlebench found a submission invalid, from its log ("Invalid submission: …"), if it said. */
export function mlebenchInvalidReason(log: string): string | null {
  const lines = log.split('\n').filter((l) => /Invalid submission|Unexpected error during grading/.test(l));
  const last = lines.pop();
  if (last === undefined) return null;
  const at = last.search(/Invalid submission|Unexpected error during grading/);
  return last.slice(at).trim();
}

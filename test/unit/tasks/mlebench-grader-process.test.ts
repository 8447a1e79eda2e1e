import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { TaskError } from '../../../src/tasks/errors.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { mlebenchGradingAuthority } from '../../../src/tasks/mlebenchGrade.js';
import { closeMlebenchGraders, gradeWithMlebench, mlebenchGraderProcess } from '../../../src/tasks/sources/mlebenchGrader.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { recordedCompetitions, recordedTask } from '../../helpers/mlebenchGrades.js';
import { tempDir } from './fixtures.js';
import { alive } from '../../helpers/processes.js';

/**
 * The Node side of the long-lived mlebench grading process, against a test double of its protocol
 * (mlebench_grader_double.py: no mlebench needed): requests answered one at a time in order by one
 * process, a crash restarted once, shutdown, a Python that cannot run it, and the grading authority
 * built on it.
 */
const DOUBLE = path.join(import.meta.dirname, 'mlebench_grader_double.py');
const PYTHON = spawnSync('python3', ['-c', 'pass']).status === 0 ? 'python3' : 'python';
const viaDouble = { python: PYTHON, script: DOUBLE, timeoutMs: 20_000 };

const cactus = recordedCompetitions().find((c) => c.competitionId === 'aerial-cactus-identification')!;

let dataDir: string;
let cleanup: () => void;
let task: TaskSpec;
beforeEach(() => {
  ({ dir: dataDir, cleanup } = tempDir('crucible-grader-double-'));
  task = recordedTask(cactus, { dataDir });
});
afterEach(async () => {
  await closeMlebenchGraders();
  cleanup();
});
afterAll(() => closeMlebenchGraders());

/** What the double logged: its pids and the first line of each submission it was given, in order. */
function doubleLog(): { pids: number[]; seen: string[] } {
  const lines = readFileSync(path.join(dataDir, 'log'), 'utf8').trim().split('\n');
  return {
    pids: lines.filter((l) => l.startsWith('pid ')).map((l) => Number(l.slice(4))),
    seen: lines.filter((l) => !l.startsWith('pid ')),
  };
}


describe('the grading process (a test double of its protocol)', () => {
  it('answers concurrent requests one at a time, in order, from one process', async () => {
    const submissions = ['0.1', 'slow', '0.2', 'invalid', '0.123456789', 'nan'];
    const grader = mlebenchGraderProcess(viaDouble);
    const results = await Promise.all(submissions.map((s, i) => {
      const file = path.join(dataDir, `submission-${i}.csv`);
      writeFileSync(file, `${s}\n`);
      return grader.request({ op: 'grade', competition_id: cactus.competitionId, data_dir: dataDir, config: null, submission: file });
    }));
    expect(results).toEqual([
      { valid: true, score: 0.1, reported: 0.1 },
      { valid: true, score: 0.5, reported: 0.5 },
      { valid: true, score: 0.2, reported: 0.2 },
      { valid: false, reason: 'the double refuses it' },
      { valid: true, score: 0.123456789, reported: 0.12346 },
      { valid: true, score: NaN, reported: NaN },
    ]);
    expect(doubleLog()).toEqual({ pids: [expect.any(Number)], seen: submissions });
    expect(mlebenchGraderProcess(viaDouble).starts).toBe(1);
  });

  it('restarts a process that died during a request once, and grades the request again', async () => {
    expect(await gradeWithMlebench(task, 'crash-once\n', viaDouble)).toEqual({ available: true, verdict: { valid: true, score: 1, reported: 1 } });
    const log = doubleLog();
    expect(log.seen).toEqual(['crash-once', 'crash-once']);
    expect(log.pids).toHaveLength(2);
    expect(mlebenchGraderProcess(viaDouble).starts).toBe(2);
  });

  it('gives up on a request that kills it twice, and serves the next one with a fresh process', async () => {
    const err = await gradeWithMlebench(task, 'crash-always\n', viaDouble).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskError);
    expect((err as Error).message).toMatch(/the mlebench grading process \(.*mlebench_grader_double\.py\) died twice on one request: exited \(code 1\)/);
    expect(await gradeWithMlebench(task, '0.3\n', viaDouble)).toEqual({ available: true, verdict: { valid: true, score: 0.3, reported: 0.3 } });
    expect(doubleLog().pids).toHaveLength(3);
  });

  it('closeMlebenchGraders ends the process; the next grade starts a new one', async () => {
    await gradeWithMlebench(task, '0.4\n', viaDouble);
    const [pid] = doubleLog().pids;
    expect(alive(pid!)).toBe(true);
    await closeMlebenchGraders();
    expect(alive(pid!)).toBe(false);
    await gradeWithMlebench(task, '0.5\n', viaDouble);
    expect(doubleLog().pids).toHaveLength(2);
  });

  it('never holds Node open, and dies with it', async () => {
    const script = path.join(projectRoot, 'test', 'fixtures', 'mlebench-grader', 'grade-once.ts');
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(tsx, [script, PYTHON, DOUBLE, dataDir], { timeout: 60_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    expect(JSON.parse(out)).toEqual({ available: true, verdict: { valid: true, score: 0.25, reported: 0.25 } });
    expect(Date.now() - started).toBeLessThan(60_000);
    const [pid] = doubleLog().pids;
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid!)).toBe(false);
  });

  it('a missing Python is unavailable, not an error', async () => {
    const noPython = { python: path.join(dataDir, 'no-such-python'), script: DOUBLE };
    expect(await gradeWithMlebench(task, '0.1\n', noPython)).toEqual({ available: false, why: `no Python at ${noPython.python}` });
  });
});

describe('the grading authority of an MLE-bench task', () => {
  const noPython = () => ({ python: path.join(dataDir, 'no-such-python') });

  it('is mlebench where it knows the competition, and the record says so', async () => {
    expect(await mlebenchGradingAuthority(task, { mlebench: viaDouble })).toEqual({ gradedBy: 'mlebench', python: PYTHON });
    const report = await gradeSubmission(task, '0.75\n', { mlebench: viaDouble });
    expect(report).toMatchObject({ score: 0.75, validSubmission: true, reason: null, gradedBy: 'mlebench', medal: null, goldThreshold: null });
    expect(await gradeSubmission(task, 'invalid\n', { mlebench: viaDouble })).toMatchObject({
      score: null, validSubmission: false, reason: 'submission.csv: the double refuses it', gradedBy: 'mlebench',
    });
  });

  it("is Crucible's native grader where mlebench cannot grade and Crucible has one", async () => {
    expect(await mlebenchGradingAuthority(task, { mlebench: noPython() })).toEqual({ gradedBy: 'crucible' });
    expect(await mlebenchGradingAuthority(task, { mlebench: false })).toEqual({ gradedBy: 'crucible' });
  });

  it('is nobody for a competition neither can grade: a TaskError saying how to install mlebench, never a substitute metric', async () => {
    const other: TaskSpec = { ...task, mlebench: { ...task.mlebench!, competitionId: 'unknown-competition' } };
    for (const mlebench of [viaDouble, noPython()]) {
      const authority = await mlebenchGradingAuthority(other, { mlebench });
      expect(authority.gradedBy).toBeNull();
      const why = (authority as { why: string }).why;
      expect(why).toMatch(/^competition unknown-competition needs mlebench's grader \(Crucible has no native grader for it\), and /);
      expect(why).toContain('git clone https://github.com/openai/mle-bench');
      expect(why).toContain(`${mlebench.python} -m pip install -e mle-bench`);
      expect(why).toContain('CRUCIBLE_MLEBENCH_PYTHON');
      await expect(gradeSubmission(other, 'id,has_cactus\n1,0.5\n', { mlebench })).rejects.toThrow(new TaskError(why));
    }
  });
});

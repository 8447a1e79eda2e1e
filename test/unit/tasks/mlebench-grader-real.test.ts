import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { isFile } from '../../../src/tasks/files.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { mlebenchGradingAuthority } from '../../../src/tasks/mlebenchGrade.js';
import { closeMlebenchGraders } from '../../../src/tasks/sources/mlebenchGrader.js';
import { findMlebenchRegistry } from '../../../src/tasks/sources/mlebenchRegistry.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { recordedCompetitions, recordedDataDir, recordedNumber, recordedSubmission, recordedTask } from '../../helpers/mlebenchGrades.js';
import { tempDir } from './fixtures.js';

/**
 * The real mlebench grading process (mlebench_grader_server.py) in two Pythons:
 * - one without mlebench (the project's Python run with -I -S: no site-packages, no PYTHONPATH), on
 *   every machine: an MLE-bench task is then graded natively where Crucible has the grader, and
 *   refused, saying how to install mlebench, where it has none;
 * - the one CRUCIBLE_MLEBENCH_PYTHON names, when it has mlebench (installed from its repository; CI
 *   has none, and the test is then reported skipped): every recorded submission of the 22 lite
 *   competitions graded by mlebench's own graders through gradeSubmission, with mlebench's verdict,
 *   reported score and reason.
 */
const PYTHON = isFile(pythonPath()) ? pythonPath() : 'python3';
const MLEBENCH_PYTHON = process.env.CRUCIBLE_MLEBENCH_PYTHON;
const hasMlebench = MLEBENCH_PYTHON !== undefined && spawnSync(MLEBENCH_PYTHON, ['-c', 'import mlebench.grade_helpers']).status === 0;

const competitions = recordedCompetitions();
const cactus = competitions.find((c) => c.competitionId === 'aerial-cactus-identification')!;

let root: string;
let cleanup: () => void;
beforeAll(() => ({ dir: root, cleanup } = tempDir('crucible-mlebench-real-')));
afterAll(async () => {
  await closeMlebenchGraders();
  cleanup();
});

describe('grading MLE-bench in a Python without mlebench', () => {
  let withoutMlebench: { python: string };
  beforeAll(() => {
    const python = path.join(root, 'python-without-mlebench');
    writeFileSync(python, `#!/bin/sh\nexec ${JSON.stringify(PYTHON)} -I -S "$@"\n`, { mode: 0o755 });
    withoutMlebench = { python };
  });

  it("grades natively a competition Crucible has a grader for, and the record says so", async () => {
    const task = recordedTask(cactus);
    expect(await mlebenchGradingAuthority(task, { mlebench: withoutMlebench })).toEqual({ gradedBy: 'crucible' });
    const report = await gradeSubmission(task, recordedSubmission(cactus.competitionId, 'noisy'), { mlebench: withoutMlebench });
    expect(report).toMatchObject({ gradedBy: 'crucible', validSubmission: true, score: recordedNumber((cactus.results.noisy as { reported: number }).reported) });
  });

  it('refuses a competition it has no grader for, saying that mlebench cannot be imported and how to install it', async () => {
    const task = recordedTask(cactus);
    const other: TaskSpec = { ...task, mlebench: { ...task.mlebench!, competitionId: 'not-a-native-competition' } };
    const authority = await mlebenchGradingAuthority(other, { mlebench: withoutMlebench });
    expect(authority.gradedBy).toBeNull();
    const why = (authority as { why: string }).why;
    expect(why).toMatch(/^competition not-a-native-competition needs mlebench's grader \(Crucible has no native grader for it\), and .*python-without-mlebench cannot import mlebench: ModuleNotFoundError/);
    expect(why).toContain(`\`git clone https://github.com/openai/mle-bench && ${withoutMlebench.python} -m pip install -e mle-bench\``);
    await expect(gradeSubmission(other, 'id,has_cactus\n1,0.5\n', { mlebench: withoutMlebench })).rejects.toThrow(why);
  });
});

describe.skipIf(!hasMlebench)(`grading MLE-bench with mlebench's own graders (CRUCIBLE_MLEBENCH_PYTHON=${MLEBENCH_PYTHON ?? 'unset'})`, () => {
  let dataDir: string;
  let competitionsDir: string;
  beforeAll(async () => {
    competitionsDir = (await findMlebenchRegistry(MLEBENCH_PYTHON)).competitionsDir;
    dataDir = recordedDataDir(path.join(root, 'data'), competitionsDir, competitions);
  });

  for (const c of competitions) {
    it(`${c.competitionId}: every recorded submission gets mlebench's verdict, reported score and reason`, async () => {
      const task = recordedTask(c, { dataDir, registryDir: path.join(competitionsDir, c.competitionId) });
      expect(await mlebenchGradingAuthority(task)).toEqual({ gradedBy: 'mlebench', python: MLEBENCH_PYTHON });
      for (const [kind, recorded] of Object.entries(c.results)) {
        const report = await gradeSubmission(task, recordedSubmission(c.competitionId, kind));
        expect(report.gradedBy, kind).toBe('mlebench');
        if (recorded.valid) {
          expect({ kind, valid: report.validSubmission, score: report.score }).toEqual({ kind, valid: true, score: recordedNumber(recorded.reported) });
        } else {
          // The server says mlebench's own refusals in its words, and any other exception with its type, as the recorder does.
          const said = recorded.error.replace(/^InvalidSubmissionError: /, '');
          expect({ kind, valid: report.validSubmission, reason: report.reason }).toEqual({ kind, valid: false, reason: `submission.csv: ${said}` });
        }
      }
    });
  }
});

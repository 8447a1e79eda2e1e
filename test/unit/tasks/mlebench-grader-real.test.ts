import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { isFile } from '../../../src/tasks/files.js';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { mlebenchGradingAuthority } from '../../../src/tasks/mlebenchGrade.js';
import { closeMlebenchGraders } from '../../../src/tasks/sources/mlebenchGrader.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { recordedCompetitions, recordedNumber, recordedSubmission, recordedTask } from '../../helpers/mlebenchGrades.js';
import { tempDir } from './fixtures.js';

/**
 * The real mlebench grading process (mlebench_grader_server.py) in a Python without mlebench (the
 * project's Python run with -I -S: no site-packages, no PYTHONPATH), as on every machine that has not
 * installed it: an MLE-bench task is graded natively where Crucible has the grader, and refused,
 * saying how to install mlebench, where it has none. The path through an installed mlebench (which
 * CI cannot install: it comes from GitHub, not a package registry) is checked by
 * bench/mlebench-grading.ts against every recorded verdict.
 */
const PYTHON = isFile(pythonPath()) ? pythonPath() : 'python3';

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

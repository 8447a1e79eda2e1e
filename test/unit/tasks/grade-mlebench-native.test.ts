import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { recordedCompetitions, recordedNumber, recordedSubmission, recordedTask } from '../../helpers/mlebenchGrades.js';
import { tempDir } from './fixtures.js';

/**
 * gradeSubmission on an MLE-bench task without mlebench (`mlebench: false`) grades with Crucible's
 * native port of the competition's grader, and for every recorded submission of the 22 lite
 * competitions reports what mlebench reported: the same validity and, where valid, the same score
 * rounded as mlebench rounds it. Nothing is checked before the grader: it alone decides.
 */
const competitions = recordedCompetitions();

describe('gradeSubmission through the native graders agrees with mlebench', () => {
  it('covers the 22 lite competitions', () => {
    expect(competitions).toHaveLength(22);
  });

  for (const c of competitions) {
    describe(c.competitionId, () => {
      const task = recordedTask(c);
      for (const [kind, recorded] of Object.entries(c.results)) {
        it(kind, async () => {
          const report = await gradeSubmission(task, recordedSubmission(c.competitionId, kind), { mlebench: false });
          expect(report.gradedBy).toBe('crucible');
          if (recorded.valid) {
            expect(report, `mlebench scored it ${String(recorded.reported)}`).toMatchObject({ validSubmission: true, reason: null });
            expect(report.score).toBe(recordedNumber(recorded.reported));
          } else {
            expect(report, `mlebench refused it: ${recorded.error}`).toMatchObject({ validSubmission: false, score: null, medal: null });
            expect(report.reason).toMatch(/^submission\.csv: ./);
          }
        });
      }
    });
  }
});

describe('an MLE-bench task with a selection holdout', () => {
  it('gives the grader the hidden test rows only: the selection rows appended to the submission are left out', async () => {
    const cactus = competitions.find((c) => c.competitionId === 'aerial-cactus-identification')!;
    const { dir, cleanup } = tempDir('crucible-mlebench-selection-');
    try {
      // The last 10 of the recorded answers become the selection holdout; the submission still holds every row.
      const lines = readFileSync(recordedTask(cactus).answersPath, 'utf8').trim().split('\n');
      const answersPath = path.join(dir, 'test.csv');
      const selectionPath = path.join(dir, 'selection.csv');
      writeFileSync(answersPath, lines.slice(0, -10).join('\n') + '\n');
      writeFileSync(selectionPath, [lines[0], ...lines.slice(-10)].join('\n') + '\n');
      const perfect = recordedSubmission(cactus.competitionId, 'perfect');
      const withoutHoldout = { ...recordedTask(cactus), answersPath };
      expect(await gradeSubmission(withoutHoldout, perfect, { mlebench: false })).toMatchObject({
        validSubmission: false, reason: 'submission.csv: Submission and answers should have the same number of rows',
      });
      expect(await gradeSubmission({ ...withoutHoldout, selectionPath }, perfect, { mlebench: false })).toMatchObject({ validSubmission: true, score: 1 });
    } finally {
      cleanup();
    }
  });
});

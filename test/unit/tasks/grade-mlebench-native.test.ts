import { describe, expect, it } from 'vitest';
import { gradeSubmission } from '../../../src/tasks/grade.js';
import { recordedCompetitions, recordedNumber, recordedSubmission, recordedTask } from '../../helpers/mlebenchGrades.js';

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

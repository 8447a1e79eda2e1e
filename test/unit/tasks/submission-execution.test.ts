import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTask } from '../../../src/tasks/load.js';
import { checkSubmissionForExecution } from '../../../src/tasks/submission.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { recordedCompetitions, recordedSubmission, recordedTask } from '../../helpers/mlebenchGrades.js';
import { tempDir, writeTask } from './fixtures.js';

/**
 * Execution's check of submission.csv (before any grade) is never stricter than the grader: for an
 * MLE-bench task it refuses only what pandas cannot read (and so mlebench refuses too), and lets
 * through every submission mlebench scored among the recorded ones (an extra index column, labels
 * outside the training classes, text or booleans, …). A Crucible task keeps the full validation.
 */
const competitions = recordedCompetitions();

describe('checkSubmissionForExecution on an MLE-bench task', () => {
  for (const c of competitions) {
    const scored = Object.entries(c.results).filter(([, r]) => r.valid).map(([kind]) => kind);
    it(`${c.competitionId}: lets through every submission mlebench scored (${scored.length})`, () => {
      const task = recordedTask(c);
      for (const kind of scored) expect({ kind, ...checkSubmissionForExecution(task, recordedSubmission(c.competitionId, kind)) }).toEqual({ kind, valid: true });
    });
  }

  it('lets through what only the grader can judge: a header alone, an index column, text where numbers are expected', () => {
    const task = recordedTask(competitions[0]!);
    for (const csv of ['id,has_cactus\n', ',id,has_cactus\n0,a.jpg,0.5\n', 'id,has_cactus\na.jpg,maybe\n', 'id,has_cactus\n"a.jpg"x,1\n']) {
      expect(checkSubmissionForExecution(task, csv)).toEqual({ valid: true });
    }
  });

  it('refuses an empty file and an unterminated quote, which pandas cannot read', () => {
    const task = recordedTask(competitions[0]!);
    expect(checkSubmissionForExecution(task, '')).toEqual({ valid: false, reason: expect.stringMatching(/^submission\.csv: empty file: it needs a header row/) });
    expect(checkSubmissionForExecution(task, ' \n\n')).toMatchObject({ valid: false });
    expect(checkSubmissionForExecution(task, 'id,has_cactus\n"a.jpg,1\n')).toEqual({ valid: false, reason: 'submission.csv: malformed CSV: unterminated quoted field starting on line 2' });
  });
});

describe('checkSubmissionForExecution on a Crucible task', () => {
  let task: TaskSpec;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    task = await loadTask(writeTask(t.dir));
  });
  afterAll(() => cleanup());

  it('validates against the sample submission, as before', () => {
    expect(checkSubmissionForExecution(task, 'id,target\n1,0\n2,1\n3,0\n4,1\n5,1\n')).toEqual({ valid: true });
    expect(checkSubmissionForExecution(task, 'id,target\n1,0\n')).toEqual({ valid: false, reason: 'submission.csv: 1 rows, expected 5' });
  });
});

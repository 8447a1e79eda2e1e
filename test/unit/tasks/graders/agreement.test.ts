import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../src/tasks/csv.js';
import { nativeGrader, NATIVE_GRADED, reportedScore } from '../../../../src/tasks/graders/index.js';

/**
 * Every native grader against what mlebench's own grader recorded (test/fixtures/mlebench-grades,
 * written by scripts/mlebench-grades/make_fixtures.py): the same verdict on every submission; where
 * mlebench scored it, the same score and the same reported (rounded) score; where its grader refused
 * it in its own words, the same reason.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/mlebench-grades');

/** A recorded score: a number, or "NaN" / "Infinity" / "-Infinity" where JSON has no number. */
type Recorded =
  | { valid: true; score: number | string; score_type: 'float' | 'float64'; reported: number | string }
  | { valid: false; error: string };

interface Expected {
  competition_id: string;
  results: Record<string, Recorded>;
}

function recordedNumber(x: number | string): number {
  return typeof x === 'number' ? x : Number(x);
}

/**
 * Same score within 1e-9 relative. Floating-point sums run in a different order here than in numpy
 * (pairwise there, left to right here), so the last bits may differ; scores near zero (a random
 * kappa, a perfect loss of about 2e-16) lose relative precision to that, so differences below 1e-12
 * absolute count as equal.
 */
function sameScore(native: number, recorded: number): boolean {
  if (Number.isNaN(recorded)) return Number.isNaN(native);
  if (!Number.isFinite(recorded)) return native === recorded;
  return Math.abs(native - recorded) <= Math.max(1e-12, 1e-9 * Math.abs(recorded));
}

/** How the recorder prefixes a refusal by mlebench's InvalidSubmissionError (others are Python's or scikit-learn's errors). */
const OWN_WORDS = 'InvalidSubmissionError: ';

/** A reason up to any list, set or pandas Index it quotes: those are rendered as Python renders them there, as JSON here. */
function beforeCollection(reason: string): string {
  return reason.split(/[[{]|Index\(/)[0]!;
}

const competitions = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function load(competition: string): Expected {
  return JSON.parse(readFileSync(path.join(FIXTURES, competition, 'expected.json'), 'utf8')) as Expected;
}

describe('native graders agree with mlebench', () => {
  it('covers every competition of the lite split, and every one has a native grader', () => {
    expect(competitions).toHaveLength(22);
    expect([...NATIVE_GRADED].sort()).toEqual(competitions);
  });

  for (const competition of competitions) {
    describe(competition, () => {
      const expected = load(competition);
      const answers = parseCsv(readFileSync(path.join(FIXTURES, competition, 'answers.csv'), 'utf8'));
      const grade = nativeGrader(competition)!;
      for (const [kind, recorded] of Object.entries(expected.results)) {
        it(kind, () => {
          const submission = parseCsv(readFileSync(path.join(FIXTURES, competition, 'submissions', `${kind}.csv`), 'utf8'));
          const result = grade(submission, answers);
          if (!recorded.valid) {
            expect(result, `mlebench refused it: ${recorded.error}`).toHaveProperty('invalid');
            // Where mlebench's grader refused it in its own words, the reason is the same.
            if (recorded.error.startsWith(OWN_WORDS)) {
              const reason = (result as { invalid: string }).invalid;
              expect(beforeCollection(reason)).toBe(beforeCollection(recorded.error.slice(OWN_WORDS.length)));
            }
            return;
          }
          expect(result, 'mlebench scored it').toHaveProperty('score');
          const score = (result as { score: number }).score;
          expect(sameScore(score, recordedNumber(recorded.score)), `native ${score}, mlebench ${String(recorded.score)}`).toBe(true);
          // What mlebench reports is rounded to 5 places: that must match exactly, rounded as the
          // score's Python type rounds (1.000005 is where the two ways differ).
          expect(reportedScore(competition, score)).toBe(recordedNumber(recorded.reported));
          expect(reportedScore(competition, 1.000005), recorded.score_type).toBe(recorded.score_type === 'float' ? 1.00001 : 1);
        });
      }
    });
  }
});

import { describe, expect, it } from 'vitest';
import { findArtifactRefs } from '../../../src/cli/doctor.js';

const ref = (c: string) => ({ sha256: c.repeat(64), bytes: 10 });

describe('crucible doctor and the private store', () => {
  it('checks the public references of a run input and its activities, not those into the private store', () => {
    const found: string[] = [];
    const runInput = { taskDataRef: ref('a'), taskFilesRef: ref('b') };
    const gradeInput = { task: {}, taskFiles: ref('b'), submissionRef: ref('c') };
    for (const v of [runInput, gradeInput]) findArtifactRefs(v, (r) => found.push(r.sha256[0]!));
    expect(found).toEqual(['a', 'c']);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { LlmBackend } from '../../../src/operators/llm/backend.js';
import { ReplayClient } from '../../../src/operators/llm/recording.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { makeTask, request } from './fixtures.js';

const { task, cleanup } = makeTask();
afterAll(cleanup);

const mlebenchTask: TaskSpec = {
  ...task,
  mlebench: {
    competitionId: 'spooky-author-identification', dataDir: '/data/mle-bench', registryDir: '/registry/spooky-author-identification',
    graderName: 'multi-class-log-loss', shape: '3 CSV files (train.csv, test.csv, sample_submission.csv), 2 MB', leaderboardProblem: null,
  },
};

const backend = (style: 'aide' | 'aira'): LlmBackend =>
  new LlmBackend({ baseURL: 'http://127.0.0.1:9/v1', style, models: { default: 'm' }, hardware: 'one H100 GPU' }, { apiKey: null, client: new ReplayClient([]) });

describe.each(['aide', 'aira'] as const)('%s prompts state MLE-bench\'s contract for MLE-bench competitions', (style) => {
  it.each(['draft', 'improve', 'debug', 'crossover'] as const)('%s', async (op) => {
    const prompt = await backend(style).renderPrompt(request(mlebenchTask, op));
    // The data folder: the competition's public folder, read-only, at CRUCIBLE_DATA_DIR.
    expect(prompt).toContain("the competition's public folder (read-only)");
    expect(prompt).toContain('CRUCIBLE_DATA_DIR');
    // The submission path, whatever the description says, and nothing else is graded.
    expect(prompt).toMatch(/Whatever the competition's description says about submitting, the submission is `submission.csv` in the working directory/);
    expect(prompt).toContain('only that file is graded');
    expect(prompt).toContain('There is no test-set feedback');
    expect(prompt).toContain('Do not hand-label the test data');
    expect(prompt).toContain('PyTorch');
    expect(prompt).toContain('Hardware: one H100 GPU');
    expect(prompt).not.toMatch(/\{\{|\}\}/);
  });

  it('leaves the MLE-bench lines out for other tasks', async () => {
    const prompt = await backend(style).renderPrompt(request(task, 'draft'));
    expect(prompt).toContain('submission.csv');
    expect(prompt).not.toContain('MLE-bench');
  });
});

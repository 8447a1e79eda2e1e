import { afterAll, describe, expect, it } from 'vitest';
import { LlmBackend } from '../../../src/operators/llm/backend.js';
import { ReplayClient } from '../../../src/operators/llm/recording.js';
import { renderHints } from '../../../src/operators/llm/prompts.js';
import type { OperatorName } from '../../../src/core/node.js';
import { makeTask, request } from './fixtures.js';

const { task, cleanup } = makeTask();
afterAll(cleanup);

const backend = (style: 'aide' | 'aira'): LlmBackend =>
  new LlmBackend({ baseURL: 'http://127.0.0.1:9/v1', style, models: { default: 'm' }, hardware: null }, { apiKey: null, client: new ReplayClient([]) });

const OPS: OperatorName[] = ['draft', 'improve', 'debug', 'crossover'];

describe('hints from the researcher in the prompts', () => {
  it('renders one bullet per hint, oldest first, with continuation lines indented', () => {
    expect(renderHints([])).toBe('');
    expect(renderHints(['try gradient boosting', ' keep it under 5 minutes\nno deep nets '])).toBe(
      '- try gradient boosting\n- keep it under 5 minutes\n  no deep nets',
    );
  });

  describe.each(['aide', 'aira'] as const)('%s', (style) => {
    it.each(OPS)('%s shows the hints section only when there are hints', async (op) => {
      const withHints = await backend(style).renderPrompt(request(task, op, { hints: ['Try {{target}} encoding with LightGBM', 'Avoid KNN'] }));
      expect(withHints).toContain('# Notes from the researcher');
      // Braces in a hint stay literal (values are substituted last, in one pass).
      expect(withHints).toContain('- Try {{target}} encoding with LightGBM\n- Avoid KNN');
      const without = await backend(style).renderPrompt(request(task, op));
      expect(without).not.toContain('Notes from the researcher');
      expect(without).not.toMatch(/\{\{|\}\}/);
    });
  });
});

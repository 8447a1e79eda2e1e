import { afterAll, describe, expect, it } from 'vitest';
import { LlmBackend } from '../../../src/operators/llm/backend.js';
import { ReplayClient } from '../../../src/operators/llm/recording.js';
import { renderMemory } from '../../../src/operators/llm/prompts.js';
import type { OperatorName } from '../../../src/core/node.js';
import { HIDDEN_TEST_SCORE, makeTask, memory, parent, request } from './fixtures.js';

const { task, cleanup } = makeTask();
afterAll(cleanup);

const backend = (style: 'aide' | 'aira', hardware: string | null = null): LlmBackend =>
  new LlmBackend({ baseURL: 'http://127.0.0.1:9/v1', style, models: { default: 'm' }, hardware }, { apiKey: null, client: new ReplayClient([]) });

const OPS: OperatorName[] = ['draft', 'improve', 'debug', 'crossover'];

describe.each(['aide', 'aira'] as const)('%s prompts', (style) => {
  it.each(OPS)('%s: task, data contract, budget and hardware; never a hidden test score', async (op) => {
    const prompt = await backend(style, '2 CPUs and a TPU').renderPrompt(request(task, op, { remainingSteps: 17 }));
    expect(prompt).toContain('Synthetic tabular-classification task for tests.');
    expect(prompt).toContain('CRUCIBLE_DATA_DIR');
    expect(prompt).toContain('`/data`');
    expect(prompt).toContain('submission.csv');
    expect(prompt).toContain('metrics.json');
    expect(prompt).toContain('`id,target`');
    expect(prompt).toContain('"metric": "auc"');
    expect(prompt).toContain('1 hour 30 minutes');
    expect(prompt).toContain('Steps left in the run: 17');
    expect(prompt).toContain('2 CPUs and a TPU');
    expect(prompt).toContain('```python');
    expect(prompt).not.toContain(String(HIDDEN_TEST_SCORE));
    expect(prompt).not.toMatch(/\{\{|\}\}/);
  });

  it('shows scoped memory to draft, improve and debug, not to crossover', async () => {
    for (const op of ['draft', 'improve', 'debug'] as const) {
      const prompt = await backend(style).renderPrompt(request(task, op));
      expect(prompt).toContain('Gradient boosting on raw features.');
      expect(prompt).toContain('validation score 0.8712');
      expect(prompt).toContain('buggy: exit code 1: KeyError: color');
      expect(prompt).toContain('(plan archived)');
    }
    expect(await backend(style).renderPrompt(request(task, 'crossover', { memory: [] }))).not.toContain('Memory');
    expect(await backend(style).renderPrompt(request(task, 'draft', { memory: [] }))).not.toContain('# Memory');
  });

  it('shows parents: code and output for improve, the failure for debug, both for crossover', async () => {
    const improve = await backend(style).renderPrompt(request(task, 'improve'));
    expect(improve).toContain('print("node 7")');
    expect(improve).toContain('validation auc 0.85');
    const debug = await backend(style).renderPrompt(request(task, 'debug'));
    expect(debug).toContain('Failure: exit code 1: ValueError: could not convert string to float');
    expect(debug).toContain('Traceback ...');
    const crossover = await backend(style).renderPrompt(request(task, 'crossover'));
    expect(crossover).toContain('print("node 7")');
    expect(crossover).toContain('print("node 8")');
    expect(crossover).toContain('validation score 0.86');
  });

  it('trims long output to head and tail and leaves steps out when unknown', async () => {
    const output = `HEAD-LINE\n${'x'.repeat(50_000)}\nTAIL-LINE`;
    const prompt = await backend(style).renderPrompt({ ...request(task, 'improve'), parents: [parent(7, { output })] });
    expect(prompt).toContain('HEAD-LINE');
    expect(prompt).toContain('TAIL-LINE');
    expect(prompt).toContain('characters truncated');
    expect(prompt.length).toBeLessThan(20_000);
    expect(prompt).not.toContain('Steps left');
  });

  it('derives the hardware line from the task when not configured', async () => {
    expect(await backend(style).renderPrompt(request(task, 'draft'))).toContain('CPUs only (no GPU)');
    expect(await backend(style).renderPrompt(request({ ...task, gpu: true }, 'draft'))).toContain('one GPU');
  });
});

describe('AIRA versus AIDE', () => {
  it('AIRA asks for one new idea, 5-fold CV, and no method change while debugging; AIDE is compact', async () => {
    const aira = await backend('aira').renderPrompt(request(task, 'improve'));
    expect(aira).toContain('5-fold cross-validation');
    expect(aira).toMatch(/not already in memory/);
    expect(await backend('aira').renderPrompt(request(task, 'draft'))).toContain('propose an idea that is not in this list');
    expect(await backend('aira').renderPrompt(request(task, 'debug'))).toContain('do not change the method');
    const aide = await backend('aide').renderPrompt(request(task, 'improve'));
    expect(aide).not.toContain('5-fold');
    for (const op of OPS) {
      const [a, b] = [await backend('aide').renderPrompt(request(task, op)), await backend('aira').renderPrompt(request(task, op))];
      expect(a.length).toBeLessThan(b.length);
    }
  });

  it('renders memory entries without test scores', () => {
    const text = renderMemory(memory);
    expect(text.split('\n- ')).toHaveLength(3);
    expect(text).not.toContain(String(HIDDEN_TEST_SCORE));
  });
});

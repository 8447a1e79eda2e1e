import { appendFile, cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunInput } from '../../../src/cli/runInput.js';
import { EXEC_CPU_TASK_QUEUE, EXEC_GPU_TASK_QUEUE } from '../../../src/config/constants.js';
import { builtTasksDir } from '../../../src/config/paths.js';

async function taskCopy(extraYaml: string): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'task-')), 'task');
  await cp(path.join(builtTasksDir(), 'breast-cancer'), dir, { recursive: true });
  await appendFile(path.join(dir, 'task.yaml'), extraYaml);
  return dir;
}

const options = { agent: 'aira-greedy', seed: '0', budget: '1m', execTimeout: '1m' };

describe('run input', () => {
  it('routes executions to the CPU queue by default and to the GPU queue for tasks that need a GPU', async () => {
    expect((await buildRunInput({ ...options, task: await taskCopy('') })).execTaskQueue).toBe(EXEC_CPU_TASK_QUEUE);
    const gpu = await buildRunInput({ ...options, task: await taskCopy('resources:\n  gpu: true\n') });
    expect(gpu.task.gpu).toBe(true);
    expect(gpu.execTaskQueue).toBe(EXEC_GPU_TASK_QUEUE);
  });

  it('refuses unknown resource keys, naming the field', async () => {
    await expect(buildRunInput({ ...options, task: await taskCopy('resources:\n  tpu: 1\n') })).rejects.toThrow(/resources/);
  });

  it('applies a parallelism override within bounds', async () => {
    const task = await taskCopy('');
    expect((await buildRunInput({ ...options, task, parallelism: '4' })).agent.parallelism).toBe(4);
    await expect(buildRunInput({ ...options, task, parallelism: '0' })).rejects.toThrow(/--parallelism must be an integer from 1 to 64/);
  });

  it('--llm-url and --llm-model put the operators on an OpenAI-compatible endpoint; budgets are parsed', async () => {
    const task = await taskCopy('');
    const input = await buildRunInput({
      ...options, task, llmUrl: 'http://localhost:11434/v1', llmModel: 'qwen2.5-coder:14b', maxTokens: '200000', maxCost: '$2.50',
    });
    expect(input.agent.operators).toMatchObject({
      backend: 'llm', style: 'aira', llm: { baseURL: 'http://localhost:11434/v1', models: { default: 'qwen2.5-coder:14b' }, maxAttempts: 5 },
    });
    expect(input.budget).toMatchObject({ maxTokens: 200000, maxCostUsd: 2.5 });
    expect(JSON.stringify(input)).not.toMatch(/apiKey|api_key/i);
    const offline = await buildRunInput({ ...options, task });
    expect(offline.agent.operators.backend).toBe('offline');
    expect(offline.budget).toMatchObject({ maxTokens: null, maxCostUsd: null });
  });

  it('refuses incomplete or malformed LLM options, naming the flag', async () => {
    const task = await taskCopy('');
    await expect(buildRunInput({ ...options, task, llmUrl: 'http://localhost:8000/v1' })).rejects.toThrow(/--llm-model .* is required/);
    await expect(buildRunInput({ ...options, task, llmModel: 'gpt-4o' })).rejects.toThrow(/--llm-url .* is required/);
    await expect(buildRunInput({ ...options, task, llmUrl: 'localhost:8000', llmModel: 'm' })).rejects.toThrow(/--llm-url must be an http\(s\) URL/);
    await expect(buildRunInput({ ...options, task, maxTokens: '-5' })).rejects.toThrow(/--max-tokens must be an integer/);
    await expect(buildRunInput({ ...options, task, maxCost: 'lots' })).rejects.toThrow(/--max-cost must be a positive number/);
  });
});

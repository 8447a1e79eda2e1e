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
});

import { EXEC_CPU_TASK_QUEUE, EXEC_GPU_TASK_QUEUE, MAX_STEPS } from '../config/constants.js';
import { parseDuration } from '../config/duration.js';
import { resolveAgent, withLlmEndpoint, type AgentConfig } from '../config/agent.js';
import { listTaskIds, loadTask } from '../tasks/load.js';
import { MAX_WALL_MS } from '../workflows/run/steering.js';
import type { AgentRunInput, BenchmarkInput } from '../workflows/types.js';
import { splitTaskDirs } from './mlebenchSplit.js';
import { UsageError } from './usageError.js';

export { UsageError } from './usageError.js';

export interface RunOptions {
  task: string;
  agent: string;
  seed: string;
  budget: string;
  steps?: string;
  execTimeout: string;
  /** Overrides the agent's parallelism. */
  parallelism?: string;
  /** An OpenAI-compatible base URL: the operators become LLM operators (or CRUCIBLE_LLM_BASE_URL). */
  llmUrl?: string;
  /** The default model at that endpoint (or CRUCIBLE_LLM_MODEL). */
  llmModel?: string;
  /** Token budget of the run (prompt plus completion). */
  maxTokens?: string;
  /** Cost budget of the run in US dollars. */
  maxCost?: string;
}

function positiveDuration(flag: string, text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`--${flag} must be greater than zero (got "${text}")`);
  if (ms > MAX_WALL_MS) throw new UsageError(`--${flag} must be at most 30d (got "${text}")`);
  return ms;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (got "${text}")`);
  }
  return n;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text.trim().replace(/^\$/, ''));
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number (got "${text}")`);
  return n;
}

function llmAgent(agent: AgentConfig, url: string | undefined, model: string | undefined): AgentConfig {
  if (url !== undefined && !/^https?:\/\/[^/\s]+/.test(url)) {
    throw new UsageError(`--llm-url must be an http(s) URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1 (got "${url}")`);
  }
  if (model !== undefined && model.trim() === '') throw new UsageError('--llm-model must name a model, e.g. gpt-4o or qwen2.5-coder:14b');
  if (!agent.operators.llm?.models.default && model === undefined) {
    throw new UsageError('--llm-model (or CRUCIBLE_LLM_MODEL) is required with --llm-url: the model to call at that endpoint');
  }
  if (!agent.operators.llm?.baseURL && url === undefined) {
    throw new UsageError('--llm-url (or CRUCIBLE_LLM_BASE_URL) is required with --llm-model: the endpoint to call');
  }
  try {
    return withLlmEndpoint(agent, { baseURL: url, model });
  } catch (err) {
    throw new UsageError(`--llm-url/--llm-model: ${(err as Error).message}`);
  }
}

/** Validates every option before anything starts, so bad input never leaves a half-made run. */
export async function buildRunInput(o: RunOptions): Promise<AgentRunInput> {
  const wallMs = positiveDuration('budget', o.budget);
  const execTimeoutMs = positiveDuration('exec-timeout', o.execTimeout);
  const seed = integer('seed', o.seed, 0, 2 ** 31 - 1);
  const maxSteps = o.steps === undefined ? MAX_STEPS : integer('steps', o.steps, 1, MAX_STEPS);
  let agent: AgentConfig;
  try {
    agent = await resolveAgent(o.agent);
  } catch (err) {
    throw new UsageError(`--agent: ${(err as Error).message}`);
  }
  if (o.parallelism !== undefined) agent.parallelism = integer('parallelism', o.parallelism, 1, 64);
  if (o.llmUrl !== undefined || o.llmModel !== undefined) agent = llmAgent(agent, o.llmUrl, o.llmModel);
  const maxTokens = o.maxTokens === undefined ? null : integer('max-tokens', o.maxTokens, 1, Number.MAX_SAFE_INTEGER);
  const maxCostUsd = o.maxCost === undefined ? null : positiveNumber('max-cost', o.maxCost);
  if ((maxTokens !== null || maxCostUsd !== null) && agent.operators.backend === 'offline') {
    const flag = maxTokens !== null ? '--max-tokens' : '--max-cost';
    throw new UsageError(
      `${flag} budgets LLM spend, but agent ${agent.name} uses the offline operators, which spend none; ` +
        'add --llm-url and --llm-model (or an agent file with an llm backend), or drop the flag',
    );
  }
  let task;
  try {
    task = await loadTask(o.task);
  } catch (err) {
    throw new UsageError(`--task: ${(err as Error).message}`);
  }
  // Executions are routed by the task's needs: GPU tasks to GPU exec workers.
  const execTaskQueue = task.gpu ? EXEC_GPU_TASK_QUEUE : EXEC_CPU_TASK_QUEUE;
  return { task, agent, seed, budget: { wallMs, maxSteps, maxTokens, maxCostUsd }, execTimeoutMs, execTaskQueue };
}

/** Readable, unique, sortable: `breast-cancer-aira-greedy-s0-20261127-081502-k3f9`. */
export function makeRunId(input: AgentRunInput, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const rand = Math.random().toString(36).slice(2, 6);
  return `${input.task.id}-${input.agent.name}-s${input.seed}-${stamp}-${rand}`;
}

export interface BenchmarkOptions {
  /** "suite" (every built task), or task ids, folders and `mlebench:<split>` separated by commas. */
  tasks: string;
  /** MLE-bench data folder of `mlebench:<split>` (else MLEBENCH_DATA_DIR, else mlebench's default). */
  dataDir?: string;
  /** `mlebench:<split>` runs the prepared competitions only, instead of refusing the split when some are not. */
  preparedOnly?: boolean;
  /** Presets or agent files separated by commas. */
  agents: string;
  seeds: string;
  budget: string;
  steps?: string;
  concurrency: string;
  /** The strategy each run submits by; every strategy is computed and reported for comparison. */
  selection: string;
  execTimeout: string;
}

const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);

const MLEBENCH_PREFIX = 'mlebench:';

/** `--tasks` as task references: `suite` the built tasks, `mlebench:<split>` the split's competition folders. */
async function benchTasks(o: BenchmarkOptions): Promise<string[]> {
  if (o.tasks.trim() === 'suite') return listTaskIds();
  const refs: string[] = [];
  for (const item of list(o.tasks)) {
    if (item.startsWith(MLEBENCH_PREFIX)) refs.push(...await splitTaskDirs(item.slice(MLEBENCH_PREFIX.length), { dataDir: o.dataDir, preparedOnly: o.preparedOnly ?? false }));
    else refs.push(item);
  }
  return refs;
}

/** Every (task, agent, seed) run input, validated before anything starts. */
export async function buildBenchmarkInput(o: BenchmarkOptions): Promise<BenchmarkInput> {
  const tasks = await benchTasks(o);
  if (tasks.length === 0) throw new UsageError('--tasks: no tasks (the suite is built by `npm run setup`)');
  const agents = list(o.agents);
  if (agents.length === 0) throw new UsageError('--agents: give at least one preset or agent file');
  const seeds = integer('seeds', o.seeds, 1, 100);
  const concurrency = integer('concurrency', o.concurrency, 1, 64);
  if (o.selection !== 'validation' && o.selection !== 'holdout' && o.selection !== 'kfold') {
    throw new UsageError(`--selection must be validation, holdout or kfold (got "${o.selection}")`);
  }
  const strategy = o.selection;
  const runs: AgentRunInput[] = [];
  for (const task of tasks) {
    for (const agent of agents) {
      for (let seed = 0; seed < seeds; seed++) {
        const input = await buildRunInput({ task, agent, seed: String(seed), budget: o.budget, steps: o.steps, execTimeout: o.execTimeout });
        input.agent.selection = { ...input.agent.selection, strategy, report: ['validation', 'holdout', 'kfold'] };
        runs.push(input);
      }
    }
  }
  return { runs, concurrency };
}

/**
 * Prompts: the template files in prompts/<style>/<operator>.md (partials in prompts/common/), filled
 * from the operator request. promptVars is pure; what it shows of parents and memory is an explicit
 * choice of fields (plan, code, trimmed output, validation score, bug reason), so nothing else a caller
 * attaches to them, hidden test scores included, can reach a prompt.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../config/paths.js';
import type { MemoryEntry } from '../memory.js';
import { headTail } from '../trim.js';
import type { OperatorRequest, ParentContext } from '../types.js';
import { scoreName, type TaskSpec } from '../../tasks/types.js';
import { LLM_OPERATORS, type LlmOperator } from '../../config/llm.js';
import type { TaskContext } from './taskContext.js';
import { renderTemplate, type TemplateVars } from './template.js';

export type PromptStyle = 'aide' | 'aira';

export const DEFAULT_PROMPTS_DIR = path.join(projectRoot, 'prompts');

/** Execution output shown per parent: head and tail (AIRA's 5,100 characters). */
export const MAX_OUTPUT_CHARS = 5_100;
/** Characters of code shown per parent before it is cut in the middle. */
export const MAX_CODE_CHARS = 40_000;

export function humanizeSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} seconds`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m} minute${m === 1 ? '' : 's'}`;
  return `${h} hour${h === 1 ? '' : 's'}${m ? ` ${m} minute${m === 1 ? '' : 's'}` : ''}`;
}

const fmtScore = (score: number | null): string => (score === null ? 'none' : String(Number(score.toPrecision(6))));

/** One line of outcome and the plan per entry, most relevant first; never a test score. */
export function renderMemory(entries: readonly MemoryEntry[]): string {
  return entries.map((e) => {
    const outcome = e.buggy ? `buggy: ${e.bugReason ?? 'unknown failure'}` : `validation score ${fmtScore(e.score)}`;
    const plan = e.archived ? '(plan archived)' : e.plan.trim() || '(no plan)';
    return `- Node ${e.nodeId} (${e.operator}), ${outcome}\n  Plan: ${plan.replace(/\n+/g, ' ')}`;
  }).join('\n');
}

/** The researcher's notes (the run's `hint` update), one bullet each, oldest first. */
export function renderHints(hints: readonly string[]): string {
  return hints.map((h) => `- ${h.trim().replace(/\n+/g, '\n  ')}`).join('\n');
}

export function defaultHardware(task: TaskSpec): string {
  return task.gpu ? 'one GPU and the CPUs of one execution worker' : 'CPUs only (no GPU)';
}

function parentVars(prefix: string, parent: ParentContext | undefined): TemplateVars {
  return {
    [`${prefix}_plan`]: parent?.plan.trim() ?? '',
    [`${prefix}_code`]: parent ? headTail(parent.code.trim(), MAX_CODE_CHARS) : '',
    [`${prefix}_output`]: parent ? headTail(parent.output.trim(), MAX_OUTPUT_CHARS) : '',
    [`${prefix}_score`]: parent ? fmtScore(parent.score) : '',
    [`${prefix}_buggy`]: parent?.buggy ?? false,
    [`${prefix}_bug_reason`]: parent?.bugReason ?? '',
  };
}

export interface PromptInputs {
  request: OperatorRequest;
  context: TaskContext;
  hardware: string;
}

/** Every variable any template uses (unused ones are harmless, missing ones throw at render). */
export function promptVars({ request, context, hardware }: PromptInputs): TemplateVars {
  const { task } = request;
  return {
    task_description: context.description,
    data_overview: context.dataOverview,
    metric: scoreName(task),
    better: task.direction === 'maximize' ? 'higher' : 'lower',
    target: task.target ?? task.predictionColumns.join(', '),
    id_column: task.idColumn,
    train_file: task.files.train === null ? 'the training data' : path.basename(task.files.train),
    test_file: task.files.test === null ? 'the test data' : path.basename(task.files.test),
    sample_submission_file: path.basename(task.files.sampleSubmission),
    submission_columns: context.submissionColumns,
    time_left: humanizeSeconds(request.remainingSeconds),
    steps_left: request.remainingSteps === undefined ? '' : String(request.remainingSteps),
    hardware,
    // MLE-bench competitions get MLE-bench's own contract lines (prompts/common/contract.md).
    mlebench: task.mlebench !== undefined,
    memory: renderMemory(request.memory),
    hints: renderHints(request.hints ?? []),
    ...parentVars('parent', request.parents[0]),
    ...parentVars('parent2', request.parents[1]),
  };
}

/** Variables of the Analyze prompt. */
export function analyzeVars(input: { context: TaskContext; task: TaskSpec; code: string; output: string }): TemplateVars {
  return {
    task_description: input.context.description,
    metric: input.task.metric,
    better: input.task.direction === 'maximize' ? 'higher' : 'lower',
    code: headTail(input.code.trim(), MAX_CODE_CHARS),
    output: headTail(input.output.trim(), MAX_OUTPUT_CHARS) || '(no output)',
  };
}

export interface PromptSet {
  templates: Record<LlmOperator, string>;
  partials: Record<string, string>;
}

const loaded = new Map<string, Promise<PromptSet>>();

async function load(style: PromptStyle, dir: string): Promise<PromptSet> {
  const entries = await Promise.all(LLM_OPERATORS.map(async (op) => [op, await readFile(path.join(dir, style, `${op}.md`), 'utf8')] as const));
  const commonDir = path.join(dir, 'common');
  const names = (await readdir(commonDir).catch(() => [] as string[])).filter((f) => f.endsWith('.md'));
  const partials = Object.fromEntries(await Promise.all(names.map(async (f) => [f.slice(0, -3), await readFile(path.join(commonDir, f), 'utf8')] as const)));
  return { templates: Object.fromEntries(entries) as Record<LlmOperator, string>, partials };
}

/** The style's templates, read once per process (per folder). */
export function loadPrompts(style: PromptStyle, dir: string = DEFAULT_PROMPTS_DIR): Promise<PromptSet> {
  const key = `${dir}\0${style}`;
  let hit = loaded.get(key);
  if (!hit) {
    hit = load(style, dir);
    hit.catch(() => loaded.delete(key));
    loaded.set(key, hit);
  }
  return hit;
}

export function renderPrompt(set: PromptSet, op: LlmOperator, vars: TemplateVars): string {
  return renderTemplate(set.templates[op], vars, set.partials);
}

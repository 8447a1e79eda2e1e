/** Checks and wording for steering a run (agentRun's updates; pure: the validators run in the workflow). */
import { MAX_STEPS } from '../../config/constants.js';
import { formatDuration } from '../../config/duration.js';
import type { BudgetChange } from '../types.js';
import type { RunBudget } from '../../core/run.js';

const FIELDS = ['wallMs', 'maxSteps', 'maxTokens', 'maxCostUsd'] as const;

/**
 * The longest time budget a run may have, and the longest an execution may take: 30 days. More is
 * taken for a mistake (a unit typed wrong) rather than obeyed, as `--budget 36500d` would be.
 */
export const MAX_WALL_MS = 30 * 86_400_000;

/** Throws an Error naming the field unless `change` sets at least one budget, each a positive finite number. */
export function validateBudgetChange(change: unknown): asserts change is BudgetChange {
  if (change === null || typeof change !== 'object' || Array.isArray(change)) {
    throw new Error('setBudget: expected an object with wallMs, maxSteps, maxTokens or maxCostUsd');
  }
  const record = change as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`setBudget: unknown field ${unknown.join(', ')} (expected ${FIELDS.join(', ')})`);
  const given = FIELDS.filter((f) => record[f] !== undefined);
  if (given.length === 0) throw new Error(`setBudget: nothing to change: give at least one of ${FIELDS.join(', ')}`);
  for (const f of given) {
    const v = record[f];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`setBudget: ${f} must be a finite number (got ${String(v)})`);
    if (v <= 0) throw new Error(`setBudget: ${f} must be greater than zero (got ${v})`);
  }
  const steps = record.maxSteps as number | undefined;
  if (steps !== undefined && (!Number.isInteger(steps) || steps > MAX_STEPS)) {
    throw new Error(`setBudget: maxSteps must be an integer from 1 to ${MAX_STEPS} (got ${steps})`);
  }
  const wall = record.wallMs as number | undefined;
  if (wall !== undefined && wall > MAX_WALL_MS) {
    throw new Error(`setBudget: wallMs must be at most ${MAX_WALL_MS} (${formatDuration(MAX_WALL_MS)}, 30 days; got ${wall})`);
  }
  const tokens = record.maxTokens as number | undefined;
  if (tokens !== undefined && !Number.isInteger(tokens)) throw new Error(`setBudget: maxTokens must be an integer (got ${tokens})`);
}

/** One line: `time 10:00, 20 steps, 50000 tokens, $1.5`. */
export function describeBudget(b: RunBudget): string {
  return [
    `time ${formatDuration(b.wallMs)}`,
    b.maxSteps >= MAX_STEPS ? 'no step limit' : `${b.maxSteps} steps`,
    ...(b.maxTokens == null ? [] : [`${b.maxTokens} tokens`]),
    ...(b.maxCostUsd == null ? [] : [`$${b.maxCostUsd}`]),
  ].join(', ');
}

/** The longest hint, and the most hints a run takes: every later operator call carries them all. */
export const MAX_HINT_CHARS = 2_000;
export const MAX_HINTS = 50;

/** Throws an Error unless `text` is a string that is not blank and at most MAX_HINT_CHARS long once trimmed. */
export function validateHintText(text: unknown): asserts text is string {
  if (typeof text !== 'string') throw new Error(`hint: the text must be a string (got ${text === null ? 'null' : typeof text})`);
  if (text.trim() === '') throw new Error('hint: the text must not be empty');
  if (text.trim().length > MAX_HINT_CHARS) {
    throw new Error(`hint: the text has ${text.trim().length} characters; at most ${MAX_HINT_CHARS} are allowed`);
  }
}

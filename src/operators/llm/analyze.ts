/**
 * Analyze through function calling: the model must call `submit_review` {is_bug, summary, metric}
 * (forced with tool_choice). Whatever comes back is parsed defensively: no tool call, arguments that
 * are not JSON, or an `is_bug` that is not a boolean give a review with isBug true and the reason in
 * the summary; a metric that is not a finite number becomes null.
 */
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { TaskSpec } from '../../tasks/types.js';
import type { OperatorUsage } from '../types.js';
import type { ChatCompletion } from './client.js';

export const SUBMIT_REVIEW = 'submit_review';

export const submitReviewTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: SUBMIT_REVIEW,
    description: 'Submit a review evaluating the output of the training script.',
    parameters: {
      type: 'object',
      properties: {
        is_bug: { type: 'boolean', description: 'true if the output log shows that the execution failed or has some bug, otherwise false.' },
        summary: { type: 'string', description: 'If there is a bug, propose a fix. Otherwise, 2-3 sentences on the empirical findings.' },
        metric: { type: ['number', 'null'], description: 'The validation metric the output reports, or null if there is none.' },
      },
      required: ['is_bug', 'summary', 'metric'],
      additionalProperties: false,
    },
  },
};

export const submitReviewChoice = { type: 'function', function: { name: SUBMIT_REVIEW } } as const;

export interface AnalyzeInput {
  task: TaskSpec;
  code: string;
  /** The execution's output (trimmed to head and tail for the prompt). */
  output: string;
}

export interface Review {
  isBug: boolean;
  summary: string;
  metric: number | null;
  /** Set when the reply could not be read as a review (then isBug is true). */
  parseError?: string;
}

export interface AnalyzeResult extends Review {
  usage: OperatorUsage;
}

const unreadable = (reason: string): Review => ({ isBug: true, summary: `review unusable: ${reason}`, metric: null, parseError: reason });

/** Tolerates a fenced or prose-wrapped JSON object (some servers put the arguments in content). */
function parseObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) throw new Error('no JSON object');
    return JSON.parse(text.slice(start, end + 1));
  }
}

export function parseReview(completion: ChatCompletion): Review {
  const message = completion.choices[0]?.message;
  if (!message) return unreadable('the reply has no message');
  const call = message.tool_calls?.find((c) => c.type === 'function' && c.function.name === SUBMIT_REVIEW)
    ?? message.tool_calls?.find((c) => c.type === 'function');
  const args = call && call.type === 'function' ? call.function.arguments : message.content;
  if (!args || args.trim() === '') return unreadable(`no ${SUBMIT_REVIEW} call in the reply`);
  let value: unknown;
  try {
    value = parseObject(args);
  } catch (err) {
    return unreadable(`${SUBMIT_REVIEW} arguments are not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return unreadable(`${SUBMIT_REVIEW} arguments are not an object`);
  const { is_bug: isBug, summary, metric } = value as Record<string, unknown>;
  if (typeof isBug !== 'boolean') return unreadable(`is_bug must be a boolean, got ${JSON.stringify(isBug) ?? 'nothing'}`);
  return {
    isBug,
    summary: typeof summary === 'string' ? summary.trim() : '',
    metric: typeof metric === 'number' && Number.isFinite(metric) ? metric : null,
  };
}

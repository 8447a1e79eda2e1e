import { describe, expect, it } from 'vitest';
import { parseSteer } from '../../../src/cli/steer.js';
import { UsageError } from '../../../src/cli/runInput.js';
import { describeBudget, validateBudgetChange } from '../../../src/workflows/run/steering.js';

describe('setBudget validation', () => {
  it('accepts any positive, finite subset of the budgets', () => {
    expect(() => validateBudgetChange({ wallMs: 60_000 })).not.toThrow();
    expect(() => validateBudgetChange({ maxSteps: 5, maxTokens: 1000, maxCostUsd: 0.5 })).not.toThrow();
  });

  it.each([
    [{ maxSteps: -1 }, 'setBudget: maxSteps must be greater than zero (got -1)'],
    [{ wallMs: 0 }, 'setBudget: wallMs must be greater than zero (got 0)'],
    [{ maxCostUsd: -0.5 }, 'setBudget: maxCostUsd must be greater than zero (got -0.5)'],
    [{ maxTokens: Number.POSITIVE_INFINITY }, 'setBudget: maxTokens must be a finite number (got Infinity)'],
    [{ wallMs: Number.NaN }, 'setBudget: wallMs must be a finite number (got NaN)'],
    [{ wallMs: null }, 'setBudget: wallMs must be a finite number (got null)'],
    [{ maxSteps: '5' }, 'setBudget: maxSteps must be a finite number (got 5)'],
    [{ maxSteps: 2.5 }, 'setBudget: maxSteps must be an integer from 1 to 100000 (got 2.5)'],
    [{}, 'setBudget: nothing to change: give at least one of wallMs, maxSteps, maxTokens, maxCostUsd'],
    [{ steps: 3 }, 'setBudget: unknown field steps (expected wallMs, maxSteps, maxTokens, maxCostUsd)'],
    [null, 'setBudget: expected an object with wallMs, maxSteps, maxTokens or maxCostUsd'],
  ])('rejects %j', (change, message) => {
    expect(() => validateBudgetChange(change)).toThrow(message);
  });

  it('describes a budget in one line', () => {
    expect(describeBudget({ wallMs: 90_000, maxSteps: 5 })).toBe('time 01:30, 5 steps');
    expect(describeBudget({ wallMs: 3_600_000, maxSteps: 100_000, maxTokens: 500, maxCostUsd: 2 })).toBe('time 1:00:00, no step limit, 500 tokens, $2');
  });
});

describe('crucible pause|resume|stop|hint|budget argument parsing', () => {
  it('takes the run id, and the text for hint', () => {
    expect(parseSteer('pause', ['run-1']).runId).toBe('run-1');
    expect(parseSteer('hint', ['run-1', 'try boosting']).runId).toBe('run-1');
    expect(parseSteer('stop', ['run-1', '--reason', 'good enough']).runId).toBe('run-1');
    expect(parseSteer('budget', ['run-1', '--budget', '30m', '--steps', '40']).runId).toBe('run-1');
  });

  it.each([
    ['pause', [], /usage: crucible pause <run>/],
    ['hint', ['run-1'], /usage: crucible hint <run> "text"/],
    ['resume', ['run-1', '--reason', 'x'], /--reason does not apply/],
    ['budget', ['run-1'], /give at least one budget/],
    ['budget', ['run-1', '--budget', 'soon'], /--budget: invalid duration "soon"/],
    ['budget', ['run-1', '--steps', 'many'], /--steps must be a number/],
  ] as const)('%s %j is a usage error', (cmd, args, message) => {
    expect(() => parseSteer(cmd, [...args])).toThrow(UsageError);
    expect(() => parseSteer(cmd, [...args])).toThrow(message);
  });
});

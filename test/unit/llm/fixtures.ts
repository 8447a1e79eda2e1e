/** Shared inputs of the LLM backend tests: a small task on disk and operator requests. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MemoryEntry } from '../../../src/operators/memory.js';
import type { OperatorRequest, ParentContext } from '../../../src/operators/types.js';
import type { OperatorName } from '../../../src/core/node.js';
import type { TaskSpec } from '../../../src/tasks/types.js';
import { makeSyntheticTask } from '../operators/synthetic-task.js';

export const PYTHON = process.env.CRUCIBLE_PYTHON ?? 'python3';

/** A hidden test score attached where a careless caller might leave one: it must never reach a prompt. */
export const HIDDEN_TEST_SCORE = 0.123456789;

export function makeTask(): { task: TaskSpec; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-llm-'));
  const task = makeSyntheticTask(root, 'llm-task', { type: 'tabular-classification', metric: 'auc', trainRows: 40, testRows: 10 });
  return { task, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const entries: MemoryEntry[] = [
  { nodeId: 3, operator: 'draft', plan: 'Gradient boosting on raw features.', score: 0.8712, buggy: false, bugReason: null },
  { nodeId: 5, operator: 'improve', plan: 'One-hot encode color.', score: null, buggy: true, bugReason: 'exit code 1: KeyError: color' },
  { nodeId: 2, archived: true, operator: 'draft', plan: '', score: 0.8, buggy: false, bugReason: null },
];
export const memory: MemoryEntry[] = entries.map((m) => Object.assign({ testScore: HIDDEN_TEST_SCORE }, m));

export function parent(id: number, overrides: Partial<ParentContext> = {}): ParentContext {
  return {
    nodeId: id,
    plan: `Plan of node ${id}: logistic regression.`,
    code: `import os\nprint("node ${id}")\n`,
    score: 0.85,
    buggy: false,
    bugReason: null,
    output: `training node ${id}\nvalidation auc 0.85`,
    ...overrides,
    ...({ testScore: HIDDEN_TEST_SCORE } as object),
  };
}

export function request(task: TaskSpec, op: OperatorName, extra: Partial<OperatorRequest> = {}): OperatorRequest {
  const parents = op === 'draft' ? [] : op === 'crossover' ? [parent(7), parent(8, { score: 0.86 })]
    : op === 'debug' ? [parent(9, { buggy: true, score: null, bugReason: 'exit code 1: ValueError: could not convert string to float', output: 'Traceback ...\nValueError: could not convert string to float' })]
      : [parent(7)];
  return { op, task, parents, seed: 42, remainingSeconds: 5400, memory, ...extra };
}

export const GOOD_CODE = 'import os\nDATA_DIR = os.environ.get("CRUCIBLE_DATA_DIR", "/data")\nprint(DATA_DIR)';
export const goodReply = (plan = 'Train a gradient boosting model.'): string => `${plan}\n\n\`\`\`python\n${GOOD_CODE}\n\`\`\`\n`;

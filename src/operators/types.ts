import type { OperatorName } from '../search/types.js';
import type { TaskSpec } from '../tasks/types.js';
import type { MemoryEntry } from './memory.js';

/** A parent as an operator sees it: code and outcome, never the hidden test score. */
export interface ParentContext {
  nodeId: number;
  plan: string;
  code: string;
  score: number | null;
  buggy: boolean;
  bugReason: string | null;
  /** Trimmed head and tail of the execution's output. */
  output: string;
}

export interface OperatorRequest {
  op: OperatorName;
  task: TaskSpec;
  parents: ParentContext[];
  /** Deterministic per-node seed, derived from the run's seed and the node id. */
  seed: number;
  /** Seconds left in the run's budget; the solution should finish well within it. */
  remainingSeconds: number;
  /** Scoped memory of other nodes (operators/memory.ts); never hidden test scores. */
  memory: MemoryEntry[];
}

export interface OperatorResult {
  plan: string;
  code: string;
}

/** A backend (offline generator, or an LLM later) implements this one function. */
export interface OperatorBackend {
  readonly name: string;
  run(request: OperatorRequest): Promise<OperatorResult>;
}

import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactStore } from '../artifacts/store.js';
import { UnfitTaskError } from '../operators/offline/index.js';
import type { OperatorBackend, OperatorRequest, ParentContext } from '../operators/types.js';
import { headTail } from '../operators/trim.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { MemoryEntry } from '../operators/memory.js';
import { readArchivedNode } from './archive.js';
import { whileHeartbeating } from './heartbeat.js';
import { withLlmBackend, type LlmDeps } from './llm.js';
import { OFFLINE_UNFIT_TASK, type AnalyzeActivityInput, type AnalyzeActivityOutput, type OperateInput, type OperateOutput } from './types.js';
import type { ParentRef } from '../operators/parents.js';
import type { TaskReader } from '../tasks/taskFiles.js';

const PARENT_OUTPUT_CHARS = 5000;

async function readOptional(store: ArtifactStore, ref: ArtifactRef | null): Promise<string> {
  return ref ? store.getText(ref) : '';
}

/** A parent archived at continue-as-new: its plan, code and output references come from the archive. */
async function unarchive(runsRoot: string, runId: string, p: ParentRef): Promise<ParentRef> {
  if (!p.archived) return p;
  const n = await readArchivedNode(runsRoot, runId, p.nodeId);
  return {
    ...p, plan: n.plan, codeRef: n.codeRef, bugReason: n.bugReason,
    stdoutRef: n.exec?.stdoutRef ?? null, stderrRef: n.exec?.stderrRef ?? null,
  };
}

async function fillMemory(runsRoot: string, runId: string, memory: MemoryEntry[]): Promise<MemoryEntry[]> {
  return Promise.all(memory.map(async (m) => {
    if (!m.archived) return m;
    const n = await readArchivedNode(runsRoot, runId, m.nodeId);
    return { ...m, archived: false, plan: n.plan, bugReason: n.bugReason };
  }));
}

/** stdout then stderr, as an operator or Analyze sees an execution's output. */
async function executionOutput(store: ArtifactStore, stdoutRef: ArtifactRef | null, stderrRef: ArtifactRef | null): Promise<string> {
  const [stdout, stderr] = await Promise.all([readOptional(store, stdoutRef), readOptional(store, stderrRef)]);
  return [stdout, stderr].filter(Boolean).join('\n--- stderr ---\n');
}

async function loadParent(store: ArtifactStore, p: ParentRef): Promise<ParentContext> {
  const [code, output] = await Promise.all([readOptional(store, p.codeRef), executionOutput(store, p.stdoutRef, p.stderrRef)]);
  return {
    nodeId: p.nodeId, plan: p.plan, code, score: p.score, buggy: p.buggy, bugReason: p.bugReason,
    output: headTail(output, PARENT_OUTPUT_CHARS),
  };
}

/** A task the offline operators cannot work on fails for good: the workflow stops the run with the message (workflows/run/errors.ts). */
function offlineFailure(err: unknown): never {
  if (err instanceof UnfitTaskError) throw ApplicationFailure.create({ type: OFFLINE_UNFIT_TASK, message: err.message, nonRetryable: true });
  throw err;
}

export interface OperateDeps {
  store: ArtifactStore;
  runsRoot: string;
  /** The offline program generator (operators.backend = offline). */
  offline: OperatorBackend;
  /** What LLM backends need from this worker (its API key). */
  llm: LlmDeps;
  /** The run's task spec with its files where this worker reads them (tasks/taskFiles.ts). */
  taskOf: TaskReader;
}

/**
 * Operator call: parents' code and output from the store in, plan and a code reference out. The run's
 * operator settings pick the backend; LLM calls are recorded and their spend returned for the node.
 */
export function makeOperate(deps: OperateDeps) {
  const { store, runsRoot } = deps;
  return async function operate(input: OperateInput): Promise<OperateOutput> {
    const started = Date.now();
    const [task, parents, memory, dataOverview] = await Promise.all([
      deps.taskOf(input.task, input.taskFiles),
      Promise.all(input.parents.map(async (p) => loadParent(store, await unarchive(runsRoot, input.runId, p)))),
      fillMemory(runsRoot, input.runId, input.memory),
      input.dataOverviewRef ? store.getText(input.dataOverviewRef) : undefined,
    ]);
    const request: OperatorRequest = {
      op: input.op, task, parents, seed: input.seed, remainingSeconds: input.remainingSeconds,
      memory, ...(input.remainingSteps === null ? {} : { remainingSteps: input.remainingSteps }),
      ...(dataOverview === undefined ? {} : { dataOverview }),
      ...(input.hints?.length ? { hints: input.hints } : {}),
    };
    if (input.operators.backend === 'offline') {
      const { plan, code } = await whileHeartbeating(() => deps.offline.run(request)).catch(offlineFailure);
      return { plan, codeRef: await store.put(code), backend: deps.offline.name, latencyMs: Date.now() - started, llm: null };
    }
    const { result, llm } = await withLlmBackend(
      deps, { runId: input.runId, nodeId: input.nodeId, activity: 'operate' }, input.operators, (backend) => backend.run(request),
    );
    return { plan: result.plan, codeRef: await store.put(result.code), backend: input.operators.backend, latencyMs: Date.now() - started, llm };
  };
}

/** Analyze: an LLM reads the output of an execution that wrote no metrics.json and reviews it. */
export function makeAnalyze(deps: OperateDeps) {
  return async function analyze(input: AnalyzeActivityInput): Promise<AnalyzeActivityOutput> {
    const [task, code, output] = await Promise.all([
      deps.taskOf(input.task, input.taskFiles), deps.store.getText(input.codeRef), executionOutput(deps.store, input.stdoutRef, input.stderrRef),
    ]);
    const { result, llm } = await withLlmBackend(
      deps, { runId: input.runId, nodeId: input.nodeId, activity: 'analyze' }, input.operators,
      (backend) => backend.analyze({ task, code, output }),
    );
    return { isBug: result.isBug, summary: result.summary, metric: result.metric, llm };
  };
}

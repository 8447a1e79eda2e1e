import type { ArtifactStore } from '../artifacts/store.js';
import type { OperatorBackend, ParentContext } from '../operators/types.js';
import { headTail } from '../operators/trim.js';
import type { ArtifactRef } from '../search/types.js';
import type { MemoryEntry } from '../operators/memory.js';
import { readArchivedNode } from './archive.js';
import { whileHeartbeating } from './heartbeat.js';
import type { OperateInput, OperateOutput, ParentRef } from './types.js';

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

async function loadParent(store: ArtifactStore, p: ParentRef): Promise<ParentContext> {
  const [code, stdout, stderr] = await Promise.all([
    readOptional(store, p.codeRef), readOptional(store, p.stdoutRef), readOptional(store, p.stderrRef),
  ]);
  const output = [stdout, stderr].filter(Boolean).join('\n--- stderr ---\n');
  return {
    nodeId: p.nodeId, plan: p.plan, code, score: p.score, buggy: p.buggy, bugReason: p.bugReason,
    output: headTail(output, PARENT_OUTPUT_CHARS),
  };
}

/** Operator call: parents' code and output from the store in, plan and a code reference out. */
export function makeOperate(store: ArtifactStore, backend: OperatorBackend, runsRoot: string) {
  return async function operate(input: OperateInput): Promise<OperateOutput> {
    const started = Date.now();
    const parents = await Promise.all(
      input.parents.map(async (p) => loadParent(store, await unarchive(runsRoot, input.runId, p))),
    );
    const memory = await fillMemory(runsRoot, input.runId, input.memory);
    const { plan, code } = await whileHeartbeating(() => backend.run({
      op: input.op, task: input.task, parents, seed: input.seed, remainingSeconds: input.remainingSeconds,
      memory,
    }));
    const codeRef = await store.put(code);
    return { plan, codeRef, backend: backend.name, latencyMs: Date.now() - started };
  };
}

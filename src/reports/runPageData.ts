/**
 * The run report's data, what its page script (assets/run-page.js) reads from #report-data: the run's
 * summary (summary.json) and every node of graph.json with its colour, its code and its outputs from the
 * artifact store (outputs trimmed to a head and a tail).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { Direction, ExecIsolation, NodeRecord, TestGrade } from '../core/node.js';
import { metricDirection } from '../tasks/metrics.js';
import type { MetricName } from '../tasks/types.js';
import type { RunBudget, RunSummary } from '../core/run.js';

/** Bytes kept at each end of a long output. */
export const OUTPUT_EDGE_BYTES = 4096;

/** A text trimmed to its head and tail; `omittedBytes` between them (0: `head` is the whole text). */
export interface Trimmed { head: string; tail: string; omittedBytes: number; error?: string }

export interface RunPageNode {
  id: number;
  parents: number[];
  operator: string;
  plan: string;
  score: number | null;
  testScore: number | null;
  /** The hidden grade's verdict: who graded it, and why it was invalid (null: not graded). */
  testGrade: TestGrade | null;
  buggy: boolean;
  bugReason: string | null;
  createdAt: number;
  color: string;
  code: Trimmed | null;
  stdout: Trimmed | null;
  stderr: Trimmed | null;
  /** `isolation` is null for nodes made before issue 17, which did not record it. */
  exec: { exitCode: number | null; timedOut: boolean; durationMs: number; isolation: ExecIsolation | null } | null;
  tokens: { calls: number; promptTokens: number; completionTokens: number; costUsd: number } | null;
  hintIds: number[];
}

/** Everything the page's script reads from #report-data. */
export interface RunPageData {
  summary: RunSummary;
  direction: Direction;
  /** The run's budget, when known (summary.json does not hold it). */
  budget: RunBudget | null;
  nodes: RunPageNode[];
}

export function trimText(text: string, edge = OUTPUT_EDGE_BYTES): Trimmed {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= 2 * edge) return { head: text, tail: '', omittedBytes: 0 };
  // Cutting inside a multi-byte character leaves a replacement character at the cut; harmless here.
  return {
    head: buf.subarray(0, edge).toString('utf8'),
    tail: buf.subarray(buf.length - edge).toString('utf8'),
    omittedBytes: buf.length - 2 * edge,
  };
}

async function loadText(store: ArtifactStore, ref: ArtifactRef | null | undefined, trim: boolean): Promise<Trimmed | null> {
  if (!ref) return null;
  try {
    const text = await store.getText(ref);
    return trim ? trimText(text) : { head: text, tail: '', omittedBytes: 0 };
  } catch (err) {
    return { head: ref.preview, tail: '', omittedBytes: Math.max(0, ref.bytes - ref.preview.length), error: (err as Error).message };
  }
}

/** Red (worst) to green (best) by validation score; grey for the root and buggy nodes. */
function colorFor(n: NodeRecord, lo: number, hi: number, direction: Direction): string {
  if (n.id === 0 || n.operator === 'root') return '#9e9e9e';
  if (n.buggy || n.score === null) return '#d7d7d7';
  let t = hi > lo ? (n.score - lo) / (hi - lo) : 1;
  if (direction === 'minimize') t = 1 - t;
  return `hsl(${Math.round(t * 120)}, 70%, 50%)`;
}

function directionOf(metric: string): Direction {
  try {
    return metricDirection(metric as MetricName) ?? 'maximize';
  } catch {
    return 'maximize';
  }
}

/** The page's data from a run folder (graph.json, summary.json) and the artifact store. */
export async function runPageData(runDir: string, store: ArtifactStore, budget: RunBudget | null): Promise<RunPageData> {
  const summary = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
  const graph = JSON.parse(await readFile(path.join(runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
  const direction = directionOf(summary.metric);
  const scores = graph.nodes.filter((n) => !n.buggy && n.score !== null && n.id > 0).map((n) => n.score!);
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const nodes: RunPageNode[] = await Promise.all(graph.nodes.map(async (n): Promise<RunPageNode> => ({
    id: n.id, parents: n.parents, operator: n.operator, plan: n.plan, score: n.score, testScore: n.testScore, testGrade: n.testGrade ?? null,
    buggy: n.buggy, bugReason: n.bugReason, createdAt: n.createdAt, color: colorFor(n, lo, hi, direction),
    code: await loadText(store, n.codeRef, false),
    stdout: await loadText(store, n.exec?.stdoutRef, true),
    stderr: await loadText(store, n.exec?.stderrRef, true),
    exec: n.exec ? { exitCode: n.exec.exitCode, timedOut: n.exec.timedOut, durationMs: n.exec.durationMs, isolation: n.exec.isolation ?? null } : null,
    tokens: n.llm ? { calls: n.llm.calls, promptTokens: n.llm.promptTokens, completionTokens: n.llm.completionTokens, costUsd: n.llm.costUsd } : null,
    hintIds: n.hintIds ?? [],
  })));
  return { summary, direction, budget, nodes };
}

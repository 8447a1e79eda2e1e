import { MAX_STEPS } from '../config/constants.js';
import { formatDuration } from '../config/duration.js';
import { isArchived, type GraphNode, type NodeRecord } from '../core/node.js';
import type { Spend } from '../core/spend.js';
import type { RunStatus } from '../workflows/types.js';
import type { RunSummary } from '../core/run.js';
import { runFolderFiles } from '../activities/runFolder.js';

const fmtScore = (s: number | null | undefined) => (s == null ? '—' : s.toFixed(5));

/** One line per finished node: step, operator, parent, score or bug reason, duration, elapsed. */
export function formatNodeLine(node: GraphNode, startedAt: number): string {
  // An archived node's execution and LLM records are in the run's archive, not in the live graph.
  const full = isArchived(node) ? null : node;
  const parent = node.parents.map((p) => (p === 0 ? 'root' : `#${p}`)).join('+');
  const outcome = node.buggy ? `buggy: ${node.bugReason ?? 'unknown'}` : `score ${fmtScore(node.score)}`;
  const took = full?.exec ? `${(full.exec.durationMs / 1000).toFixed(1)}s` : '';
  const tokens = full?.llm ? `  [${full.llm.promptTokens + full.llm.completionTokens} tokens]` : '';
  return `[${formatDuration(node.createdAt - startedAt)}] #${String(node.id).padEnd(4)} ${node.operator.padEnd(8)} ← ${parent.padEnd(5)} ${took.padStart(6)}  ${outcome}${tokens}`;
}

/** "12 calls, 48,210 tokens (40,100 prompt + 8,110 completion), $0.1824" (cost notes unpriced calls). */
export function formatSpend(s: Spend): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const unpriced = s.unpricedCalls > 0 ? ` (+${s.unpricedCalls} unpriced)` : '';
  return `${n(s.calls)} calls, ${n(s.promptTokens + s.completionTokens)} tokens (${n(s.promptTokens)} prompt + ${n(s.completionTokens)} completion), $${s.costUsd.toFixed(4)}${unpriced}`;
}

/** The isolations a run's executions ran under, said once; none for runs before issue 17, which did not record them. */
function isolationLines(isolation: RunSummary['isolation']): string[] {
  if (isolation === undefined) return [];
  if (isolation.length === 0) return ['Isolation: no solution was executed'];
  const weak = isolation.includes('none') ? " ('none': solutions ran as plain processes of the worker, able to read every file it can)" : '';
  return [`Isolation: ${isolation.join(', ')}${weak}`];
}

/** `runUrl`: the run's page in the Temporal UI, when known. */
export function formatSummary(s: RunSummary, runUrl: string | null): string {
  const { metric } = s;
  const lines = [
    '',
    `Run ${s.runId} finished (${s.stopReason}): ${s.nodes} nodes, ${s.buggyNodes} buggy, in ${formatDuration(s.elapsedMs)}`,
    ...isolationLines(s.isolation),
  ];
  if (s.best) {
    const g = s.best.grade;
    const medal = g?.medal ? `${g.medal} medal` : 'no medal';
    const thresholds = g && g.goldThreshold !== null
      ? ` (gold ${fmtScore(g.goldThreshold)}, silver ${fmtScore(g.silverThreshold)}, bronze ${fmtScore(g.bronzeThreshold)}, median ${fmtScore(g.medianThreshold)})`
      : '';
    lines.push(
      `Best node #${s.best.id} (${s.best.operator}): validation ${metric} ${fmtScore(s.best.score)}, hidden test ${metric} ${fmtScore(g?.score)}`,
      `Medal: ${medal}${thresholds}${g?.gradedBy === 'mlebench' ? ', graded by mlebench' : ''}`,
      ...(g && !g.validSubmission ? [`The hidden grade found the submission invalid: ${g.reason ?? 'no reason given'}`] : []),
    );
  } else {
    lines.push('No working solution was found within the budget.');
  }
  const sel = s.selection;
  if (sel.oracle) {
    const others = sel.selections.filter((x) => x.strategy !== sel.strategy)
      .map((x) => `${x.strategy} → #${x.nodeId} test ${fmtScore(x.testScore)}${x.medal ? ` (${x.medal})` : ''}`);
    lines.push(
      `Selection: ${sel.strategy}; oracle #${sel.oracle.nodeId} test ${fmtScore(sel.oracle.testScore)}${sel.oracle.medal ? ` (${sel.oracle.medal})` : ''}; ` +
        `generalization gap ${fmtScore(sel.gap)}${others.length ? `; ${others.join(', ')}` : ''}`,
    );
  }
  if (s.spend.calls > 0) lines.push(`LLM spend: ${formatSpend(s.spend)}`);
  lines.push(`Artifacts: ${s.runDir} (${runFolderFiles(s.best).join(', ')})`);
  if (runUrl) lines.push(`Temporal UI: ${runUrl}`);
  return lines.join('\n');
}

/** The graph as an indented tree (children under their first parent). */
export function formatTree(nodes: NodeRecord[]): string {
  const kids = new Map<number, NodeRecord[]>();
  for (const n of nodes) {
    if (n.id === 0) continue;
    const p = n.parents[0] ?? 0;
    kids.set(p, [...(kids.get(p) ?? []), n]);
  }
  const out: string[] = ['root'];
  const walk = (id: number, indent: string) => {
    const list = kids.get(id) ?? [];
    list.forEach((n, i) => {
      const last = i === list.length - 1;
      const invalid = n.testGrade?.validSubmission === false ? `  test invalid: ${n.testGrade.reason ?? 'no reason given'}` : null;
      const what = n.buggy ? `buggy: ${n.bugReason}` : `score ${fmtScore(n.score)}${invalid ?? `  test ${fmtScore(n.testScore)}`}`;
      out.push(`${indent}${last ? '└─' : '├─'} #${n.id} ${n.operator}  ${what}`);
      walk(n.id, indent + (last ? '   ' : '│  '));
    });
  };
  walk(0, '');
  return out.join('\n');
}

/**
 * The live status line of `crucible watch`: a bar for the time budget, nodes, best so far, spend.
 * `[#########---------------] 04:12 / 10:00  12 nodes (2 running)  best 0.98765 (#7)  1,200 tokens $0.0123`
 */
export function formatProgress(s: RunStatus, now: number, width = 24): string {
  const total = Math.max(1, s.budget.wallMs);
  const used = Math.min(total, Math.max(0, now - s.startedAt));
  const filled = Math.round((used / total) * width);
  const steps = s.budget.maxSteps < MAX_STEPS ? ` of ${s.budget.maxSteps}` : '';
  const tokens = s.spend.promptTokens + s.spend.completionTokens;
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatDuration(used)} / ${formatDuration(total)}`,
    `${s.nodes} nodes${steps} (${s.inFlight} running)`,
    s.bestScore === null ? 'no working node yet' : `best ${fmtScore(s.bestScore)} (#${s.bestNodeId})`,
    ...(s.spend.calls > 0 ? [`${tokens.toLocaleString('en-US')} tokens $${s.spend.costUsd.toFixed(4)}`] : []),
    ...(s.paused ? ['PAUSED'] : []),
    ...(s.phase !== 'searching' ? [s.phase] : []),
  ].join('  ');
}

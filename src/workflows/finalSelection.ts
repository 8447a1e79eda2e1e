/**
 * The run's final selection as activities: the top k by validation are re-scored on the selection
 * holdout (control worker: private answers) and by k-fold re-evaluation (exec worker: the candidate's
 * code runs once per fold), each strategy's pick is graded, and the oracle and the gap are reported.
 */
import * as wf from '@temporalio/workflow';
import type { ExecActivities } from '../activities/index.js';
import type { BestNode, FinalSelection, GradeOutput, SelectionOutcome, SelectionStrategy } from '../core/run.js';
import { foldMean, generalizationGap, oracleNode, pickByRescore, topCandidates } from '../fitness/finalSelection.js';
import { isArchived, type Direction, type GraphNode, type NodeRecord } from '../core/node.js';
import { awardMedal } from '../tasks/medals.js';
import { controlWorker } from './action.js';
import type { AgentRunInput } from './types.js';

export async function selectFinal(
  input: AgentRunInput, exec: wf.ActivityInterfaceFor<ExecActivities>, nodes: readonly GraphNode[],
): Promise<FinalSelection> {
  const { direction } = input.task;
  const config = input.agent.selection;
  const oracle = oracleNode(nodes, direction);
  const wanted = [...new Set<SelectionStrategy>([config.strategy, ...config.report])];
  const rescoring = wanted.some((s) => s !== 'validation');
  const candidates = topCandidates(nodes, direction, rescoring ? config.topK : 1);
  if (candidates.length === 0) return { best: null, strategy: config.strategy, selections: [], oracle: null, gap: null };

  // Archived candidates are compact in the carried graph: their references come from the archive.
  const archived = candidates.filter(isArchived).map((c) => c.id);
  const loaded = archived.length > 0 ? await controlWorker.loadNodes.executeWithOptions(
    { summary: `load archived candidates ${archived.map((id) => `#${id}`).join(', ')}` }, [{ runId: wf.workflowInfo().workflowId, ids: archived }],
  ) : [];
  const full = new Map<number, NodeRecord>([...candidates.filter((c): c is NodeRecord => !isArchived(c)), ...loaded].map((n) => [n.id, n]));
  const submissionOf = (n: GraphNode) => full.get(n.id)?.exec?.submissionRef ?? null;

  const picks = new Map<SelectionStrategy, { node: GraphNode; rescore: number | null }>();
  picks.set('validation', { node: candidates[0]!, rescore: null });
  if (wanted.includes('holdout') && input.task.selectionPath !== null) {
    const scores = await Promise.all(candidates.map(async (c) => {
      const ref = submissionOf(c);
      return ref ? (await controlWorker.scoreSelection.executeWithOptions(
        { summary: `score node #${c.id} on the selection holdout` }, [{ task: input.task, taskFiles: input.taskFilesRef ?? null, submissionRef: ref }],
      )).score : null;
    }));
    addPick(picks, 'holdout', candidates, scores, direction);
  }
  if (wanted.includes('kfold')) {
    const scores: (number | null)[] = [];
    for (const c of candidates) {
      const codeRef = full.get(c.id)?.codeRef;
      const folds: (number | null)[] = [];
      for (let fold = 0; fold < config.folds && codeRef; fold++) {
        const r = await exec.crossValidate.executeWithOptions({ summary: `cross-validate node #${c.id}: fold ${fold + 1} of ${config.folds}` }, [{
          runId: wf.workflowInfo().workflowId, nodeId: c.id, task: input.task, dataRef: input.taskDataRef!, codeRef,
          folds: config.folds, fold, timeoutMs: input.execTimeoutMs,
        }]);
        folds.push(r.score);
        if (r.score === null) break; // one failed fold disqualifies the candidate
      }
      scores.push(codeRef ? foldMean(folds) : null);
    }
    addPick(picks, 'kfold', candidates, scores, direction);
  }

  const grades = new Map<number, GradeOutput | null>();
  for (const { node } of picks.values()) {
    if (grades.has(node.id)) continue;
    const ref = submissionOf(node);
    grades.set(node.id, ref ? await controlWorker.grade.executeWithOptions(
      { summary: `grade selected node #${node.id} on the hidden test` }, [{ task: input.task, taskFiles: input.taskFilesRef ?? null, submissionRef: ref }],
    ) : null);
  }
  // Every grade of a task carries the same thresholds: the oracle's medal follows from its test score.
  const thresholds = [...grades.values()].find((g) => g?.goldThreshold != null);
  const oracleMedal = awardMedal(oracle?.testScore ?? null, thresholds ? {
    gold: thresholds.goldThreshold!, silver: thresholds.silverThreshold!, bronze: thresholds.bronzeThreshold!, median: thresholds.medianThreshold!,
  } : null, direction === 'minimize');
  const oracleBound = oracle?.testScore != null
    ? { nodeId: oracle.id, testScore: oracle.testScore, medal: oracleMedal.medal, aboveMedian: oracleMedal.aboveMedian }
    : null;
  const selections: SelectionOutcome[] = wanted.flatMap((strategy) => {
    const pick = picks.get(strategy);
    if (!pick) return [];
    const grade = grades.get(pick.node.id) ?? null;
    return [{
      strategy, nodeId: pick.node.id, validationScore: pick.node.score!, rescore: pick.rescore,
      testScore: grade?.score ?? null, medal: grade?.medal ?? null, aboveMedian: grade?.aboveMedian ?? false,
      gap: generalizationGap(grade?.score ?? null, oracleBound?.testScore ?? null, direction),
    }];
  });
  // The configured strategy, or best-validation when it could not run (no holdout in this task).
  const strategy = picks.has(config.strategy) ? config.strategy : 'validation';
  const chosen = picks.get(strategy)!.node;
  const record = full.get(chosen.id)!;
  const best: BestNode = {
    id: chosen.id, operator: chosen.operator, score: chosen.score!, codeRef: record.codeRef,
    submissionRef: submissionOf(chosen), grade: grades.get(chosen.id) ?? null,
  };
  const gap = selections.find((s) => s.strategy === strategy)?.gap ?? null;
  return { best, strategy, selections, oracle: oracleBound, gap };
}

function addPick(
  picks: Map<SelectionStrategy, { node: GraphNode; rescore: number | null }>, strategy: SelectionStrategy,
  candidates: readonly GraphNode[], scores: readonly (number | null)[], direction: Direction,
): void {
  const node = pickByRescore(candidates, scores, direction);
  if (node) picks.set(strategy, { node, rescore: scores[candidates.indexOf(node)] ?? null });
}

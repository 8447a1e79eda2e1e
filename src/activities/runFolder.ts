import { log } from '@temporalio/activity';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import type { RunBudget } from '../core/run.js';
import type { ArtifactRef } from '../core/artifact.js';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import { isArchived, isolationsUsed } from '../core/node.js';
import { gradingReport, mlebenchStatements } from '../reports/gradingReport.js';
import { writeRunReport } from '../reports/runReport.js';
import { readArchivedNode } from './archive.js';
import type { RunFolderInput, RunFolderOutput } from './types.js';

/**
 * The files writeRunFolder writes, given the submitted node's code and submission: the best solution
 * and submission only when there is a node that has them.
 */
export function runFolderFiles(best: { codeRef: ArtifactRef | null; submissionRef: ArtifactRef | null } | null): string[] {
  return [
    ...(best?.codeRef ? ['best_solution.py'] : []),
    ...(best?.submissionRef ? ['best_submission.csv'] : []),
    'graph.json', 'summary.json', 'grading_report.json',
  ];
}

/**
 * Writes the run's human-facing folder: graph.json, summary.json (with the isolations its executions
 * ran under, read from every node), the best node's code and submission, and its grade in MLE-bench's report format (grading_report.json); summary.json and
 * grading_report.json carry MLE-bench's statements (mlebenchStatements). The content-addressed store stays the source of truth; this folder is a view of it.
 */
export function makeWriteRunFolder(store: ArtifactStore, runsRoot: string) {
  return async function writeRunFolder(input: RunFolderInput): Promise<RunFolderOutput> {
    const runDir = path.join(runsRoot, input.runId);
    const from = input.nodesFrom;
    const ids = Array.from({ length: from + input.nodes.length }, (_, id) => id);
    const nodes = await Promise.all(ids.map((id) => {
      const given = id >= from ? input.nodes[id - from]! : null;
      return given === null || isArchived(given) ? readArchivedNode(runsRoot, input.runId, id) : given;
    }));
    const isolation = isolationsUsed(nodes);
    const graphJson = JSON.stringify({ runId: input.runId, nodes }, null, 1);
    const graphRef = await store.put(graphJson);
    await writeFileAtomic(path.join(runDir, 'graph.json'), graphJson);
    await writeFileAtomic(path.join(runDir, 'summary.json'), JSON.stringify({ ...input.summary, isolation, ...mlebenchStatements(input.summary.hints.length), runDir }, null, 2));
    const best = input.bestNodeId === null ? undefined : nodes[input.bestNodeId];
    // As runFolderFiles lists them: each best file when its artifact exists.
    const codeRef = best?.codeRef ?? null;
    const submissionRef = best?.exec?.submissionRef ?? null;
    if (codeRef) await writeFileAtomic(path.join(runDir, 'best_solution.py'), await store.get(codeRef));
    const submissionPath = path.join(runDir, 'best_submission.csv');
    if (submissionRef) await writeFileAtomic(submissionPath, await store.get(submissionRef));
    const report = gradingReport({
      ...input.task, grade: input.summary.best?.grade ?? null, submissionPath,
      submissionExists: submissionRef !== null, hints: input.summary.hints.length, createdAt: new Date(),
    });
    await writeFileAtomic(path.join(runDir, 'grading_report.json'), JSON.stringify(report, null, 2));
    return { runDir, graphRef, isolation, report: await writeReport(runDir, store, input.budget ?? null) };
  };
}

/**
 * The run's page (report.html), written by the run itself from the folder just written, so every run
 * has one whoever follows it (`crucible report` rewrites it on demand). A page that cannot be written
 * leaves the run as it is: null, and a warning in the worker's log.
 */
async function writeReport(runDir: string, store: ArtifactStore, budget: RunBudget | null): Promise<string | null> {
  try {
    return await writeRunReport({ runDir, store, budget });
  } catch (err) {
    log.warn(`the run's report could not be written in ${runDir}: ${(err as Error).message}; try \`crucible report ${path.basename(runDir)}\``);
    return null;
  }
}

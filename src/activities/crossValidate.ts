import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import { NODE_LABEL, RUN_LABEL } from '../sandbox/labels.js';
import type { WorkdirQuota } from '../sandbox/diskQuota.js';
import { environmentFor } from '../sandbox/environments.js';
import type { Executor } from '../sandbox/executor.js';
import { materializeFold } from '../tasks/folds.js';
import { scoreAgainst } from '../tasks/grade.js';
import { isTableTask, notTableReason } from '../tasks/types.js';
import { publicDataDir } from '../tasks/dataRef.js';
import { whileHeartbeating } from './heartbeat.js';
import type { CrossValidateInput, CrossValidateOutput } from './types.js';
import { inFreshWorkspace, readOutputFile, tooLargeReason } from './workspace.js';

/**
 * One fold of the k-fold re-evaluation of a node's code: the code runs unchanged in the sandbox on
 * the fold's data (train without the fold, the fold's rows as test) and its predictions for the fold
 * are scored with the task metric against labels it never saw.
 */
export function makeCrossValidate({ store, executor, workspaces, dataCache, workdirBytes = null }: {
  store: ArtifactStore; executor: Executor; workspaces: string; dataCache: string; workdirBytes?: WorkdirQuota;
}) {
  return async function crossValidate(input: CrossValidateInput): Promise<CrossValidateOutput> {
    const { task } = input;
    if (!isTableTask(task)) return { score: null, reason: `k-fold re-evaluation needs one table with one target: ${notTableReason(task)}`, durationMs: 0 };
    const publicDir = await publicDataDir(store, input.dataRef, dataCache);
    const foldDir = path.join(dataCache, `${input.dataRef.sha256}.fold-${input.fold}-of-${input.folds}`);
    const { dir, split } = await materializeFold(task, publicDir, input.folds, input.fold, foldDir);
    const code = await store.getText(input.codeRef);
    return inFreshWorkspace(workspaces, input.runId, `node-${input.nodeId}-fold-${input.fold}`, workdirBytes, async (workDir) => {
      const result = await whileHeartbeating(() => executor.execute({
        code, dataDir: dir, workDir, timeoutMs: input.timeoutMs, maxOutputBytes: 64 * 1024,
        environment: environmentFor(task),
        labels: { [RUN_LABEL]: input.runId, [NODE_LABEL]: String(input.nodeId) },
      }));
      const fail = (reason: string): CrossValidateOutput => ({ score: null, reason, durationMs: result.durationMs });
      if (result.timedOut) return fail('timed out');
      if (result.exitCode !== 0) return fail(`exit code ${result.exitCode ?? result.signal}`);
      const submission = await readOutputFile(path.join(workDir, 'submission.csv'));
      if (submission === null) return fail('no submission.csv');
      if (typeof submission === 'object') return fail(tooLargeReason('submission.csv', submission.tooLarge));
      const { score, reason } = scoreAgainst(task, split.truth, submission);
      return { score, reason, durationMs: result.durationMs };
    });
  };
}

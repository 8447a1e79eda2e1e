import { ApplicationFailure, cancellationSignal } from '@temporalio/activity';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import { judgeExecution } from '../fitness/verdict.js';
import { NODE_LABEL, RUN_LABEL } from '../sandbox/labels.js';
import type { WorkdirQuota } from '../sandbox/diskQuota.js';
import { environmentFor } from '../sandbox/environments.js';
import type { Executor } from '../sandbox/executor.js';
import { unisolatedRefusal } from '../sandbox/unisolated.js';
import { publicDataDir } from '../tasks/dataRef.js';
import { withPublicDataAt } from '../tasks/relocate.js';
import { checkSubmissionForExecution } from '../tasks/submission.js';
import { whileHeartbeating } from './heartbeat.js';
import { UNISOLATED_ANSWERS, type ExecuteInput, type ExecuteOutput } from './types.js';
import { inFreshWorkspace, readOutputFile, tooLargeReason } from './workspace.js';

const MAX_OUTPUT_BYTES = 1 << 20;


/**
 * Runs one solution in a fresh workspace under the executor's quotas (and the workspace's disk quota,
 * `workdirBytes`, none by default), heartbeating so that a dead worker is noticed; stores outputs as
 * artifacts and returns references and flags only. Unisolated, a task whose private answers are on
 * this host is refused unless `allowUnisolated` (sandbox/unisolated.ts).
 */
export function makeExecute({ store, executor, workspaces, dataCache, workdirBytes = null, allowUnisolated = false }: {
  store: ArtifactStore; executor: Executor; workspaces: string; dataCache: string; workdirBytes?: WorkdirQuota; allowUnisolated?: boolean;
}) {
  return async function execute(input: ExecuteInput): Promise<ExecuteOutput> {
    const privateFiles = [input.task.answersPath, ...(input.task.selectionPath === null ? [] : [input.task.selectionPath])];
    const refusal = unisolatedRefusal((await executor.isolation()).mode, privateFiles, allowUnisolated);
    if (refusal !== null) throw ApplicationFailure.create({ type: UNISOLATED_ANSWERS, message: refusal, nonRetryable: true });
    const dataDir = await publicDataDir(store, input.dataRef, dataCache);
    return inFreshWorkspace(workspaces, input.runId, `node-${input.nodeId}`, workdirBytes, async (workDir, workspace) => {
      const code = await store.getText(input.codeRef);
      const result = await whileHeartbeating(() => executor.execute(
        {
          code, dataDir, workDir, timeoutMs: input.timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES,
          environment: environmentFor(input.task),
          labels: { [RUN_LABEL]: input.runId, [NODE_LABEL]: String(input.nodeId) },
        },
        cancellationSignal(),
      ));
      const [metricsFile, submissionFile] = await Promise.all([
        readOutputFile(path.join(workDir, 'metrics.json')),
        readOutputFile(path.join(workDir, 'submission.csv')),
      ]);
      const text = (f: typeof metricsFile) => (typeof f === 'string' ? f : null);
      const [metricsJson, submissionCsv] = [text(metricsFile), text(submissionFile)];
      const oversized = [['metrics.json', metricsFile], ['submission.csv', submissionFile]] as const;
      const tooLarge = oversized.flatMap(([name, f]) => (f !== null && typeof f === 'object' ? [tooLargeReason(name, f.tooLarge)] : []))[0] ?? null;
      // The sample submission is read from this worker's copy of the public data, not at the client's path.
      const submission = submissionCsv === null ? null : checkSubmissionForExecution(withPublicDataAt(input.task, dataDir), submissionCsv);
      const failed = result.exitCode !== 0 || metricsJson === null || submissionCsv === null;
      const disk = { quotaBytes: workspace.quotaBytes, full: failed && await workspace.isFull() };
      const verdict = judgeExecution({ exec: result, metricsJson, submission, timeoutMs: input.timeoutMs, disk, tooLarge });
      const [stdoutRef, stderrRef, submissionRef] = await Promise.all([
        store.put(result.stdout.text),
        store.put(result.stderr.text),
        submissionCsv === null ? null : store.put(submissionCsv),
      ]);
      return {
        exitCode: result.exitCode, timedOut: result.timedOut, oomKilled: result.oomKilled, cancelled: result.cancelled,
        durationMs: result.durationMs, stdoutRef, stderrRef, submissionRef, ...verdict,
        executor: result.environment === undefined ? executor.name : `${executor.name} (${result.environment})`,
        isolation: result.isolation,
      };
    });
  };
}

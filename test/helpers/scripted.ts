/**
 * Test doubles for the equivalence tests: scripted operate/execute/grade activities whose outcome
 * depends only on (seed, node id, operator), so the same outcomes can drive the in-process search
 * driver. They do no real work; the run-folder and archive activities are the real ones.
 */
import { heartbeat, sleep as cancellableSleep } from '@temporalio/activity';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeArchive } from '../../src/activities/archive.js';
import { makeWriteRunFolder } from '../../src/activities/runFolder.js';
import { publishTaskData } from '../../src/tasks/dataRef.js';
import type { ExecuteInput, ExecuteOutput, OperateInput, OperateOutput, ScoreSelectionOutput } from '../../src/activities/types.js';
import type { GradeOutput } from '../../src/core/run.js';
import { FileArtifactStore } from '../../src/artifacts/store.js';
import { artifactsDir, publishIndexDir, runsDir } from '../../src/config/paths.js';
import type { NodeOutcome } from '../../src/search/driver.js';
import { deriveSeed } from '../../src/search/rng.js';
import type { OperatorName } from '../../src/core/node.js';

const OPS: OperatorName[] = ['draft', 'improve', 'debug', 'crossover'];
const unit = (x: number) => x / 2 ** 32;

/** The scripted environment: a quarter of the nodes are buggy; scores are uniform in [0, 1). */
export function scriptedOutcome(seed: number, nodeId: number, op: OperatorName): NodeOutcome {
  const buggy = unit(deriveSeed(seed, nodeId, OPS.indexOf(op), 1)) < 0.25;
  const score = Math.round(unit(deriveSeed(seed, nodeId, 2)) * 1e6) / 1e6;
  return buggy
    ? { score: null, buggy: true, bugReason: `scripted bug at node ${nodeId}`, plan: `${op} ${nodeId}` }
    : { score, buggy: false, bugReason: null, plan: `${op} ${nodeId}` };
}


export interface ScriptedOptions {
  seed: number;
  stateRoot: string;
  /** Random delay per activity, so completions arrive out of order when several are in flight. */
  maxDelayMs?: number;
  /** When set, execute blocks (heartbeating) until cancelled; calls `onCancel` when that happens. */
  hang?: { onCancel: () => void };
  /** Sees every operate call's input (e.g. the hints it carries). */
  onOperate?: (input: OperateInput) => void;
}

export function scriptedActivities(o: ScriptedOptions) {
  const delay = () => sleep(Math.floor(Math.random() * (o.maxDelayMs ?? 0)));
  const store = new FileArtifactStore(artifactsDir(o.stateRoot));
  return {
    control: {
      async operate(input: OperateInput): Promise<OperateOutput> {
        o.onOperate?.(input);
        await delay();
        // The "code" is the operator's name: execute reads it back from the reference's preview.
        const codeRef = await store.put(input.op);
        return { plan: scriptedOutcome(o.seed, input.nodeId, input.op).plan!, codeRef, backend: 'scripted', latencyMs: 0, llm: null };
      },
      async grade(): Promise<GradeOutput> {
        return {
          score: 0.5, validSubmission: true, reason: null, gradedBy: 'crucible', isLowerBetter: false, medal: null, aboveMedian: false,
          goldThreshold: null, silverThreshold: null, bronzeThreshold: null, medianThreshold: null,
        };
      },
      /** The selection holdout's score: fixed, so the holdout pick is the best-validation node. */
      async scoreSelection(): Promise<ScoreSelectionOutput> {
        return { score: 0.5, reason: null };
      },
      writeRunFolder: makeWriteRunFolder(store, runsDir(o.stateRoot)),
      ...makeArchive(runsDir(o.stateRoot)),
      publishTaskData: async (input: { publicDir: string }) => publishTaskData(store, input.publicDir, { shared: [], indexDir: publishIndexDir(o.stateRoot) }),
    },
    exec: {
      async execute(input: ExecuteInput): Promise<ExecuteOutput> {
        if (o.hang) {
          try {
            for (;;) {
              heartbeat();
              await cancellableSleep(200); // throws CancelledFailure once the workflow cancels
            }
          } catch (err) {
            o.hang.onCancel();
            throw err;
          }
        }
        heartbeat();
        await delay();
        const out = scriptedOutcome(o.seed, input.nodeId, input.codeRef.preview as OperatorName);
        return {
          exitCode: out.buggy ? 1 : 0, timedOut: false, oomKilled: false, cancelled: false, durationMs: 1,
          stdoutRef: await store.put(''), stderrRef: await store.put(''), submissionRef: out.buggy ? null : await store.put('id,target\n'),
          score: out.score, buggy: out.buggy, bugReason: out.bugReason, needsReview: false, executor: 'scripted', isolation: 'none',
        };
      },
    },
  };
}

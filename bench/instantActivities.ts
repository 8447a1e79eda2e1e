/**
 * Instant activity doubles for the orchestration benchmarks: operate, execute, grade and
 * scoreSelection return at once with the scripted outcomes of the equivalence tests
 * (test/helpers/scripted.ts: a quarter of the nodes buggy, scores uniform in [0, 1), depending only on
 * seed, node id and operator). Unlike those test doubles they do no I/O per call: the artifact
 * references they return are stored once, up front. The run-folder, archive and publishTaskData
 * activities are the real ones (they run once per run or per continue-as-new, not per node).
 *
 * A StepClock sees every operate call: the time a node's action started, per run. A node's step time is
 * the gap between the starts of consecutive nodes of a run (parallelism 1): the operator, the execution,
 * the grading, the commit and the next proposal, with whatever the orchestration adds in between.
 */
import { performance } from 'node:perf_hooks';
import { makeArchive } from '../src/activities/archive.js';
import { makeWriteRunFolder } from '../src/activities/runFolder.js';
import type { ExecuteInput, ExecuteOutput, OperateInput, OperateOutput, ScoreSelectionOutput } from '../src/activities/types.js';
import type { GradeOutput } from '../src/core/run.js';
import { FileArtifactStore } from '../src/artifacts/store.js';
import { artifactsDir, publishIndexDir, runsDir } from '../src/config/paths.js';
import type { ArtifactRef } from '../src/core/artifact.js';
import type { OperatorName } from '../src/core/node.js';
import { publishTaskData } from '../src/tasks/dataRef.js';
import { scriptedOutcome } from '../test/helpers/scripted.js';

/** When each node's action started (its operate call), per run: ms on the performance clock. */
export class StepClock {
  private readonly starts = new Map<string, number[]>();
  /** Calls, all runs together (the memory sampler labels its samples with it). */
  count = 0;
  /** Called after each recorded start with the run's nodes so far (the memory sampler hooks in). */
  onNode: ((nodeId: number) => void) | null = null;

  start(runId: string, nodeId: number): void {
    let runStarts = this.starts.get(runId);
    if (runStarts === undefined) this.starts.set(runId, (runStarts = []));
    // A retried or re-run operate keeps its first start: the step began then.
    runStarts[nodeId] ??= performance.now();
    this.count += 1;
    this.onNode?.(nodeId);
  }

  /** Node start times of one run, index = node id (index 0, the root, is empty). */
  startsOf(runId: string): number[] {
    return this.starts.get(runId) ?? [];
  }

  /**
   * Step times of one run: for node k (2 <= k <= last), start(k) − start(k − 1), i.e. how long node
   * k − 1 took from its start to the start of the next one. The last node's own step is not seen.
   */
  stepsOf(runId: string): { nodeId: number; ms: number }[] {
    const s = this.startsOf(runId);
    const out: { nodeId: number; ms: number }[] = [];
    for (let k = 2; k < s.length; k++) {
      const a = s[k - 1];
      const b = s[k];
      if (a !== undefined && b !== undefined) out.push({ nodeId: k - 1, ms: b - a });
    }
    return out;
  }

  runs(): string[] {
    return [...this.starts.keys()];
  }

  private readonly hops = new Map<string, { at: number; stage: string }>();
  /**
   * Gaps between consecutive operate and execute starts of one run, by pair: operate→execute is one
   * round trip (operate's result, a workflow task, execute's dispatch); execute→operate is one or two
   * (with the grade of a good node) and the commit. Grade gets no run id, so it is not timed itself.
   */
  readonly hopMs = new Map<string, number[]>();

  /** An activity of a run starts: the gap since the run's previous activity start is one round trip. */
  hop(runId: string, stage: 'operate' | 'execute'): void {
    if (runId.includes('inproc')) return; // the in-process baseline has no round trips
    const now = performance.now();
    const last = this.hops.get(runId);
    if (last !== undefined) {
      const key = `${last.stage}→${stage}`;
      let xs = this.hopMs.get(key);
      if (xs === undefined) this.hopMs.set(key, (xs = []));
      xs.push(now - last.at);
    }
    this.hops.set(runId, { at: now, stage });
  }
}

const OPS: OperatorName[] = ['draft', 'improve', 'debug', 'crossover'];

export interface InstantActivities {
  control: {
    operate(input: OperateInput): Promise<OperateOutput>;
    grade(): Promise<GradeOutput>;
    scoreSelection(): Promise<ScoreSelectionOutput>;
    writeRunFolder: ReturnType<typeof makeWriteRunFolder>;
    archiveNodes: ReturnType<typeof makeArchive>['archiveNodes'];
    loadNodes: ReturnType<typeof makeArchive>['loadNodes'];
    publishTaskData(input: { publicDir: string }): Promise<ArtifactRef>;
  };
  exec: {
    execute(input: ExecuteInput): Promise<ExecuteOutput>;
  };
}

const GRADE: GradeOutput = {
  score: 0.5, validSubmission: true, reason: null, gradedBy: 'crucible', isLowerBetter: false, medal: null, aboveMedian: false,
  goldThreshold: null, silverThreshold: null, bronzeThreshold: null, medianThreshold: null,
};

/** The doubles, with their few artifacts stored up front in `stateRoot`'s store. */
export async function instantActivities(o: { seed: number; stateRoot: string; clock: StepClock }): Promise<InstantActivities> {
  const store = new FileArtifactStore(artifactsDir(o.stateRoot));
  // The "code" is the operator's name: execute reads the operator back from the reference's preview.
  const codeRefs = new Map<OperatorName, ArtifactRef>();
  for (const op of OPS) codeRefs.set(op, await store.put(op));
  const empty = await store.put('');
  const submission = await store.put('id,target\n');
  const archive = makeArchive(runsDir(o.stateRoot));
  return {
    control: {
      async operate(input) {
        o.clock.start(input.runId, input.nodeId);
        o.clock.hop(input.runId, 'operate');
        return {
          plan: scriptedOutcome(o.seed, input.nodeId, input.op).plan!, codeRef: codeRefs.get(input.op)!, backend: 'scripted', latencyMs: 0, llm: null,
        };
      },
      async grade() {
        return GRADE;
      },
      async scoreSelection() {
        return { score: 0.5, reason: null };
      },
      writeRunFolder: makeWriteRunFolder(store, runsDir(o.stateRoot)),
      archiveNodes: archive.archiveNodes,
      loadNodes: archive.loadNodes,
      publishTaskData: async (input) => publishTaskData(store, input.publicDir, { shared: [], indexDir: publishIndexDir(o.stateRoot) }),
    },
    exec: {
      async execute(input) {
        o.clock.hop(input.runId, 'execute');
        const out = scriptedOutcome(o.seed, input.nodeId, input.codeRef.preview as OperatorName);
        return {
          exitCode: out.buggy ? 1 : 0, timedOut: false, oomKilled: false, cancelled: false, durationMs: 0,
          stdoutRef: empty, stderrRef: empty, submissionRef: out.buggy ? null : submission,
          score: out.score, buggy: out.buggy, bugReason: out.bugReason, needsReview: false, executor: 'instant', isolation: 'none',
        };
      },
    },
  };
}

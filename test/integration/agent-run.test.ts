import { WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsDir } from '../../src/config/paths.js';
import { loadTask } from '../../src/tasks/load.js';
import { validateSubmission } from '../../src/tasks/submission.js';
import { EXEC_ISOLATIONS, type NodeRecord } from '../../src/core/node.js';
import { ProcessExecutor } from '../../src/sandbox/process.js';
import { createExecWorker } from '../../src/workers/exec.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { payloadTexts } from '../helpers/temporal.js';

describe('a whole agent run (real server, offline operators, real Python, process sandbox)', () => {
  let h: Harness;
  let summary: RunSummary;
  let nodes: NodeRecord[];
  let input: AgentRunInput;

  beforeAll(async () => {
    h = await startHarness({ name: 'agent-run' });
    input = await h.input({ steps: '9', seed: '3' });
    summary = await h.runAgent(input);
    nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
  });
  afterAll(async () => h?.close());

  it('stops at the step budget with one node per step', () => {
    expect(summary.stopReason).toBe('step budget');
    expect(summary.nodes).toBe(9);
    expect(nodes).toHaveLength(10); // root + 9
    expect(nodes.map((n) => n.id)).toEqual([...Array(10).keys()]);
  });

  it('drafts first: the first five nodes are drafts from the root', () => {
    for (const n of nodes.slice(1, 6)) {
      expect(n.operator).toBe('draft');
      expect(n.parents).toEqual([0]);
    }
    for (const n of nodes.slice(6)) expect(n.operator).not.toBe('draft');
  });

  it('every node has code and an execution result; buggy nodes keep a reason', async () => {
    for (const n of nodes.slice(1)) {
      expect(n.codeRef).not.toBeNull();
      expect((await h.store.getText(n.codeRef!)).length).toBeGreaterThan(100);
      expect(n.exec).not.toBeNull();
      expect(n.exec!.stdoutRef).not.toBeNull();
      if (n.buggy) expect(n.bugReason).toMatch(/\w/);
      else expect(Number.isFinite(n.score)).toBe(true);
    }
  });

  it("records each execution's isolation on its node, and the run's in its summary and summary.json", async () => {
    const used = [...new Set(nodes.slice(1).map((n) => n.exec!.isolation))];
    expect(used).toHaveLength(1);
    expect(EXEC_ISOLATIONS).toContain(used[0]);
    expect(summary.isolation).toEqual(used);
    const summaryJson = JSON.parse(await readFile(path.join(summary.runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(summaryJson.isolation).toEqual(used);
  });

  it("selects the best validation node; its submission is valid and its hidden test score is recorded", async () => {
    const good = nodes.filter((n) => !n.buggy && n.id > 0);
    expect(good.length).toBeGreaterThan(0);
    const bestScore = Math.max(...good.map((n) => n.score!)); // auc: higher is better
    expect(summary.best).not.toBeNull();
    expect(summary.best!.score).toBe(bestScore);
    const csv = await h.store.getText(summary.best!.submissionRef!);
    expect(validateSubmission(input.task, csv)).toMatchObject({ valid: true });
    expect(nodes[summary.best!.id]!.testScore).toEqual(expect.any(Number));
    expect(summary.best!.grade!.score).toBe(nodes[summary.best!.id]!.testScore);
    expect(await readFile(path.join(summary.runDir, 'best_submission.csv'), 'utf8')).toBe(csv);
  });

  it('records who graded the submission, and writes its grade in MLE-bench\'s report format', async () => {
    const grade = summary.best!.grade!;
    expect(grade).toMatchObject({ validSubmission: true, reason: null, gradedBy: 'crucible', isLowerBetter: false });
    const report = JSON.parse(await readFile(path.join(summary.runDir, 'grading_report.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      'competition_id', 'score', 'gold_threshold', 'silver_threshold', 'bronze_threshold', 'median_threshold', 'any_medal', 'gold_medal',
      'silver_medal', 'bronze_medal', 'above_median', 'submission_exists', 'valid_submission', 'is_lower_better', 'created_at', 'submission_path',
      'test_set_feedback', 'external_knowledge',
    ]);
    expect(report).toMatchObject({
      competition_id: input.task.id, score: grade.score, gold_threshold: grade.goldThreshold, median_threshold: grade.medianThreshold,
      any_medal: grade.medal !== null, submission_exists: true, valid_submission: true, is_lower_better: false,
      submission_path: path.join(summary.runDir, 'best_submission.csv'), test_set_feedback: false, external_knowledge: false,
    });
    const summaryJson = JSON.parse(await readFile(path.join(summary.runDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summaryJson).toMatchObject({ runId: summary.runId, test_set_feedback: false, external_knowledge: false });
  });

  it('keeps payloads small: history holds references, not code or logs', async () => {
    const history = await h.client.workflow.getHandle(summary.runId).fetchHistory();
    const payloads = payloadTexts(history);
    expect(payloads.length).toBeGreaterThan(20);
    const code = await h.store.getText(summary.best!.codeRef!);
    const stdout = await h.store.getText(nodes[summary.best!.id]!.exec!.stdoutRef!);
    for (const p of payloads) {
      expect(p).not.toContain(code.slice(300, 800));
      if (stdout.length > 400) expect(p).not.toContain(stdout.slice(200, 400));
    }
  });

  it('gives every activity of an action a one-line summary for the Temporal UI (operator, node, parents)', async () => {
    const history = await h.client.workflow.getHandle(summary.runId).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => (e.userMetadata?.summary ? defaultPayloadConverter.fromPayload<string>(e.userMetadata.summary) : null));
    for (const n of nodes.slice(1)) {
      const parents = n.parents.filter((p) => p > 0).map((p) => `#${p}`).join('+');
      expect(summaries).toContain(`${n.operator} #${n.id}${parents ? ` ← ${parents}` : ''}`);
      expect(summaries).toContain(`run node #${n.id} (${n.operator})`);
      if (n.testScore !== null) expect(summaries).toContain(`grade node #${n.id} on the hidden test`);
    }
  });
  it('stops at its first Draft on a competition the offline operators cannot work on, executing nothing', async () => {
    process.env.MLEBENCH_COMPETITIONS_DIR ??= path.resolve('test/fixtures/mlebench-registry');
    const task = await loadTask(path.resolve('test/fixtures/mlebench-lite/aerial-cactus-identification'));
    const handle = await h.start({ ...input, task }, { workflowId: `${h.queues.workflowId}-unfit` });
    const err = await h.until(handle.result()).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const message = (err as WorkflowFailedError).cause?.message ?? '';
    expect(message).toContain(`the offline operators cannot work on aerial-cactus-identification: ${task.mlebench!.shape}. Run it with an LLM endpoint: `);
    expect(message).toContain('--llm-url <OpenAI-compatible URL> --llm-model <model> (and CRUCIBLE_LLM_API_KEY)');
    const runDir = path.join(runsDir(h.stateRoot), handle.workflowId);
    const stopped = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(stopped.stopReason).toBe('operator error');
    expect(stopped.error).toContain('Run it with an LLM endpoint');
    const graph = (JSON.parse(await readFile(path.join(runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    // Only the Drafts already started fail (the agent's parallelism); none has code or was executed.
    expect(graph.length - 1).toBeLessThanOrEqual(input.agent.parallelism);
    for (const n of graph.slice(1)) expect(n).toMatchObject({ operator: 'draft', codeRef: null, exec: null, buggy: true });
  });

  it("stops at its first execution when the exec worker runs unisolated and the task's answers are on its host", async () => {
    const execQueue = `${h.queues.exec}-unisolated`;
    const worker = await createExecWorker({
      connection: h.nativeConnection, taskQueue: execQueue, stateRoot: h.stateRoot, dataConverter: h.dataConverter,
      executor: new ProcessExecutor({ isolation: 'none', logger: { warn: () => undefined } }), allowUnisolated: false,
    });
    const running = worker.run();
    try {
      const handle = await h.start({ ...input, execTaskQueue: execQueue }, { workflowId: `${h.queues.workflowId}-unisolated` });
      const err = await h.until(handle.result()).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause?.message ?? '').toContain("refused: this exec worker runs solutions with isolation 'none'");
      const runDir = path.join(runsDir(h.stateRoot), handle.workflowId);
      const stopped = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(stopped.stopReason).toBe('operator error');
      expect(stopped.error).toContain('CRUCIBLE_ALLOW_UNISOLATED=on');
      // Nothing was executed: no node has an execution record.
      expect(stopped.isolation).toEqual([]);
    } finally {
      worker.shutdown();
      await running;
    }
  });
});

import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, temporalCliPath } from '../../src/config/paths.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { PATCHES } from '../../src/workflows/patches.js';
import { startHarness, type Harness } from '../helpers/harness.js';

interface HistoryEvent {
  eventType: string;
  markerRecordedEventAttributes?: { markerName: string; details: Record<string, { payloads: { data: string }[] }> };
}

/** The patch ids of a history's `wf.patched` markers, in order. */
function patchIds(events: HistoryEvent[]): string[] {
  return events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => (JSON.parse(Buffer.from(e.markerRecordedEventAttributes!.details['patch-data']!.payloads[0]!.data, 'base64').toString()) as { id: string }).id);
}

describe('replay', () => {
  let env: Harness;
  let history: unknown;

  beforeAll(async () => {
    env = await startHarness({ name: 'replay' });
    await env.runAgent(await env.input({ steps: '6', seed: '7' }));
    // Export the history the way a user would: `temporal workflow show --output json`.
    const { stdout } = await promisify(execFile)(temporalCliPath(),
      ['workflow', 'show', '--workflow-id', env.queues.workflowId, '--address', env.address, '--output', 'json'], { maxBuffer: 64 << 20 });
    await writeFile(path.join(env.stateRoot, 'history.json'), stdout);
    history = JSON.parse(stdout);
  });
  afterAll(async () => env?.close());

  it('the exported history of a finished run replays cleanly against the workflow code', async () => {
    await expect(Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, history)).resolves.toBeUndefined();
  });

  // Runs recorded by earlier code (test/fixtures/histories/README.md): each `wf.patched` change must
  // leave them replaying as they ran, or a run in flight across an upgrade would fail.
  it.each([
    ['agentrun-0.2.0.json', []],
    ['agentrun-0.2.0-2056e1d.json', ['improve-below-optimum']],
    ['agentrun-0.2.0-2056e1d-fork.json', ['improve-below-optimum']],
  ])('a run recorded by older code (%s) still replays against the current workflow code', async (file, patches) => {
    const recorded = JSON.parse(await readFile(path.join(projectRoot, 'test/fixtures/histories', file), 'utf8')) as { events: HistoryEvent[] };
    // What the history exercises: the patches it was recorded with, and none of the later ones.
    expect(patchIds(recorded.events)).toEqual(patches);
    expect(recorded.events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED').length).toBeGreaterThan(20);
    await expect(Worker.runReplayHistory({ workflowBundle: env.workflowBundle }, recorded)).resolves.toBeUndefined();
  });

  it('a run recorded by the current code carries every patch marker', () => {
    expect(patchIds((history as { events: HistoryEvent[] }).events)).toEqual(PATCHES);
  });

  it('a deliberately changed workflow fails replay with a nondeterminism error', async () => {
    const changed = await bundleWorkflows(path.join(projectRoot, 'test/fixtures/changed-workflow/index.ts'));
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history)).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

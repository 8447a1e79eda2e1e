import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../src/config/paths.js';
import { tempDir } from '../tasks/fixtures.js';

/**
 * `crucible replay`, the real command on recorded histories: with --json its stdout is one JSON
 * document (the SDK's native warnings once came first, on stdout), and a divergence names the history
 * event the code disagreed with, not only the command it issued.
 */
const CLI = path.join(projectRoot, 'bin', 'crucible');
const RECORDED = path.join(projectRoot, 'test', 'fixtures', 'histories', 'agentrun-0.2.0-2056e1d.json');

interface Event { eventId: string; eventType: string; activityTaskScheduledEventAttributes?: { activityType: { name: string } } }

let root: string;
let cleanup: () => void;
let diverging: string;
let renamedEvent: Event;
beforeAll(() => {
  ({ dir: root, cleanup } = tempDir('crucible-replay-cli-'));
  // The recorded run with its first activity renamed: the current code schedules another one there.
  const history = JSON.parse(readFileSync(RECORDED, 'utf8')) as { events: Event[] };
  renamedEvent = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
  renamedEvent.activityTaskScheduledEventAttributes!.activityType.name = 'renamedActivity';
  diverging = path.join(root, 'diverging.json');
  writeFileSync(diverging, JSON.stringify(history));
});
afterAll(() => cleanup());

async function replay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(CLI, ['replay', ...args], { encoding: 'utf8', env: { ...process.env, CRUCIBLE_HOME: path.join(root, 'state') } })
    .then((out) => ({ code: 0, ...out }), (err: { code: number; stdout: string; stderr: string }) => err);
}

describe('crucible replay', () => {
  it('--json on a recorded history: stdout parses as one JSON document saying it replayed', async () => {
    const r = await replay(RECORDED, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, events: 212 });
  });

  it('--json on a diverging history: stdout is still one JSON document, and it names the diverging event', async () => {
    const r = await replay(diverging, '--json');
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout) as { ok: boolean; nondeterminism: boolean; divergence: { eventId: number; eventType: string } };
    expect(result).toMatchObject({ ok: false, nondeterminism: true });
    expect(result.divergence).toEqual({ eventId: Number(renamedEvent.eventId), eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' });
    expect(r.stderr).not.toMatch(/Failing workflow task/);
  });

  it('the text output names the diverging event id and type before the SDK message', async () => {
    const r = await replay(diverging);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      `replay FAILED: the workflow code diverges from the history at event ${renamedEvent.eventId} (EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) of 212:`,
    );
    expect(r.stdout).toContain('renamedActivity');
  });
});

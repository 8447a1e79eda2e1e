/**
 * `crucible replay <history.json>`: replays the current workflow code against a recorded history (from
 * `crucible export` or `temporal workflow show -o json`). A change to the workflow that breaks running
 * or recorded runs shows up here as the first divergence: the event id and the command the code issued
 * instead. Exit codes: 0 replays cleanly, 1 nondeterminism (or another replay failure), 2 unreadable file.
 */
import { dataConverter } from '../config/temporalConnection.js';
import { DefaultLogger, Runtime, Worker, type LogLevel, type LogMetadata, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bundleWorkflows } from '../workers/bundle.js';
import { findDivergingEvent, type DivergingEvent } from './replayDivergence.js';
import { UsageError } from './runInput.js';

export type ReplayResult =
  | { ok: true; events: number; workflowId: string | null }
  | { ok: false; events: number; workflowId: string | null; nondeterminism: boolean; message: string; divergence: DivergingEvent | null };

/** The SDK's own report of a failed replay, which the result already holds. */
const REPLAY_VERDICT = /Failing workflow task/;

/**
 * The SDK runtime for a replay: native logs are forwarded to the logger, which writes to stderr (by
 * default they go straight to stdout, before the --json document), less the replay's own verdict.
 */
function installReplayRuntime(): void {
  const base = new DefaultLogger('WARN');
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (!REPLAY_VERDICT.test(entry.message)) base.log(entry.level as LogLevel, entry.message, entry.meta as LogMetadata);
      }),
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed in this process (tests): keep the first.
  }
}

/** Replays one history file against a workflow bundle (the current code unless given). */
export async function replayHistoryFile(file: string, workflowBundle?: WorkflowBundleWithSourceMap): Promise<ReplayResult> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read history ${file}: ${(err as Error).message}`);
  }
  let events: number;
  let workflowId: string | null = null;
  try {
    const history = historyFromJSON(json);
    events = history.events?.length ?? 0;
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    if (!started) throw new Error('its first event is not WorkflowExecutionStarted');
    workflowId = started.workflowId ?? null;
  } catch (err) {
    throw new UsageError(`${file} is not a workflow history: ${(err as Error).message}`);
  }
  installReplayRuntime();
  // An encrypted history (CRUCIBLE_PAYLOAD_KEYS) replays with the same keys.
  const options = { workflowBundle: workflowBundle ?? await bundleWorkflows(), dataConverter: dataConverter() };
  try {
    await Worker.runReplayHistory(options, json, workflowId ?? undefined);
    return { ok: true, events, workflowId };
  } catch (err) {
    const nondeterminism = err instanceof DeterminismViolationError;
    const divergence = nondeterminism ? await findDivergingEvent(options, json as Parameters<typeof findDivergingEvent>[1], workflowId ?? undefined) : null;
    return { ok: false, events, workflowId, nondeterminism, message: err instanceof Error ? err.message : String(err), divergence };
  }
}

export const REPLAY_USAGE = `usage: crucible replay <history.json> [--json]
  Replays the current workflow code against a recorded history; prints "replay OK: N events", or the first
  divergence (event id and command) and exits 1.
  Example: crucible export <run> --out /tmp/run1 && crucible replay /tmp/run1/history-1.json`;

export async function cmdReplayHistory(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(REPLAY_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(REPLAY_USAGE);
  const r = await replayHistoryFile(positionals[0]!);
  if (values.json) console.log(JSON.stringify(r, null, 2));
  else if (r.ok) console.log(`replay OK: ${r.events} events`);
  else {
    const where = r.divergence ? ` at event ${r.divergence.eventId} (${r.divergence.eventType}) of ${r.events}` : ` (${r.events} events)`;
    console.log(r.nondeterminism
      ? `replay FAILED: the workflow code diverges from the history${where}:\n  ${r.message}`
      : `replay FAILED (${r.events} events): ${r.message}`);
  }
  return r.ok ? 0 : 1;
}

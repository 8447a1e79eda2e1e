/**
 * Where a replay diverges: the SDK's nondeterminism error names the command the code issued, not the
 * history event it disagreed with. Replaying the history cut after event n fails exactly when the cut
 * holds the event where the divergence is detected (the events after a cut are not there to disagree
 * with), so a binary search over cuts finds that event in about log2(events) replays.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';

/** The first event the workflow code disagrees with, as the history file names it. */
export interface DivergingEvent {
  eventId: number;
  eventType: string;
}

interface JsonHistory {
  events: { eventId?: string | number; eventType?: string }[];
}

/** The event where replaying `history` first fails with a nondeterminism error; null when the whole history replays. */
export async function findDivergingEvent(
  options: Pick<ReplayWorkerOptions, 'workflowBundle' | 'dataConverter'>, history: JsonHistory, workflowId?: string,
): Promise<DivergingEvent | null> {
  const diverges = async (n: number) => Worker.runReplayHistory(options, { ...history, events: history.events.slice(0, n) }, workflowId)
    .then(() => false, (err: unknown) => err instanceof DeterminismViolationError);
  const total = history.events.length;
  if (!(await diverges(total))) return null;
  // Invariant: the cut after `lo` events replays, the cut after `hi` events diverges.
  let lo = 1;
  let hi = total;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await diverges(mid)) hi = mid;
    else lo = mid;
  }
  const event = history.events[hi - 1]!;
  return { eventId: Number(event.eventId ?? hi), eventType: String(event.eventType ?? 'unknown') };
}

import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';

/** Node ids of the activities of one type that history scheduled, in order (retries are not new events). */
export function scheduledNodeIds(histories: History[], activityType: string): number[] {
  const ids: number[] = [];
  for (const history of histories) {
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (a?.activityType?.name !== activityType || !a.input?.payloads?.[0]) continue;
      ids.push(defaultPayloadConverter.fromPayload<{ nodeId: number }>(a.input.payloads[0]).nodeId);
    }
  }
  return ids;
}

import { heartbeat } from '@temporalio/activity';

const INTERVAL_MS = 2000;

/**
 * Heartbeats while `work` runs, so the server notices a dead worker within the heartbeat timeout
 * (and a cancelled activity learns of it) instead of waiting for the start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>): Promise<T> {
  heartbeat();
  const beat = setInterval(() => heartbeat(), INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

import { DefaultLogger, Runtime, type LogEntry, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { isServerUnreachable } from '../config/serverReachable.js';

/** Expected at start-up of an activity-only worker (exec workers register no workflows). */
const EXPECTED = /No workflows registered, not polling for workflow tasks/;

/**
 * The SDK core's warnings while the Temporal server is unreachable: one per gRPC call and retry, dozens
 * a second during a server restart (every poller, every completion). The core keeps retrying by itself.
 */
const CONNECTION_RETRY = /^gRPC call \w+ retried \d+ times|^Network error while completing activity/;

/** How often a worker process says, in one line, that the server is still unreachable. */
const UNREACHABLE_NOTICE_EVERY_MS = 60_000;

export interface RuntimeOptions {
  /**
   * `notice`: connection-retry warnings become one line a minute while they last (a worker process).
   * `silent`: dropped, for a process that reports the outage itself (`crucible run` with embedded workers).
   */
  serverUnreachable: 'notice' | 'silent';
}

const isConnectionRetry = (entry: LogEntry) =>
  CONNECTION_RETRY.test(entry.message) && isServerUnreachable(JSON.stringify(entry.meta ?? {}));

/** Installs the SDK runtime once per process with WARN-level logs, minus the expected and the repetitive. */
export function installRuntime(opts: RuntimeOptions = { serverUnreachable: 'notice' }): void {
  const base = new DefaultLogger('WARN');
  let lastNotice = -Infinity;
  const log = (entry: LogEntry) => {
    if (EXPECTED.test(entry.message)) return;
    if (isConnectionRetry(entry)) {
      if (opts.serverUnreachable === 'silent' || Date.now() - lastNotice < UNREACHABLE_NOTICE_EVERY_MS) return;
      lastNotice = Date.now();
      base.warn('the Temporal server does not answer; the workers keep retrying until it does (this repeats once a minute while it lasts)');
      return;
    }
    base.log(entry.level as LogLevel, entry.message, entry.meta as LogMetadata);
  };
  try {
    // Core's own logs are forwarded here (not printed by the native side), so the filter above sees them.
    Runtime.install({ logger: new DefaultLogger('WARN', log), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } });
  } catch {
    // Already installed in this process (tests, or an embedded run after a worker): keep the first.
  }
}

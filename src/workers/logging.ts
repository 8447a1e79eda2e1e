import { DefaultLogger, Runtime, makeTelemetryFilterString, type LogLevel, type LogMetadata } from '@temporalio/worker';

/** Expected at start-up of an activity-only worker (exec workers register no workflows). */
const EXPECTED = /No workflows registered, not polling for workflow tasks/;

/**
 * The SDK core's own log targets that speak while the Temporal server is unreachable:
 * `temporalio_client::retry` warns once per gRPC call and retry (dozens a second during a server
 * restart: every poller, every completion) while the core keeps retrying by itself;
 * `temporalio_sdk_core::worker::activities` warns once per activity result it could not deliver
 * (Temporal then retries that activity).
 */
const CLIENT_RETRIES = 'temporalio_client::retry';
const ACTIVITY_COMPLETIONS = 'temporalio_sdk_core::worker::activities';

export interface RuntimeOptions {
  /**
   * `notice` (a worker process): the per-call retry warnings are dropped, the undelivered results kept,
   * one line each. `silent`: both dropped, for a process that reports the outage itself (`crucible run`
   * with embedded workers says once that the server is gone and once that it is back).
   */
  serverUnreachable: 'notice' | 'silent';
}

/** The core's log filter: WARN, minus the targets above as the options say (env-filter syntax, the most specific wins). */
export function coreLogFilter(opts: RuntimeOptions): string {
  const quiet = opts.serverUnreachable === 'silent' ? [CLIENT_RETRIES, ACTIVITY_COMPLETIONS] : [CLIENT_RETRIES];
  return [makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), ...quiet.map((target) => `${target}=ERROR`)].join(',');
}

/** Installs the SDK runtime once per process with WARN-level logs, minus the expected and the repetitive. */
export function installRuntime(opts: RuntimeOptions = { serverUnreachable: 'notice' }): void {
  const base = new DefaultLogger('WARN');
  try {
    // The core prints its own logs, filtered. (Forwarded to this logger instead, a worker restarted after
    // a SIGKILL did not poll again in test/integration/equivalence.test.ts.)
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (!EXPECTED.test(entry.message)) base.log(entry.level as LogLevel, entry.message, entry.meta as LogMetadata);
      }),
      telemetryOptions: { logging: { filter: coreLogFilter(opts), console: {} } },
    });
  } catch {
    // Already installed in this process (tests, or an embedded run after a worker): keep the first.
  }
}

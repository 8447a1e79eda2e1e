import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';

/** Expected at start-up of an activity-only worker (exec workers register no workflows). */
const EXPECTED = /No workflows registered, not polling for workflow tasks/;

/** Installs the SDK runtime once per process with WARN-level logs, minus the one expected warning. */
export function installRuntime(): void {
  const base = new DefaultLogger('WARN');
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => {
        if (!EXPECTED.test(entry.message)) base.log(entry.level as LogLevel, entry.message, entry.meta as LogMetadata);
      }),
    });
  } catch {
    // Already installed in this process (tests, or an embedded run after a worker): keep the first.
  }
}

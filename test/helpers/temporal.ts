import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { buildRunInput, type RunOptions } from '../../src/cli/runInput.js';
import { builtTasksDir } from '../../src/config/paths.js';
import { connectNativeConnection, connectTemporalClient, dataConverter, temporalSettings } from '../../src/config/temporalConnection.js';
import { bundleWorkflows } from '../../src/workers/bundle.js';
import { installRuntime } from '../../src/workers/logging.js';
import type { AgentRunInput } from '../../src/workflows/types.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

export type TestEnv = Awaited<ReturnType<typeof testEnv>>;

/**
 * A client, a worker connection and the workflow bundle (built once per file). `temporal` holds the
 * connection settings as Crucible reads them from the environment (address, TLS, payload keys); the
 * default is the suite's dev server (started by test/global-setup.ts).
 */
export async function testEnv(temporal: NodeJS.ProcessEnv = { TEMPORAL_ADDRESS: inject('temporalAddress') }) {
  installRuntime();
  const client = await connectTemporalClient({ env: temporal });
  const nativeConnection = await connectNativeConnection({ env: temporal });
  bundle ??= bundleWorkflows();
  return {
    address: temporalSettings({ env: temporal }).address,
    client,
    nativeConnection,
    /** What the workers encode payloads with: the client's converter, from the same settings. */
    dataConverter: dataConverter(temporal),
    workflowBundle: await bundle,
    close: async () => {
      await client.connection.close();
      await nativeConnection.close();
    },
  };
}

/** A fresh state folder (artifacts, runs, workspaces) for one test. */
export function tempStateRoot(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'crucible-test-'));
}

/** Unique queue names so tests sharing one server never pick up each other's tasks. */
export function uniqueQueues(name: string) {
  const id = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  return { control: `control-${id}`, exec: `exec-${id}`, workflowId: `test-${id}` };
}

/** A run input on a bundled task (built by scripts/setup.sh into the developer's state folder). */
export async function bundledRunInput(opts: Partial<RunOptions> & { execQueue: string }): Promise<AgentRunInput> {
  const input = await buildRunInput({
    task: path.join(builtTasksDir(), 'breast-cancer'), agent: 'aira-greedy', seed: '1', budget: '5m', steps: '8',
    execTimeout: '2m', ...opts,
  });
  return { ...input, execTaskQueue: opts.execQueue };
}

/** Every byte string in a history (payload data, decoded as UTF-8): what a search for text must look at. */
export function payloadTexts(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) value.forEach((v) => payloadTexts(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => payloadTexts(v, out));
  return out;
}

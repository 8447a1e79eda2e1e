/**
 * An LLM endpoint that answers the check before the run and then goes away mid-run: the run stops as
 * failed with the cause once the endpoint has been unreachable for its (here lowered) grace time, with
 * a few nodes, instead of making buggy nodes until its budget is spent; the outage is told in one line.
 * The endpoint is a TEST DOUBLE (helpers/fakeOpenAiServer.ts) that speaks the real protocol to the real
 * `openai` client; Temporal, the workers and the sandbox are real.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmSettingsSchema } from '../../src/config/agent.js';
import { runsDir } from '../../src/config/paths.js';
import type { NodeRecord } from '../../src/core/node.js';
import { probeEndpoint } from '../../src/operators/llm/probe.js';
import { completion, startFakeServer, type FakeServer } from '../helpers/fakeOpenAiServer.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { solution } from '../helpers/solutions.js';

const GRACE_MS = 4_000;
/** Operator replies the double gives before it stops listening. */
const ANSWERED = 2;

describe('an LLM endpoint that goes away during a run', () => {
  let h: Harness;
  let server: FakeServer;
  let goneAt = 0;
  let failure: unknown;
  let failedAt = 0;
  let nodes: NodeRecord[];
  // What the worker prints: the SDK's log entries (stderr) and the outage lines (console.warn).
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const warn = console.warn;

  beforeAll(async () => {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (logged.push(String(chunk)), write(chunk, ...rest))) as typeof process.stderr.write;
    console.warn = (...args: unknown[]) => { logged.push(`${args.join(' ')}\n`); warn(...args); };
    h = await startHarness({ name: 'llm-gone' });
    let operatorReplies = 0;
    server = await startFakeServer((req) => {
      if (req.url.endsWith('/models')) return { body: { object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'test' }] } };
      if (++operatorReplies === ANSWERED) {
        // After this reply has gone out: nothing listens on the port any more.
        setTimeout(() => { goneAt = Date.now(); void server.close(); }, 100);
      }
      return { body: completion(`Logistic regression.\n\n\`\`\`python\n${solution({ c: operatorReplies })}\n\`\`\`\n`, { model: 'gpt-4o' }) };
    });
    const input = await h.input({ steps: '40', budget: '10m' });
    input.agent.operators = {
      ...input.agent.operators, backend: 'llm',
      llm: llmSettingsSchema.parse({ baseURL: server.baseURL, models: { default: 'gpt-4o' }, unreachableGraceMs: GRACE_MS }),
    };
    // What `crucible run` checks first (cli/preflight.ts): the endpoint answers and serves the model.
    await probeEndpoint({ baseURL: server.baseURL, key: null, models: ['gpt-4o'] });
    const handle = await h.start(input);
    failure = await h.until(handle.result()).then(() => null, (err: unknown) => err);
    failedAt = Date.now();
    nodes = (JSON.parse(await readFile(path.join(runsDir(h.stateRoot), handle.workflowId, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
  }, 240_000);
  afterAll(async () => {
    process.stderr.write = write;
    console.warn = warn;
    await h?.close();
  });

  it('the run fails with the cause, naming the endpoint, soon after the grace time', () => {
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const message = (failure as WorkflowFailedError).cause?.message ?? '';
    const url = server.baseURL.replace(/[.:/]/g, '\\$&');
    expect(message).toMatch(new RegExp(`^the run stopped: LLM endpoint ${url} unreachable for [4-9] s: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+ \\(report in `));
    expect(goneAt).toBeGreaterThan(0);
    // The grace, plus the executions and the run's ending (final selection, report) in flight then.
    expect(failedAt - goneAt).toBeLessThan(GRACE_MS + 60_000);
  });

  it('with only the nodes made before the endpoint went, and those in flight then', () => {
    expect(nodes.length - 1).toBeGreaterThanOrEqual(ANSWERED);
    expect(nodes.length - 1).toBeLessThanOrEqual(ANSWERED + 2);
  });

  it('the outage is one line, not a retry warning per attempt', () => {
    const lines = logged.join('').split('\n');
    expect(lines.filter((l) => l.includes(`LLM endpoint ${server.baseURL} unreachable (`))).toHaveLength(1);
    // The SDK's entries: the operate call that failed for good, and the workflow's failure; not one per try.
    expect(lines.filter((l) => /^\S+ \[WARN\] Activity failed/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^\S+ \[WARN\]/.test(l)).length).toBeLessThanOrEqual(3);
  });
});

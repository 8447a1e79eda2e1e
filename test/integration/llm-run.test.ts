/**
 * Whole runs with the LLM backend against a local OpenAI-compatible server (a TEST DOUBLE that speaks
 * the real protocol; see helpers/fakeOpenAiServer.ts) through the real `openai` client, the real
 * Temporal server, real workers and the real sandbox running the Python the "model" wrote.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmSettingsSchema } from '../../src/config/agent.js';
import { runsDir } from '../../src/config/paths.js';
import type { CallRecord } from '../../src/operators/llm/recording.js';
import type { NodeRecord } from '../../src/core/node.js';
import { CrucibleCostUsd, CrucibleStatus, CrucibleTokens } from '../../src/workflows/searchAttributes.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { completion, startFakeServer, toolCompletion, type FakeServer, type RecordedRequest, type ScriptedReply } from '../helpers/fakeOpenAiServer.js';
import { solution } from '../helpers/solutions.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { payloadTexts } from '../helpers/temporal.js';

const API_KEY = 'sk-crucible-test-KEY-9d41f07c2b';

const reply = (plan: string, code: string): ScriptedReply => ({ body: completion(`${plan}\n\n\`\`\`python\n${code}\n\`\`\`\n`, { model: 'gpt-4o' }) });
const isAnalyze = (req: RecordedRequest): boolean => Array.isArray(req.body.tools);

/**
 * The scripted "model": Analyze reviews report AUC 0.95; operator replies go, in order: one with no code
 * block (re-asked), a good script, one that writes no metrics.json (Analyze reads its output), one that
 * prints its whole environment, then good scripts.
 */
function scriptedModel(): (req: RecordedRequest) => ScriptedReply {
  let operatorReplies = 0;
  return (req) => {
    if (isAnalyze(req)) return { body: toolCompletion(JSON.stringify({ is_bug: false, summary: 'Trained; validation AUC printed.', metric: 0.95 }), { model: 'gpt-4o' }) };
    const n = operatorReplies++;
    if (n === 0) return { body: completion('I would train a logistic regression, but here is no code.', { model: 'gpt-4o' }) };
    if (n === 2) return reply('Logistic regression, scores only printed.', solution({ c: 0.5, metrics: false }));
    if (n === 3) return reply('Logistic regression; print the environment.', solution({ c: 2, dumpEnv: true }));
    return reply(`Logistic regression with C=${n}.`, solution({ c: n }));
  };
}

/** Every file under a folder, as text. */
async function allFiles(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: await readFile(file, 'latin1') });
  }
  return out;
}

describe('LLM operators through an OpenAI-compatible endpoint (fake server, real client, real run)', () => {
  let h: Harness;
  let stateRoot: string;
  // Everything this process writes (worker and SDK logs included), to search for the key.
  const logged: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

  beforeAll(async () => {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (logged.push(String(chunk)), writes.out(chunk, ...rest))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (logged.push(String(chunk)), writes.err(chunk, ...rest))) as typeof process.stderr.write;
    // The key is in the control worker's environment only (read by apiKeyFromEnv at worker creation).
    h = await startHarness({ name: 'llm', controlEnv: { CRUCIBLE_LLM_API_KEY: API_KEY } });
    ({ stateRoot } = h);
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await h?.close();
  });

  async function llmInput(server: FakeServer, over: { steps: string; llm?: object; budget?: Partial<AgentRunInput['budget']> }): Promise<AgentRunInput> {
    const input = await h.input({ steps: over.steps, seed: '5' });
    if (input.agent.policy.kind !== 'greedy') throw new Error('expected the greedy preset');
    input.agent.policy.numDrafts = 2;
    input.agent.operators = {
      ...input.agent.operators,
      backend: 'llm',
      llm: llmSettingsSchema.parse({ baseURL: server.baseURL, models: { default: 'gpt-4o' }, maxAttempts: 3, ...over.llm }),
    };
    input.budget = { ...input.budget, ...over.budget };
    return input;
  }

  const start = (input: AgentRunInput, id: string) => h.start(input, { workflowId: `${h.queues.workflowId}-${id}` });

  describe('a whole run: rate limit and server error retried, re-ask, Analyze, recordings, spend, no key anywhere', () => {
    let server: FakeServer;
    let summary: RunSummary;
    let nodes: NodeRecord[];
    let runId: string;
    const store = () => h.store;

    beforeAll(async () => {
      server = await startFakeServer(scriptedModel());
      server.script(
        { status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached', type: 'requests' } } },
        { status: 500, body: { error: { message: 'The server had an error', type: 'server_error' } } },
      );
      const handle = await start(await llmInput(server, { steps: '4' }), 'whole');
      runId = handle.workflowId;
      summary = await handle.result();
      nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    });
    afterAll(async () => server?.close());

    it('completes at the step budget with LLM-made nodes that really trained', () => {
      expect(summary.stopReason).toBe('step budget');
      expect(summary.nodes).toBe(4);
      expect(nodes.slice(1).map((n) => n.operator)).toEqual(['draft', 'draft', expect.stringMatching(/improve|debug/), expect.stringMatching(/improve|debug/)]);
      expect(nodes.slice(1).every((n) => n.llm && n.llm.recordings.length > 0)).toBe(true);
      expect(summary.best?.score).toBeGreaterThan(0.9);
      expect(summary.best?.grade?.score).toEqual(expect.any(Number));
    });

    it('sends the sandbox-made data overview in the prompt, with the per-operator model', () => {
      const first = server.requests.find((r) => !isAnalyze(r))!;
      expect(first.body.model).toBe('gpt-4o');
      expect(first.body.messages[0]!.content).toMatch(/train\.csv: \d+ rows x 32 columns/);
      expect(first.body.messages[0]!.content).toContain('| mean_radius | float64 |');
    });

    it('retries the 429 (after its Retry-After) and the 500 through Temporal, then succeeds', async () => {
      expect(server.requests.slice(0, 3).map((r) => r.url)).toEqual(Array(3).fill('/v1/chat/completions'));
      const history = await h.client.workflow.getHandle(runId).fetchHistory();
      const operateStarts = history.events!.filter((e) => e.activityTaskStartedEventAttributes
        && history.events!.find((s) => s.eventId?.toString() === e.activityTaskStartedEventAttributes!.scheduledEventId?.toString())
          ?.activityTaskScheduledEventAttributes?.activityType?.name === 'operate');
      const attempts = operateStarts.map((e) => e.activityTaskStartedEventAttributes!.attempt);
      expect(attempts[0]).toBe(3);
      expect(operateStarts[0]!.activityTaskStartedEventAttributes!.lastFailure?.message).toMatch(/server error .* \(500\)/);
    });

    it('re-asks a reply without code and records both calls on the node', async () => {
      const first = nodes[1]!;
      expect(first.llm!.calls).toBe(2);
      const [asked, reasked] = await Promise.all(first.llm!.recordings.map(async (r) => JSON.parse(await store().getText(r)) as CallRecord));
      expect(asked!.completion.choices[0]!.message.content).toContain('no code');
      expect(reasked!.attempt).toBe(1);
      expect(JSON.stringify(reasked!.request.messages.at(-1))).toContain('no ```python code block');
    });

    it('Analyze reads the score of a script that wrote no metrics.json (function calling)', () => {
      const reviewed = nodes.find((n) => n.llm?.review)!;
      expect(reviewed).toBeDefined();
      expect(reviewed.llm!.review).toMatchObject({ isBug: false, metric: 0.95 });
      expect(reviewed.buggy).toBe(false);
      expect(reviewed.score).toBe(0.95);
      const analyzeRequest = server.requests.find(isAnalyze)!;
      expect(analyzeRequest.body.tool_choice).toMatchObject({ type: 'function', function: { name: 'submit_review' } });
      expect(analyzeRequest.body.messages[0]!.content).toContain('validation auc:');
    });

    it('accounts tokens and cost per node and per run, and shows them as search attributes', async () => {
      const sum = nodes.slice(1).reduce((n, x) => n + x.llm!.promptTokens + x.llm!.completionTokens, 0);
      const successful = server.requests.length - 2; // the 429 and the 500 returned no completion
      expect(summary.spend.calls).toBe(successful);
      expect(summary.spend.promptTokens + summary.spend.completionTokens).toBe(sum);
      expect(summary.spend.costUsd).toBeCloseTo(nodes.slice(1).reduce((n, x) => n + x.llm!.costUsd, 0), 10);
      expect(summary.spend.costUsd).toBeGreaterThan(0); // gpt-4o is in the price table
      const sa = (await h.client.workflow.getHandle(runId).describe()).typedSearchAttributes;
      expect(sa.get(CrucibleTokens)).toBe(sum);
      expect(sa.get(CrucibleCostUsd)).toBeCloseTo(summary.spend.costUsd, 10);
    });

    it('stores every call as an artifact, indexed per node for audit and re-drive', async () => {
      const index = JSON.parse(await readFile(path.join(runsDir(stateRoot), runId, 'llm', 'node-1.operate.json'), 'utf8')) as { recordings: unknown[] };
      expect(index.recordings).toEqual(nodes[1]!.llm!.recordings);
      const record = JSON.parse(await store().getText(nodes[2]!.llm!.recordings[0]!)) as CallRecord;
      expect(record.request.messages[0]!.content).toContain('# Task description');
      expect(record.completion.choices[0]!.message.content).toContain('```python');
      expect(record.usage).toMatchObject({ model: 'gpt-4o', promptTokens: 100, completionTokens: 50 });
    });

    it('the key reached the server, and is in no history, artifact, run file or sandbox environment', async () => {
      expect(server.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
      const history = await h.client.workflow.getHandle(runId).fetchHistory();
      const texts = payloadTexts(history);
      expect(texts.join('\n')).toContain('gpt-4o'); // payloads are decoded: the search would see a key
      expect(texts.filter((t) => t.includes(API_KEY))).toEqual([]);
      expect(JSON.stringify(history)).not.toContain(API_KEY);
      // The solution that printed its environment: the sandbox saw the data folder, not the key.
      const dumped = nodes.find((n) => n.plan.includes('print the environment'))!;
      const stdout = await store().getText(dumped.exec!.stdoutRef!);
      expect(stdout).toContain('ENVIRONMENT');
      expect(stdout).toContain('CRUCIBLE_DATA_DIR');
      expect(stdout).not.toContain(API_KEY);
      const files = await allFiles(stateRoot);
      expect(files.length).toBeGreaterThan(20);
      expect(files.filter((f) => f.text.includes(API_KEY)).map((f) => f.file)).toEqual([]);
      expect(process.env.CRUCIBLE_LLM_API_KEY).toBeUndefined();
    });

    it('a re-drive from the recordings makes the same nodes without calling the endpoint', async () => {
      const before = server.requests.length;
      const input = await llmInput(server, { steps: '4' });
      input.agent.operators = { ...input.agent.operators, backend: 'replay', replayFrom: runId };
      const replayed = await (await start(input, 'redrive')).result();
      expect(server.requests.length).toBe(before);
      const again = (JSON.parse(await readFile(path.join(replayed.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
      expect(again.map((n) => [n.operator, n.parents, n.plan, n.codeRef?.sha256])).toEqual(nodes.map((n) => [n.operator, n.parents, n.plan, n.codeRef?.sha256]));
      expect(again.map((n) => n.score)).toEqual(nodes.map((n) => n.score));
    });
  });

  it('a hung request and server errors are retried a bounded number of times; the node fails, the run goes on', async () => {
    const server = await startFakeServer(() => ({ status: 500, body: { error: { message: 'overloaded', type: 'server_error' } } }));
    try {
      server.script({ delayMs: 5_000, body: completion('too late') });
      const summary = await (await start(await llmInput(server, { steps: '1', llm: { requestTimeoutMs: 1_500 } }), 'bounded')).result();
      // The hung request is tried again within its attempt (an endpoint not answering is waited for, reachability.ts), then maxAttempts 500s.
      expect(server.requests).toHaveLength(4);
      expect(summary.nodes).toBe(1);
      const node = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes[1]!;
      expect(node.buggy).toBe(true);
      expect(node.bugReason).toMatch(/activity failed: server error .*\(500\): overloaded/);
    } finally {
      await server.close();
    }
  });

  it('a 401 stops the run at once with a clear error, and the report is still written', async () => {
    const server = await startFakeServer(() => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}`, type: 'invalid_request_error' } } }));
    try {
      const handle = await start(await llmInput(server, { steps: '6' }), 'unauthorized');
      const err = await handle.result().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const message = (err as WorkflowFailedError).cause?.message ?? '';
      expect(message).toMatch(/authentication failed at .* \(401\): check the API key in CRUCIBLE_LLM_API_KEY or OPENAI_API_KEY/);
      expect(message).not.toContain(API_KEY);
      expect(server.requests).toHaveLength(1); // not retried
      expect((await handle.describe()).typedSearchAttributes.get(CrucibleStatus)).toBe('failed');
      const summary = JSON.parse(await readFile(path.join(runsDir(stateRoot), handle.workflowId, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.stopReason).toBe('operator error');
      expect(summary.nodes).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a token budget stops the run gracefully once spent', async () => {
    const server = await startFakeServer((req) => (isAnalyze(req)
      ? { body: toolCompletion('{"is_bug": false, "summary": "ok", "metric": 0.9}') }
      : reply('Logistic regression.', solution({ c: 1 }))));
    try {
      // Each call reports 100 + 50 tokens: the third call reaches 450 >= 400.
      const summary = await (await start(await llmInput(server, { steps: '10', budget: { maxTokens: 400 } }), 'tokens')).result();
      expect(summary.stopReason).toBe('token budget');
      expect(summary.nodes).toBe(3);
      expect(summary.spend.promptTokens + summary.spend.completionTokens).toBe(450);
      expect(summary.best).not.toBeNull();
    } finally {
      await server.close();
    }
  });

  it('no log line of the workers holds the key (the 401 above echoed it; its logged failure is redacted)', () => {
    const text = logged.join('');
    expect(text).toMatch(/authentication failed/); // the activity failure was logged and captured
    expect(text).not.toContain(API_KEY);
  });
});

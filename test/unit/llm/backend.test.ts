import { inspect } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmBackend, type LlmBackendOptions } from '../../../src/operators/llm/backend.js';
import type { LlmConfigInput } from '../../../src/config/llm.js';
import { LlmFatalError, LlmRetryableError } from '../../../src/operators/llm/errors.js';
import { memorySink, ReplayClient } from '../../../src/operators/llm/recording.js';
import { pythonSyntaxChecker } from '../../../src/operators/llm/response.js';
import { completion, ok, startFakeServer, toolCompletion, type FakeServer } from '../../helpers/fakeOpenAiServer.js';
import { GOOD_CODE, goodReply, makeTask, PYTHON, request } from './fixtures.js';

const API_KEY = 'sk-test-SECRET-4f2c9a1b7e';
const { task, cleanup } = makeTask();
afterAll(cleanup);

let server: FakeServer;
beforeEach(async () => { server = await startFakeServer(); });
afterEach(async () => { await server.close(); });

function backend(config: Partial<LlmConfigInput> = {}, options: Partial<LlmBackendOptions> = {}): LlmBackend {
  return new LlmBackend(
    { baseURL: server.baseURL, style: 'aira', models: { default: 'gpt-4o', debug: 'o3' }, ...config },
    { apiKey: API_KEY, checkSyntax: pythonSyntaxChecker(PYTHON), ...options },
  );
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const result = await p.then(() => null, (err: unknown) => err as Error);
  if (!result) throw new Error('expected a rejection');
  return result;
}

describe('LlmBackend against a fake OpenAI-compatible server', () => {
  it('draft: one call, plan and code extracted, model, temperature and seed sent', async () => {
    server.script(ok(`<think>consider options</think>${goodReply('Gradient boosting with 5-fold CV.')}`));
    const result = await backend().run(request(task, 'draft'));
    expect(result.plan).toBe('Gradient boosting with 5-fold CV.');
    expect(result.code).toBe(`${GOOD_CODE}\n`);
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.url).toBe('/v1/chat/completions');
    expect(req?.body).toMatchObject({ model: 'gpt-4o', temperature: 1, seed: 42 });
    expect(req?.body.stream).toBeFalsy();
    expect(req?.body.messages).toHaveLength(1);
    expect(req?.body.messages[0]?.content).toContain('CRUCIBLE_DATA_DIR');
  });

  it('uses the model configured per operator', async () => {
    server.script(ok(goodReply(), { model: 'o3' }));
    await backend().run(request(task, 'debug'));
    expect(server.requests[0]?.body.model).toBe('o3');
  });

  it('accounts tokens from the server usage field, latency and cost from the price table', async () => {
    server.script(ok(goodReply(), { model: 'gpt-4o', usage: { prompt_tokens: 1_000_000, completion_tokens: 200_000 } }));
    const { usage } = await backend().run(request(task, 'draft'));
    expect(usage).toMatchObject({ promptTokens: 1_000_000, completionTokens: 200_000, costUsd: 2.5 + 2 });
    expect(usage?.calls).toHaveLength(1);
    expect(usage?.calls[0]).toMatchObject({ model: 'gpt-4o', estimated: false });
    expect(usage?.calls[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('takes an overriding price table; an unpriced model costs null; a missing usage is estimated', async () => {
    server.script(ok(goodReply(), { model: 'local-llama', usage: { prompt_tokens: 10, completion_tokens: 10 } }));
    expect((await backend({ models: { default: 'local-llama' } }).run(request(task, 'draft'))).usage?.costUsd).toBeNull();
    server.script(ok(goodReply(), { model: 'local-llama', usage: { prompt_tokens: 500_000, completion_tokens: 500_000 } }));
    const priced = await backend({ models: { default: 'local-llama' }, prices: { 'local-llama': { input: 1, output: 3 } } }).run(request(task, 'draft'));
    expect(priced.usage?.costUsd).toBe(2);
    server.script(ok(goodReply(), { usage: null }));
    const estimated = await backend().run(request(task, 'draft'));
    expect(estimated.usage?.calls[0]?.estimated).toBe(true);
    expect(estimated.usage?.promptTokens).toBeGreaterThan(100);
  });

  it('re-asks on a syntax error with the error in the follow-up turn, then succeeds', async () => {
    server.script(ok('Plan A\n```python\nfor i in range(3)\n    print(i)\n```'), ok(goodReply('Plan A, fixed.')));
    const result = await backend().run(request(task, 'improve'));
    expect(result.plan).toBe('Plan A, fixed.');
    expect(result.usage?.calls).toHaveLength(2);
    expect(result.usage?.replyError).toBeUndefined();
    const followUp = server.requests[1]?.body.messages ?? [];
    expect(followUp.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(followUp[1]?.content).toContain('for i in range(3)');
    expect(followUp[2]?.content).toMatch(/SyntaxError/);
  });

  it('three failed re-asks give a buggy-node result with the reason, not an exception', async () => {
    server.script(ok(''), ok('no code, sorry'), ok('still none'), ok('```python\ndef broken(:\n```'));
    const result = await backend().run(request(task, 'draft'));
    expect(server.requests).toHaveLength(4);
    expect(result.usage?.calls).toHaveLength(4);
    expect(result.usage?.replyError).toMatch(/does not compile: SyntaxError/);
    expect(result.plan).toMatch(/could not be used \(4 attempts\)/);
    expect(result.code).toMatch(/^raise SystemExit\(".*SyntaxError/);
    expect(await pythonSyntaxChecker(PYTHON)(result.code)).toBeNull();
  });

  it('a null content (malformed reply) is also re-asked and ends as a buggy-node result', async () => {
    server.script(ok(null), ok(null), { body: { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [] } }, ok(null));
    const result = await backend().run(request(task, 'draft'));
    expect(result.usage?.replyError).toBe('the reply was empty');
  });

  it('holds at most maxConcurrent requests in flight at the endpoint', async () => {
    for (let i = 0; i < 6; i++) server.script({ ...ok(goodReply()), delayMs: 80 });
    const b = backend({ maxConcurrent: 2 });
    await Promise.all(Array.from({ length: 6 }, () => b.run(request(task, 'draft'))));
    expect(server.requests).toHaveLength(6);
    expect(server.maxInFlight).toBe(2);
  });

  it('429 with Retry-After: a retryable error carrying the delay, and no client-side retry', async () => {
    server.script({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Rate limit reached', type: 'requests' } } });
    const err = await rejection(backend().run(request(task, 'draft')));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect((err as LlmRetryableError).retryAfterMs).toBe(7000);
    expect((err as LlmRetryableError).status).toBe(429);
    expect(server.requests).toHaveLength(1);
  });

  it('5xx: retryable; retry-after-ms is honoured', async () => {
    server.script({ status: 503, headers: { 'retry-after-ms': '250' }, body: { error: { message: 'overloaded' } } });
    const err = await rejection(backend().run(request(task, 'draft')));
    expect(err).toBeInstanceOf(LlmRetryableError);
    expect(err.message).toMatch(/server error .*\(503\): overloaded/);
    expect((err as LlmRetryableError).retryAfterMs).toBe(250);
  });

  it('401: non-retryable with a clear message and no key, even when the server echoes it', async () => {
    server.script({ status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}. Also sk-abc***xyz1`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
    const err = await rejection(backend().run(request(task, 'draft')));
    expect(err).toBeInstanceOf(LlmFatalError);
    expect(err.message).toMatch(/authentication failed .*\(401\): check the API key in CRUCIBLE_LLM_API_KEY/);
    expect(err.message).not.toContain(API_KEY);
    expect(err.message).not.toContain('SECRET');
    expect(err.message).not.toContain('abc***xyz1');
    expect(JSON.stringify(err)).not.toContain(API_KEY);
  });

  it('400 and 403: non-retryable', async () => {
    server.script({ status: 400, body: { error: { message: 'bad parameter temperature' } } }, { status: 403, body: { error: { message: 'no access' } } });
    expect(await rejection(backend().run(request(task, 'draft')))).toBeInstanceOf(LlmFatalError);
    const err = await rejection(backend().run(request(task, 'draft')));
    expect(err).toBeInstanceOf(LlmFatalError);
    expect((err as LlmFatalError).status).toBe(403);
  });

  it('a request past the timeout counts as the endpoint not answering: retried within the grace, then fails for good', async () => {
    server.script({ ...ok(goodReply()), delayMs: 2_000 }, { ...ok(goodReply()), delayMs: 2_000 });
    const logged: string[] = [];
    const started = Date.now();
    const err = await rejection(backend({ requestTimeoutMs: 200, unreachableGraceMs: 100 }, { log: (m) => logged.push(m) }).run(request(task, 'draft')));
    expect(err).toBeInstanceOf(LlmFatalError);
    expect(err.message).toMatch(/^LLM endpoint http:\/\/127\.0\.0\.1:\d+\/v1 unreachable for 0 s: the request timed out$/);
    expect(server.requests).toHaveLength(2);
    expect(logged).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('a server that cannot be reached: the call waits and retries for the grace time, then fails for good with the cause', async () => {
    const logged: string[] = [];
    const b = backend({ unreachableGraceMs: 1_500 }, { log: (m) => logged.push(m) });
    await server.close();
    const started = Date.now();
    const err = await rejection(b.run(request(task, 'draft')));
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(LlmFatalError);
    expect((err as LlmFatalError).status).toBeNull(); // run-wide: the workflow stops the run (llmFailure.ts)
    expect(err.message).toMatch(/^LLM endpoint http:\/\/127\.0\.0\.1:\d+\/v1 unreachable for 2 s: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(waited).toBeGreaterThanOrEqual(1_500);
    expect(waited).toBeLessThan(4_000);
    expect(logged).toEqual([expect.stringMatching(/unreachable \(connect ECONNREFUSED .*\); calls wait and retry until \d{4}-.*Z, then the run stops$/)]);
    server = await startFakeServer();
  });

  it('analyze: forces submit_review and parses the tool call', async () => {
    server.script({ body: toolCompletion(JSON.stringify({ is_bug: false, summary: 'CV AUC 0.87 with low variance.', metric: 0.87 })) });
    const review = await backend().analyze({ task, code: GOOD_CODE, output: 'cv auc 0.87 ± 0.01' });
    expect(review).toMatchObject({ isBug: false, summary: 'CV AUC 0.87 with low variance.', metric: 0.87 });
    expect(review.usage.promptTokens).toBe(200);
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'submit_review' } });
    expect(body.tools).toMatchObject([{ type: 'function', function: { name: 'submit_review', parameters: { required: ['is_bug', 'summary', 'metric'] } } }]);
    expect(body.temperature).toBe(0.5);
    expect(server.requests[0]?.body.messages[0]?.content).toContain('cv auc 0.87');
  });

  it('analyze: bad JSON, a missing call, or a non-boolean is_bug is a bug with the reason; a bad metric is null', async () => {
    server.script(
      { body: toolCompletion('{"is_bug": false, "summary": "ok", ') },
      ok('I think it works.'),
      { body: toolCompletion('{"is_bug": "no", "summary": "x", "metric": 1}') },
      { body: toolCompletion('{"is_bug": false, "summary": "fine", "metric": "0.9"}') },
    );
    const b = backend();
    const input = { task, code: GOOD_CODE, output: 'out' };
    expect(await b.analyze(input)).toMatchObject({ isBug: true, metric: null, parseError: expect.stringMatching(/not valid JSON/) as unknown });
    expect(await b.analyze(input)).toMatchObject({ isBug: true, parseError: expect.stringMatching(/no JSON object|not valid JSON/) as unknown });
    expect(await b.analyze(input)).toMatchObject({ isBug: true, summary: expect.stringMatching(/is_bug must be a boolean/) as unknown });
    expect(await b.analyze(input)).toMatchObject({ isBug: false, summary: 'fine', metric: null });
  });
});

describe('recording, replay and the API key', () => {
  it('the sink receives every call: prompt messages, completion and usage', async () => {
    const { sink, records } = memorySink();
    server.script(ok('```python\nx = (\n```'), ok(goodReply('Fixed plan.')));
    await backend({}, { sink }).run(request(task, 'improve'));
    expect(records.map((r) => [r.op, r.attempt])).toEqual([['improve', 0], ['improve', 1]]);
    expect(records[0]?.request.messages[0]?.content).toContain('# Previous solution');
    expect(records[1]?.request.messages).toHaveLength(3);
    expect(records[1]?.completion.choices[0]?.message.content).toContain('Fixed plan.');
    expect(records[1]?.usage.promptTokens).toBe(100);
  });

  it('replay returns the recorded completions in order without any HTTP request', async () => {
    const { sink, records } = memorySink();
    server.script(ok('no code'), ok(goodReply('Replayed plan.')), { body: toolCompletion('{"is_bug": false, "summary": "s", "metric": 0.5}') });
    const live = backend({}, { sink });
    const liveResult = await live.run(request(task, 'draft'));
    const liveReview = await live.analyze({ task, code: GOOD_CODE, output: 'o' });
    const before = server.requests.length;

    const client = new ReplayClient(records);
    const replay = backend({}, { client });
    const replayed = await replay.run(request(task, 'draft'));
    expect(replayed.plan).toBe(liveResult.plan);
    expect(replayed.code).toBe(liveResult.code);
    expect(replayed.usage?.promptTokens).toBe(liveResult.usage?.promptTokens);
    expect((await replay.analyze({ task, code: GOOD_CODE, output: 'o' })).metric).toBe(liveReview.metric);
    expect(server.requests.length).toBe(before);
    expect(client.remaining).toBe(0);
    expect(await rejection(replay.run(request(task, 'draft')))).toBeInstanceOf(LlmFatalError);
  });

  it('replay works with no server at all', async () => {
    const replay = new LlmBackend({ baseURL: 'http://127.0.0.1:9/v1', models: { default: 'm' } }, {
      apiKey: null, client: new ReplayClient([completion(goodReply('P')) as never]), checkSyntax: pythonSyntaxChecker(PYTHON),
    });
    expect((await replay.run(request(task, 'draft'))).plan).toBe('P');
  });

  it('the key reaches the server only in the Authorization header, and no result or record holds it', async () => {
    const { sink, records } = memorySink();
    server.script(ok('none'), ok(goodReply()), { body: toolCompletion('{"is_bug": true, "summary": "x", "metric": null}') });
    const b = backend({}, { sink });
    const result = await b.run(request(task, 'debug'));
    const review = await b.analyze({ task, code: GOOD_CODE, output: 'o' });
    expect(server.requests).toHaveLength(3);
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
      const otherHeaders = Object.entries(req.headers).filter(([k]) => k !== 'authorization');
      expect(JSON.stringify(otherHeaders)).not.toContain('SECRET');
      expect(req.rawBody).not.toContain('SECRET');
      expect(req.url).not.toContain('SECRET');
    }
    for (const artifact of [result, review, records, b.config]) expect(JSON.stringify(artifact)).not.toContain('SECRET');
    expect(JSON.stringify(b)).not.toContain('SECRET');
    expect(inspect(b, { depth: 10, showHidden: true })).not.toContain('SECRET');
  });

  it('with no key configured, a placeholder is sent, not another environment variable', async () => {
    server.script(ok(goodReply()));
    await backend({}, { apiKey: null }).run(request(task, 'draft'));
    expect(server.requests[0]?.headers.authorization).toBe('Bearer no-key');
  });
});

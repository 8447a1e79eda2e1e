import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointCheckError, probeEndpoint } from '../../../src/operators/llm/probe.js';
import { completion, startFakeServer, type FakeServer, type RecordedRequest, type ScriptedReply } from '../../helpers/fakeOpenAiServer.js';

/**
 * The endpoint check before a run, against local HTTP servers that are TEST DOUBLES of an
 * OpenAI-compatible endpoint (helpers/fakeOpenAiServer.ts), each answering GET /models and chat
 * completions as the case needs.
 */
const KEY = { key: 'sk-probe-SECRET-77aa01', variable: 'CRUCIBLE_LLM_API_KEY' as const };

const modelList = (...ids: string[]): ScriptedReply => ({ body: { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'test' })) } });
const notFound: ScriptedReply = { status: 404, body: { error: { message: 'Not Found' } } };

let server: FakeServer | null = null;
afterEach(async () => { await server?.close(); server = null; });

/** A double that answers /models and /chat/completions with `models` and `chat`. */
async function endpoint(models: ScriptedReply, chat: (req: RecordedRequest) => ScriptedReply = () => notFound): Promise<FakeServer> {
  server = await startFakeServer((req) => (req.url.endsWith('/models') ? models : chat(req)));
  return server;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function failure(p: Promise<void>): Promise<string> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(EndpointCheckError);
  return (err as Error).message;
}

describe('the LLM endpoint check before a run', () => {
  it('passes when /models lists every model the agent names, asking nothing else, with the run\'s key', async () => {
    const s = await endpoint(modelList('gpt-4o', 'o3', 'gpt-4o-mini'));
    await probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['gpt-4o', 'o3', 'gpt-4o'] });
    expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/models']);
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${KEY.key}`);
  });

  it('a closed port: cannot reach the endpoint, with the cause', async () => {
    const port = await closedPort();
    const message = await failure(probeEndpoint({ baseURL: `http://127.0.0.1:${port}/v1`, key: KEY, models: ['x'] }));
    expect(message).toBe(`cannot reach the LLM endpoint http://127.0.0.1:${port}/v1: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a port fetch never connects to (9, discard): says so, not just "bad port"', async () => {
    const message = await failure(probeEndpoint({ baseURL: 'http://127.0.0.1:9/v1', key: KEY, models: ['x'] }));
    expect(message).toBe('cannot reach the LLM endpoint http://127.0.0.1:9/v1: bad port: the HTTP client never connects to this port (a port the Fetch standard blocks); use another');
  });

  it('no answer within the timeout: cannot reach the endpoint', async () => {
    const s = await endpoint({ ...modelList('x'), delayMs: 2_000 });
    const started = Date.now();
    const message = await failure(probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['x'], timeoutMs: 200 }));
    expect(message).toBe(`cannot reach the LLM endpoint ${s.baseURL}: no answer within 0.2 s`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('401: the key was rejected, naming the variable it came from and never the key, even when the server echoes it', async () => {
    const s = await endpoint({ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY.key}` } } });
    const message = await failure(probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['x'] }));
    expect(message).toMatch(new RegExp(`^the LLM endpoint ${s.baseURL} rejected the API key in CRUCIBLE_LLM_API_KEY \\(401\\): Incorrect API key provided: `));
    expect(message).not.toContain(KEY.key);
  });

  it('403 without a key: says which variables to set', async () => {
    const s = await endpoint({ status: 403, body: { error: { message: 'forbidden' } } });
    const message = await failure(probeEndpoint({ baseURL: s.baseURL, key: null, models: ['x'] }));
    expect(message).toBe(`the LLM endpoint ${s.baseURL} refused a request without an API key (403): set CRUCIBLE_LLM_API_KEY or OPENAI_API_KEY: forbidden`);
  });

  it('a model the list does not name: which one, and what the endpoint serves', async () => {
    const s = await endpoint(modelList('llama3', 'qwen2.5-coder'));
    const message = await failure(probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['llama3', 'gpt-4o'] }));
    expect(message).toBe(`model "gpt-4o" is not served by ${s.baseURL}; it serves: llama3, qwen2.5-coder`);
  });

  it('no /models (404): a 1-token completion with each model instead, which passes when it answers', async () => {
    const s = await endpoint(notFound, () => ({ body: completion('p') }));
    await probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['local-a', 'local-b'] });
    const chats = s.requests.filter((r) => r.url === '/v1/chat/completions');
    expect(chats.map((r) => r.body.model)).toEqual(['local-a', 'local-b']);
    expect(chats[0]!.body.max_tokens).toBe(1);
  });

  it('no /models (405), and the completion says the model is unknown (404): the model is not served', async () => {
    const s = await endpoint({ status: 405, body: { error: { message: 'Method Not Allowed' } } },
      (req) => (req.body.model === 'known' ? { body: completion('p') } : { status: 404, body: { error: { message: `model '${req.body.model}' not found` } } }));
    const message = await failure(probeEndpoint({ baseURL: s.baseURL, key: KEY, models: ['known', 'typo'] }));
    expect(message).toBe(`model "typo" is not served by ${s.baseURL} (404): model 'typo' not found`);
  });
});

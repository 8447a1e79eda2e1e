/**
 * A TEST DOUBLE: a local OpenAI-compatible HTTP server (node:http) that speaks the chat completions
 * protocol (non-streaming, including tool calls), records every request it receives, and answers
 * with replies scripted by the test, in order. It never forwards anything anywhere.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: { model: string; messages: { role: string; content: string }[]; [k: string]: unknown };
}

export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent as is instead of `body` (garbage that is not JSON). */
  rawBody?: string;
  /** Milliseconds before answering (for timeouts and concurrency). */
  delayMs?: number;
}

export type Script = ScriptedReply | ((req: RecordedRequest) => ScriptedReply);

export interface FakeServer {
  baseURL: string;
  requests: RecordedRequest[];
  /** Most requests it held open at once. */
  maxInFlight: number;
  /** Queue replies (used in order; when empty the fallback answers, else 500 "no scripted reply"). */
  script(...replies: Script[]): void;
  close(): Promise<void>;
}

let ids = 0;

export function completion(content: string | null, opts: { model?: string; usage?: { prompt_tokens: number; completion_tokens: number } | null; finish?: string } = {}): unknown {
  return {
    id: `chatcmpl-fake-${++ids}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: opts.model ?? 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: opts.finish ?? 'stop', logprobs: null }],
    ...(opts.usage === null ? {} : { usage: { ...(opts.usage ?? { prompt_tokens: 100, completion_tokens: 50 }), total_tokens: (opts.usage?.prompt_tokens ?? 100) + (opts.usage?.completion_tokens ?? 50) } }),
  };
}

export function toolCompletion(args: string, opts: { model?: string; name?: string } = {}): unknown {
  return {
    id: `chatcmpl-fake-${++ids}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: opts.model ?? 'fake-model',
    choices: [{
      index: 0,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: `call_${ids}`, type: 'function', function: { name: opts.name ?? 'submit_review', arguments: args } }] },
      finish_reason: 'tool_calls',
      logprobs: null,
    }],
    usage: { prompt_tokens: 200, completion_tokens: 20, total_tokens: 220 },
  };
}

export const ok = (content: string | null, opts?: Parameters<typeof completion>[1]): ScriptedReply => ({ body: completion(content, opts) });

/** `fallback` answers every request the queue has no reply for (a scripted "model"). */
export async function startFakeServer(fallback?: (req: RecordedRequest) => ScriptedReply): Promise<FakeServer> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => { raw += d.toString(); });
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      let body: RecordedRequest['body'];
      try {
        body = JSON.parse(raw || '{}') as RecordedRequest['body'];
      } catch {
        body = { model: '', messages: [] };
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: raw, body };
      requests.push(recorded);
      const next = queue.shift() ?? fallback;
      const reply: ScriptedReply = next === undefined
        ? { status: 500, body: { error: { message: 'no scripted reply', type: 'server_error' } } }
        : typeof next === 'function' ? next(recorded) : next;
      const send = (): void => {
        inFlight--;
        if (res.destroyed) return;
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.rawBody ?? JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    script: (...replies) => void queue.push(...replies),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

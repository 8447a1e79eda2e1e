import { describe, expect, it } from 'vitest';
import { apiKeyFromEnv, parseLlmConfig } from '../../../src/config/llm.js';
import { redact, retryAfterMs } from '../../../src/operators/llm/errors.js';
import { costUsd, DEFAULT_PRICES, priceOf } from '../../../src/operators/llm/prices.js';
import { Semaphore } from '../../../src/operators/llm/semaphore.js';

describe('prices, retry delays, redaction, config', () => {
  it('prices a dated model by its longest prefix, and an unknown one as null', () => {
    expect(priceOf('gpt-4o-2024-08-06', DEFAULT_PRICES)).toEqual(DEFAULT_PRICES['gpt-4o']);
    expect(priceOf('gpt-4o-mini-2024-07-18', DEFAULT_PRICES)).toEqual(DEFAULT_PRICES['gpt-4o-mini']);
    expect(costUsd('llama3:8b', 10, 10, DEFAULT_PRICES)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date, retry-after-ms first', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5', 'retry-after-ms': '900' }), now)).toBe(900);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('redacts the key and key-shaped strings', () => {
    expect(redact('key sk-live-abcdef123 and mykey123 and Bearer xyz', 'mykey123')).toBe('key sk-[redacted] and [redacted] and Bearer [redacted]');
  });

  it('reads the key from CRUCIBLE_LLM_API_KEY, then OPENAI_API_KEY', () => {
    expect(apiKeyFromEnv({ CRUCIBLE_LLM_API_KEY: 'a', OPENAI_API_KEY: 'b' })).toBe('a');
    expect(apiKeyFromEnv({ OPENAI_API_KEY: 'b' })).toBe('b');
    expect(apiKeyFromEnv({})).toBeNull();
  });

  it('config defaults and validation', () => {
    const config = parseLlmConfig({ baseURL: 'http://localhost:11434/v1', models: { default: 'qwen2.5-coder' } });
    expect(config).toMatchObject({ style: 'aira', temperature: 1, maxReasks: 3, maxConcurrent: 4, requestTimeoutMs: 600_000, hardware: null });
    expect(() => parseLlmConfig({ baseURL: 'not a url', models: { default: 'm' } })).toThrow();
  });

  it('the semaphore admits at most its size and hands slots over in order', async () => {
    const sem = new Semaphore(2);
    let peak = 0;
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => sem.use(async () => {
      peak = Math.max(peak, sem.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      order.push(i);
    })));
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(sem.inFlight).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { LlmFatalError, LlmRetryableError, LlmUnreachableError } from '../../../src/operators/llm/errors.js';
import { whileReachable } from '../../../src/operators/llm/reachability.js';

/** A call that fails as unreachable `failures` times, then answers; each test uses its own endpoint name (the state is per endpoint). */
function flakyCall(endpoint: string, failures: number): { call: () => Promise<string>; tries: () => number } {
  let n = 0;
  return {
    call: async () => {
      if (n++ < failures) throw new LlmUnreachableError(endpoint, 'connect ECONNREFUSED 127.0.0.1:9');
      return 'answer';
    },
    tries: () => n,
  };
}

describe('waiting for an endpoint that does not answer', () => {
  it('an outage shorter than the grace costs no call: concurrent calls wait, and the outage is told in two lines', async () => {
    const endpoint = 'http://outage-short.test/v1';
    const logged: string[] = [];
    const calls = [flakyCall(endpoint, 1), flakyCall(endpoint, 1), flakyCall(endpoint, 1)];
    const results = await Promise.all(calls.map((c) => whileReachable(endpoint, c.call, { graceMs: 30_000, log: (m) => logged.push(m) })));
    expect(results).toEqual(['answer', 'answer', 'answer']);
    expect(calls.map((c) => c.tries())).toEqual([2, 2, 2]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^LLM endpoint http:\/\/outage-short\.test\/v1 unreachable \(connect ECONNREFUSED 127\.0\.0\.1:9\); calls wait and retry until .*, then the run stops$/);
    expect(logged[1]).toMatch(/^LLM endpoint http:\/\/outage-short\.test\/v1 answers again \(unreachable for \d+ s\)$/);
  });

  it('past the grace the call fails for good, naming the endpoint, how long, and the cause; later calls fail at their first try', async () => {
    const endpoint = 'http://outage-long.test/v1';
    const logged: string[] = [];
    const down = flakyCall(endpoint, Infinity);
    const started = Date.now();
    const err = await whileReachable(endpoint, down.call, { graceMs: 1_200, log: (m) => logged.push(m) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmFatalError);
    expect((err as LlmFatalError).message).toBe('LLM endpoint http://outage-long.test/v1 unreachable for 1 s: connect ECONNREFUSED 127.0.0.1:9');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_200);
    expect(down.tries()).toBe(3); // at 0, 1 s and the grace's end
    const later = flakyCall(endpoint, Infinity);
    await expect(whileReachable(endpoint, later.call, { graceMs: 1_200, log: (m) => logged.push(m) })).rejects.toBeInstanceOf(LlmFatalError);
    expect(later.tries()).toBe(1);
    expect(logged).toHaveLength(1);
  });

  it('a 429 or 5xx is an answer: it passes through at once, for Temporal to retry', async () => {
    const limited = new LlmRetryableError('rate limited (429)', 1000, 429);
    let tries = 0;
    const call = () => { tries++; return Promise.reject(limited); };
    await expect(whileReachable('http://limited.test/v1', call, { graceMs: 30_000, log: () => {} })).rejects.toBe(limited);
    expect(tries).toBe(1);
  });

  it('cancelling stops the wait at once with the cancellation\'s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    const down = flakyCall('http://cancelled.test/v1', Infinity);
    await expect(whileReachable('http://cancelled.test/v1', down.call, { graceMs: 60_000, signal: controller.signal, log: () => {} })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(900);
  });
});

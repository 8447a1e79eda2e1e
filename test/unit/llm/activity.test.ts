import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toActivityFailure } from '../../../src/activities/llmFailure.js';
import { loadRecordings, storeRecordings } from '../../../src/activities/recordings.js';
import { LLM_CONFIG_ERROR, LLM_REQUEST_REJECTED, LLM_RETRYABLE } from '../../../src/activities/types.js';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { applyReview, type Verdict } from '../../../src/fitness/verdict.js';
import { LlmFatalError, LlmRetryableError } from '../../../src/operators/llm/errors.js';
import type { CallRecord } from '../../../src/operators/llm/recording.js';
import { addSpend, emptySpend, spendLimitReached } from '../../../src/core/spend.js';
import { spendOf } from '../../../src/operators/llm/usage.js';

describe('LLM errors as Temporal failures', () => {
  it('retryable errors keep the server\'s Retry-After as the next retry delay', () => {
    const f = toActivityFailure(new LlmRetryableError('rate limited (429)', 1500, 429)) as ApplicationFailure;
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f).toMatchObject({ type: LLM_RETRYABLE, nonRetryable: false, nextRetryDelay: 1500, message: 'rate limited (429)' });
    expect((toActivityFailure(new LlmRetryableError('timed out')) as ApplicationFailure).nextRetryDelay).toBeUndefined();
  });

  it('a wrong key, model or URL stops the run; a rejected request fails only its node; neither is retried', () => {
    for (const status of [401, 403, 404, null]) {
      expect(toActivityFailure(new LlmFatalError('no', status))).toMatchObject({ type: LLM_CONFIG_ERROR, nonRetryable: true });
    }
    for (const status of [400, 422]) {
      expect(toActivityFailure(new LlmFatalError('bad', status))).toMatchObject({ type: LLM_REQUEST_REJECTED, nonRetryable: true });
    }
  });

  it('other errors pass through unchanged', () => {
    const err = new TypeError('x');
    expect(toActivityFailure(err)).toBe(err);
  });
});

describe('spend', () => {
  const usage = (cost: number | null) => ({
    calls: [{ model: 'm', promptTokens: 100, completionTokens: 20, estimated: false, latencyMs: 5, costUsd: cost }],
    promptTokens: 100, completionTokens: 20, latencyMs: 5, costUsd: cost,
  });

  it('adds calls, tokens and priced cost, counting unpriced calls apart', () => {
    const s = addSpend(spendOf(usage(0.01)), spendOf(usage(null)));
    expect(s).toEqual({ calls: 2, promptTokens: 200, completionTokens: 40, costUsd: 0.01, unpricedCalls: 1, latencyMs: 10 });
    expect(addSpend(emptySpend(), s)).toEqual(s);
  });

  it('names the limit reached, tokens first; no limits never stop', () => {
    const s = spendOf(usage(0.5));
    expect(spendLimitReached(s, { maxTokens: null, maxCostUsd: null })).toBeNull();
    expect(spendLimitReached(s, { maxTokens: 121, maxCostUsd: null })).toBeNull();
    expect(spendLimitReached(s, { maxTokens: 120, maxCostUsd: null })).toBe('token budget');
    expect(spendLimitReached(s, { maxTokens: null, maxCostUsd: 0.5 })).toBe('cost budget');
    expect(spendLimitReached(s, { maxTokens: 10, maxCostUsd: 0.1 })).toBe('token budget');
  });
});

describe('Analyze review applied to a verdict', () => {
  const missing: Verdict = { score: null, buggy: true, bugReason: 'metrics.json missing', needsReview: true };

  it('a clean review with a metric scores the node', () => {
    expect(applyReview(missing, { isBug: false, summary: 's', metric: 0.91 })).toEqual({ score: 0.91, buggy: false, bugReason: null, needsReview: false });
  });

  it('a bug, or no metric, keeps the node buggy with the reason extended', () => {
    expect(applyReview(missing, { isBug: true, summary: 'loss diverged', metric: 0.5 })).toMatchObject({ buggy: true, score: null, bugReason: 'metrics.json missing; Analyze found a bug: loss diverged' });
    expect(applyReview(missing, { isBug: false, summary: '', metric: null }).bugReason).toMatch(/no validation metric/);
  });

  it('a verdict that needs no review is left alone', () => {
    const ok: Verdict = { score: 0.8, buggy: false, bugReason: null, needsReview: false };
    expect(applyReview(ok, { isBug: true, summary: 'x', metric: null })).toBe(ok);
  });
});

describe('recordings', () => {
  it('stores calls as artifacts with a per-node index, and loads them back in order', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    const store = new FileArtifactStore(path.join(root, 'artifacts'));
    const record = (attempt: number) => ({ op: 'draft', attempt, request: { model: 'm', messages: [] }, completion: { id: String(attempt) }, usage: {} }) as unknown as CallRecord;
    const at = { runId: 'r1', nodeId: 4, activity: 'operate' as const };
    const refs = await storeRecordings(store, path.join(root, 'runs'), at, [record(0), record(1)]);
    expect(refs).toHaveLength(2);
    const loaded = await loadRecordings(store, path.join(root, 'runs'), at);
    expect(loaded.map((r) => r.attempt)).toEqual([0, 1]);
  });

  it('a node without recordings is a run-stopping error that says which run and node', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    const err = await loadRecordings(new FileArtifactStore(root), root, { runId: 'r9', nodeId: 7, activity: 'analyze' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmFatalError);
    expect((err as Error).message).toMatch(/replay: run r9 has no recorded analyze calls for node 7/);
    expect(toActivityFailure(err)).toMatchObject({ type: LLM_CONFIG_ERROR });
  });
});

/**
 * Payload encryption against the suite's real dev server: a real agent run with its own client and
 * workers built from config/temporalConnection.ts with CRUCIBLE_PAYLOAD_KEYS; then its history read
 * raw, as anyone with access to the cluster would, holds nothing readable; with the key it decodes
 * and replays; after a key rotation old runs still read and new ones use the new key.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter, Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runInputOf } from '../../src/cli/runNodes.js';
import { ENCRYPTED_ENCODING, payloadKeyId } from '../../src/config/payloadCodec.js';
import { connectTemporalClient, dataConverter, decodeHistoryPayload } from '../../src/config/temporalConnection.js';
import type { NodeRecord } from '../../src/core/node.js';
import { PATCHES } from '../../src/workflows/patches.js';
import { agentRun } from '../../src/workflows/index.js';
import type { AgentRunInput } from '../../src/workflows/types.js';
import type { RunSummary } from '../../src/core/run.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { payloadTexts, uniqueQueues } from '../helpers/temporal.js';

type History = temporal.api.history.v1.IHistory;

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const envA = { TEMPORAL_ADDRESS: inject('temporalAddress'), CRUCIBLE_PAYLOAD_KEYS: `a:${keyA}` };
const envBA = { TEMPORAL_ADDRESS: inject('temporalAddress'), CRUCIBLE_PAYLOAD_KEYS: `b:${keyB},a:${keyA}` };

/** Every Payload in a history with where it sits; search attributes are left out (Temporal never encodes them: they index). */
function historyPayloads(value: unknown, at = '', out: { at: string; payload: Payload }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => historyPayloads(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && (o.data === undefined || o.data === null || o.data instanceof Uint8Array)
      && Object.values(o.metadata).every((v) => v instanceof Uint8Array)) {
      out.push({ at, payload: o as Payload });
      return out;
    }
    for (const [k, v] of Object.entries(o)) if (!unencodedByTemporal(k, v)) historyPayloads(v, `${at}.${k}`, out);
  }
  return out;
}

/**
 * What Temporal itself writes unencoded: search attributes (the server indexes them) and the SDK's
 * patch markers (`wf.patched`: the patch id only, see the test below).
 */
function unencodedByTemporal(key: string, value: unknown): boolean {
  if (key === 'searchAttributes' || key === 'upsertWorkflowSearchAttributesEventAttributes') return true;
  return key === 'markerRecordedEventAttributes' && (value as { markerName?: string } | null)?.markerName === 'core_patch';
}

/** The history without what Temporal writes unencoded (see above); byte strings kept as they are. */
function withoutSearchAttributes(value: unknown): unknown {
  if (value instanceof Uint8Array || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutSearchAttributes);
  return Object.fromEntries(Object.entries(value)
    .filter(([k, v]) => !unencodedByTemporal(k, v))
    .map(([k, v]) => [k, withoutSearchAttributes(v)]));
}

describe('payload encryption (CRUCIBLE_PAYLOAD_KEYS): a real run on the dev server', () => {
  let h: Harness;
  let clientA: Client;
  let plain: Client;
  let bundle: WorkflowBundleWithSourceMap;
  let input: AgentRunInput;
  let summary: RunSummary;
  let nodes: NodeRecord[];
  let history: History;
  let workflowId: string;
  let convA: DataConverter;

  beforeAll(async () => {
    h = await startHarness({ name: 'encryption', temporal: envA });
    ({ client: clientA, workflowBundle: bundle, dataConverter: convA } = h);
    // Someone with access to the cluster but not the key: same server, no codec.
    plain = new Client({ connection: clientA.connection });
    workflowId = h.queues.workflowId;
    input = await h.input({ steps: '3', seed: '5' });
    summary = await h.runAgent(input, { staticSummary: `aira-greedy on ${input.task.id}` });
    nodes = (JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] }).nodes;
    history = await plain.workflow.getHandle(workflowId).fetchHistory();
  });
  afterAll(async () => h?.close());

  it('the run completes with encrypted payloads', () => {
    expect(summary.nodes).toBe(3);
    expect(nodes).toHaveLength(4);
    expect(nodes.slice(1).every((n) => n.codeRef !== null)).toBe(true);
  });

  it('every payload in the raw history is encrypted with key "a"', () => {
    const payloads = historyPayloads(history);
    // Input, result, each activity's input and result and UI summaries: dozens for a 3-step run. (No memo:
    // Crucible sets none, and the suite's other tests list this shared server without the key.)
    expect(payloads.length).toBeGreaterThan(20);
    const notEncrypted = payloads.filter((p) => payloadKeyId(p.payload) !== 'a').map((p) => p.at);
    expect(notEncrypted).toEqual([]);
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
    expect(Buffer.from(started.input!.payloads![0]!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(payloadKeyId(history.events!.at(-1)!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!)).toBe('a');
  });

  it("the SDK's patch markers, written unencoded, hold only the workflow's patch ids", () => {
    const markers = (history.events ?? []).flatMap((e) => (e.markerRecordedEventAttributes?.markerName === 'core_patch' ? [e.markerRecordedEventAttributes] : []));
    expect(markers.length).toBe(PATCHES.length);
    const values = markers.flatMap((m) => Object.values(m.details ?? {}).flatMap((p) => (p.payloads ?? []).map((x) => defaultPayloadConverter.fromPayload(x))));
    const patchIds = new RegExp(PATCHES.join('|'), 'g');
    expect(JSON.stringify(values).replace(patchIds, '')).toMatch(/^[^a-z0-9]*(\b(id|patchId|deprecated|true|false)\b[^a-z0-9]*)*$/i);
  });

  it('holds no readable plan, code, task id, artifact reference or field name without the key', async () => {
    const { store } = h;
    const texts = payloadTexts(withoutSearchAttributes(history)).join('\n');
    const code = await store.getText(nodes[1]!.codeRef!);
    const secrets = [
      input.task.id, input.task.publicDir, 'codeRef', 'json/plain', '"plan"', 'stopReason', 'aira-greedy',
      ...nodes.slice(1).flatMap((n) => [n.plan.slice(0, 40), n.codeRef!.sha256, n.codeRef!.preview.slice(0, 40)]),
      code.slice(0, 40), summary.runDir,
    ];
    for (const s of secrets) expect(texts.includes(s), `history shows "${s}"`).toBe(false);
    // The same search over the plain history finds them: the check can see text where there is some.
    const decoded = await Promise.all(historyPayloads(history).map((p) => convA.payloadCodecs![0]!.decode([p.payload])));
    const decodedTexts = payloadTexts(decoded).join('\n');
    expect(decodedTexts).toContain(input.task.id);
    expect(decodedTexts).toContain('codeRef');
    expect(decodedTexts).toContain(nodes[1]!.plan.slice(0, 40));
  });

  it('search attributes stay readable (Temporal indexes them unencoded): task, agent, status, score only', () => {
    const attrs = history.events![0]!.workflowExecutionStartedEventAttributes!.searchAttributes?.indexedFields ?? {};
    expect(Object.keys(attrs).every((k) => k.startsWith('Crucible'))).toBe(true);
  });

  it('with the key, the first input decodes to the AgentRunInput (also through the CLI path, runInputOf)', async () => {
    const first = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(await decodeHistoryPayload<AgentRunInput>(first, clientA.options.loadedDataConverter)).toEqual(input);
    expect(await runInputOf(clientA, workflowId)).toEqual(input);
    await expect(runInputOf(plain, workflowId)).rejects.toThrow(/binary\/encrypted/);
    expect(await clientA.workflow.getHandle(workflowId).result()).toEqual(summary);
    await expect(plain.workflow.getHandle(workflowId).result()).rejects.toThrow(/binary\/encrypted/);
  });

  it('replays with the key; without it (or with the wrong one) replay fails', async () => {
    await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: convA }, history, workflowId);
    // The worker without the codec hands the sealed input to the workflow, which cannot read it.
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
    const wrong = dataConverter({ CRUCIBLE_PAYLOAD_KEYS: `a:${keyB}` });
    await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: wrong }, history, workflowId))
      .rejects.toThrow(/key id \\?"a\\?" does not decrypt/);
  });

  it('after rotation (keys b,a; b active) the old run still reads and replays, and a new start is encrypted with b', async () => {
    const clientBA = await connectTemporalClient({ env: envBA });
    let handle: WorkflowHandle | undefined;
    try {
      expect(await clientBA.workflow.getHandle(workflowId).result()).toEqual(summary);
      expect(await runInputOf(clientBA, workflowId)).toEqual(input);
      await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: dataConverter(envBA) }, history, workflowId);
      // A client holding only b cannot read run 1: the error names the key id and the variable.
      const onlyB = await connectTemporalClient({ env: { ...envBA, CRUCIBLE_PAYLOAD_KEYS: `b:${keyB}` } });
      await expect(runInputOf(onlyB, workflowId)).rejects.toThrow(/key id "a", which CRUCIBLE_PAYLOAD_KEYS does not hold/);
      await onlyB.connection.close();

      const q = uniqueQueues('encryption-rotated');
      handle = await clientBA.workflow.start(agentRun, { taskQueue: q.control, workflowId: q.workflowId, args: [{ ...input, execTaskQueue: q.exec }] });
      const raw = await plain.workflow.getHandle(q.workflowId).fetchHistory();
      const first = raw.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
      expect(payloadKeyId(first)).toBe('b');
      expect(await decodeHistoryPayload<AgentRunInput>(first, clientBA.options.loadedDataConverter)).toEqual({ ...input, execTaskQueue: q.exec });
      await expect(decodeHistoryPayload(first, convA)).rejects.toThrow(/key id "b"/);
    } finally {
      await handle?.terminate('test done').catch(() => undefined);
      await clientBA.connection.close();
    }
  });
});

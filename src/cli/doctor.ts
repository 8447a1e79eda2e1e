/**
 * `crucible doctor [--run <id>]... [--json] [--fix]`: checks that the artifact store holds, intact, every
 * artifact that history references.
 *
 * For every agentRun on the Temporal server (or the runs named with --run), it reads the history of each
 * execution (the whole continue-as-new chain), decodes every payload (workflow inputs and results, activity
 * inputs and results, signals, updates, child workflows) and collects every artifact reference in them: any
 * object with a 64-hex `sha256` and a numeric `bytes`. It adds those of the run folder (graph.json, archived
 * nodes, summary.json) when present, and the files listed by a task data manifest. Each blob is then read
 * back from the store and its hash and size recomputed. It also lists temp files that interrupted writes
 * left in a local artifacts folder (`--fix` removes them).
 *
 * Exit codes: 0 every artifact present and intact (orphan temp files are only a warning); 1 an artifact is
 * missing, corrupt or unreadable, or a run's history could not be read; 2 bad flags or an unknown run.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import type { Dirent } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ArtifactCorruptError, ArtifactMissingError, FileArtifactStore, openArtifactStore, type ArtifactStore,
} from '../artifacts/index.js';
import { temporalAddress } from '../config/constants.js';
import { artifactsDir, runsDir } from '../config/paths.js';
import { mapLimit } from '../core/mapLimit.js';
import type { NodeRecord } from '../core/node.js';
import { decodeHistoryCodecs } from '../config/temporalConnection.js';
import { chainHistories, nodeArtifacts } from './export.js';
import { UsageError } from './runInput.js';
import { connectClient } from './runNodes.js';

/** Temp files younger than this may belong to a write in progress; older ones are orphans. */
export const ORPHAN_TEMP_AGE_MS = 10 * 60_000;
/** Blobs checked at once. */
const CONCURRENCY = 8;
/** Places kept per reference (the first ones found), for humans. */
const MAX_PLACES = 5;

/** One artifact a run references, with where it was seen. */
interface RefSite {
  sha256: string;
  /** Every size a reference to it claimed (normally one). */
  bytes: Set<number>;
  /** Nodes it belongs to, when a place says. */
  nodes: Set<number>;
  places: string[];
  /** Seen as a run's task data manifest: its files are checked too. */
  manifest: boolean;
}

export interface DoctorProblem {
  run: string;
  sha256: string;
  /** The size the references claim; null when none did. */
  bytes: number | null;
  /** Nodes that reference it, when known (empty: a run-level artifact or not known). */
  nodes: number[];
  /** Where it was referenced: history events, run folder files, a manifest (the first few). */
  places: string[];
  kind: 'missing' | 'corrupt' | 'unreadable';
  /** The store's error: names the file or key and what was found there. */
  message: string;
}

export interface DoctorRun {
  run: string;
  /** Executions of the run whose history was read (the continue-as-new chain); 0 when the server has none. */
  executions: number;
  /** Run folder files that were read: graph.json, summary.json, nodes/. */
  runFiles: string[];
  /** Distinct artifacts checked. */
  refs: number;
  ok: number;
  missing: number;
  corrupt: number;
  unreadable: number;
  problems: DoctorProblem[];
  /** Set when the run could not be checked at all (e.g. its history could not be read). */
  error?: string;
}

export interface TempFile {
  file: string;
  bytes: number;
  ageMs: number;
}

export interface DoctorReport {
  ok: boolean;
  /** The store's location (a folder or s3://bucket/prefix). */
  store: string;
  runs: DoctorRun[];
  totals: { runs: number; refs: number; missing: number; corrupt: number; unreadable: number; failedRuns: number };
  /** Temp files of interrupted writes in a local artifacts folder (null for other stores). */
  tempFiles: { orphans: TempFile[]; inProgress: number; removed: string[] } | null;
}

export interface DoctorOptions {
  store: ArtifactStore;
  /** The folder holding runs/<run>/. */
  runsRoot: string;
  /** Only these runs; all agentRun workflows on the server when absent or empty. */
  runs?: string[];
  /** Remove orphan temp files. */
  fix?: boolean;
  /** Defaults to ORPHAN_TEMP_AGE_MS. */
  orphanAgeMs?: number;
}

const HASH = /^[0-9a-f]{64}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof Uint8Array);

/** An object shaped like an ArtifactRef: a 64-hex sha256 and a numeric size. */
function asRef(v: Record<string, unknown>): { sha256: string; bytes: number } | null {
  return typeof v.sha256 === 'string' && HASH.test(v.sha256) && typeof v.bytes === 'number' && Number.isInteger(v.bytes) && v.bytes >= 0
    ? { sha256: v.sha256, bytes: v.bytes }
    : null;
}

/** The node a value belongs to, when it says: a node record (`id` + `parents` + `operator`) or an input with `nodeId`. */
function nodeOf(v: Record<string, unknown>): number | null {
  if (typeof v.id === 'number' && Array.isArray(v.parents) && typeof v.operator === 'string') return v.id;
  if (typeof v.nodeId === 'number') return v.nodeId;
  return null;
}

/** References into the private store of task answers (tasks/taskFiles.ts), which is not the store checked here. */
const PRIVATE_REF_KEYS = new Set(['taskFilesRef', 'taskFiles']);

/**
 * Calls `found` for every artifact reference anywhere in a decoded value, with the node it belongs to
 * (the nearest enclosing node record or `nodeId`, else `node`) and the key it was under.
 */
export function findArtifactRefs(
  value: unknown,
  found: (ref: { sha256: string; bytes: number }, node: number | null, key: string | null) => void,
  node: number | null = null,
  key: string | null = null,
): void {
  if (Array.isArray(value)) {
    for (const v of value) findArtifactRefs(v, found, node, key);
    return;
  }
  if (!isRecord(value)) return;
  const ref = asRef(value);
  if (ref && !(key !== null && PRIVATE_REF_KEYS.has(key))) found(ref, node, key);
  const here = nodeOf(value) ?? node;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'object' && v !== null) findArtifactRefs(v, found, here, k);
}

interface PayloadLike { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }

function isPayload(v: Record<string, unknown>): v is Record<string, unknown> & PayloadLike {
  return isRecord(v.metadata) && v.metadata.encoding instanceof Uint8Array && (v.data === undefined || v.data === null || v.data instanceof Uint8Array);
}

/** Every payload in a (part of a) history event, decoded; undecodable ones (e.g. protobuf) are skipped. */
function decodedPayloads(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) {
    for (const v of value) decodedPayloads(v, out);
  } else if (isRecord(value)) {
    if (isPayload(value)) {
      try {
        out.push(defaultPayloadConverter.fromPayload(value));
      } catch {
        // Not a JSON payload: it cannot hold an artifact reference in our workflows.
      }
      return out;
    }
    for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) decodedPayloads(v, out);
  }
  return out;
}

const eventKind = (attrKey: string) => attrKey.replace(/EventAttributes$/, '').replace(/^./, (c) => c.toUpperCase());
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The artifacts of a run: its histories, then its run folder. */
class RunRefs {
  readonly sites = new Map<string, RefSite>();

  add(ref: { sha256: string; bytes: number }, node: number | null, place: string, manifest = false): void {
    let site = this.sites.get(ref.sha256);
    if (!site) {
      site = { sha256: ref.sha256, bytes: new Set(), nodes: new Set(), places: [], manifest: false };
      this.sites.set(ref.sha256, site);
    }
    site.bytes.add(ref.bytes);
    if (node !== null && node > 0) site.nodes.add(node);
    if (site.places.length < MAX_PLACES && !site.places.includes(place)) site.places.push(place);
    site.manifest ||= manifest;
  }

  addHistory(history: History, execution: number, executions: number): void {
    const activities = new Map<number, { name: string; node: number | null }>();
    for (const event of history.events ?? []) {
      const attrKey = Object.keys(event).find((k) => k.endsWith('EventAttributes') && (event as Record<string, unknown>)[k] != null);
      if (!attrKey) continue;
      const attrs = (event as Record<string, unknown>)[attrKey] as Record<string, unknown>;
      const eventId = num(event.eventId);
      let label = eventKind(attrKey);
      let node: number | null = null;
      const payloads = decodedPayloads(attrs);
      if (attrKey === 'activityTaskScheduledEventAttributes') {
        const name = (attrs.activityType as { name?: string } | null)?.name ?? '?';
        const input = payloads[0];
        node = isRecord(input) && typeof input.nodeId === 'number' ? input.nodeId : null;
        if (eventId !== null) activities.set(eventId, { name, node });
        label += ` ${name}`;
      } else if (attrs.scheduledEventId != null) {
        const activity = activities.get(num(attrs.scheduledEventId)!);
        if (activity) {
          label += ` ${activity.name}`;
          node = activity.node;
        }
      }
      const place = `history${executions > 1 ? ` (execution ${execution})` : ''} event ${eventId ?? '?'} ${label}`;
      for (const p of payloads) findArtifactRefs(p, (ref, n, key) => this.add(ref, n, place, key === 'taskDataRef'), node);
    }
  }

  /** graph.json, archived nodes and summary.json of the run folder; returns the files read. */
  async addRunFolder(runsRoot: string, runId: string): Promise<string[]> {
    const dir = path.join(runsRoot, runId);
    const read: string[] = [];
    const json = (file: string) => readFile(path.join(dir, file), 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined);
    const addNodes = (nodes: NodeRecord[], place: (n: NodeRecord) => string) => {
      for (const n of nodes) for (const ref of nodeArtifacts([n])) this.add(ref, n.id, place(n));
    };
    const graph = await json('graph.json');
    if (isRecord(graph) && Array.isArray(graph.nodes)) {
      addNodes(graph.nodes as NodeRecord[], () => 'graph.json');
      read.push('graph.json');
    }
    const archived = await readdir(path.join(dir, 'nodes')).catch(() => [] as string[]);
    const nodeFiles = archived.filter((f) => /^\d+\.json$/.test(f));
    for (const f of nodeFiles) {
      const n = await json(path.join('nodes', f));
      if (isRecord(n)) addNodes([n as unknown as NodeRecord], () => `nodes/${f}`);
    }
    if (nodeFiles.length) read.push('nodes/');
    const summary = await json('summary.json');
    if (summary !== undefined) {
      findArtifactRefs(summary, (ref, n, key) => this.add(ref, n, 'summary.json', key === 'taskDataRef'));
      read.push('summary.json');
    }
    return read;
  }
}

type Verdict = { kind: 'ok' } | { kind: DoctorProblem['kind']; message: string };

/** Checks blobs once per doctor run, however many runs reference them (task data is shared). */
class Verifier {
  readonly #done = new Map<string, Promise<Verdict>>();
  constructor(readonly store: ArtifactStore) {}

  check(sha256: string, bytes: number | undefined): Promise<Verdict> {
    const key = `${sha256}:${bytes ?? ''}`;
    let verdict = this.#done.get(key);
    if (!verdict) {
      verdict = this.store.verify({ sha256, bytes }).then(
        (): Verdict => ({ kind: 'ok' }),
        (err: unknown): Verdict => ({
          kind: err instanceof ArtifactMissingError ? 'missing' : err instanceof ArtifactCorruptError ? 'corrupt' : 'unreadable',
          message: err instanceof Error ? err.message : String(err),
        }),
      );
      this.#done.set(key, verdict);
    }
    return verdict;
  }

  /** The files a task data manifest lists, or [] when the blob is not one. */
  async manifestFiles(sha256: string, bytes: number): Promise<{ path: string; sha256: string; bytes: number }[]> {
    try {
      const m = JSON.parse(await this.store.getText({ sha256, bytes })) as unknown;
      if (!isRecord(m) || m.version !== 1 || !Array.isArray(m.files)) return [];
      return m.files.filter((f): f is { path: string; sha256: string; bytes: number } =>
        isRecord(f) && typeof f.path === 'string' && asRef(f) !== null);
    } catch {
      return [];
    }
  }
}

async function checkRun(run: string, refs: RunRefs, verifier: Verifier, base: Omit<DoctorRun, 'refs' | 'ok' | 'missing' | 'corrupt' | 'unreadable' | 'problems'>): Promise<DoctorRun> {
  const result: DoctorRun = { ...base, refs: 0, ok: 0, missing: 0, corrupt: 0, unreadable: 0, problems: [] };
  const checkAll = async (sites: RefSite[]) => {
    await mapLimit(sites, CONCURRENCY, async (site) => {
      const claimed = [...site.bytes];
      const verdicts = await Promise.all((claimed.length ? claimed : [undefined]).map((b) => verifier.check(site.sha256, b)));
      const bad = verdicts.find((v): v is Exclude<Verdict, { kind: 'ok' }> => v.kind !== 'ok');
      result.refs += 1;
      if (!bad) {
        result.ok += 1;
        return;
      }
      result[bad.kind] += 1;
      result.problems.push({
        run, sha256: site.sha256, bytes: claimed[0] ?? null, nodes: [...site.nodes].sort((a, b) => a - b), places: site.places,
        kind: bad.kind, message: bad.message,
      });
    });
  };
  const sites = [...refs.sites.values()];
  await checkAll(sites);
  // The files a task data manifest lists are referenced through it.
  const fromManifests = new RunRefs();
  for (const site of sites) {
    if (!site.manifest || site.bytes.size !== 1) continue;
    const [bytes] = site.bytes;
    if ((await verifier.check(site.sha256, bytes)).kind !== 'ok') continue;
    for (const f of await verifier.manifestFiles(site.sha256, bytes!)) {
      if (!refs.sites.has(f.sha256)) fromManifests.add(f, null, `task data manifest ${site.sha256.slice(0, 12)}: ${f.path}`);
    }
  }
  await checkAll([...fromManifests.sites.values()]);
  result.problems.sort((a, b) => (a.nodes[0] ?? -1) - (b.nodes[0] ?? -1) || a.sha256.localeCompare(b.sha256));
  return result;
}

/** The runs to check: those named, else every agentRun on the server (each with the executions listed for it). */
async function runsToCheck(client: Client, named: string[] | undefined): Promise<Map<string, Set<string>>> {
  const runs = new Map<string, Set<string>>();
  if (named?.length) {
    for (const r of named) runs.set(r, new Set());
    return runs;
  }
  for await (const wf of client.workflow.list({ query: 'WorkflowType="agentRun"' })) {
    let executions = runs.get(wf.workflowId);
    if (!executions) runs.set(wf.workflowId, (executions = new Set()));
    executions.add(wf.runId);
  }
  return runs;
}

/**
 * Histories of a run, oldest first: its continue-as-new chain (from the latest execution back), plus any
 * other execution listed under its id (an id reused after an earlier run closed).
 */
async function runHistories(client: Client, run: string, listed: Set<string>): Promise<History[]> {
  // Encrypted payloads (CRUCIBLE_PAYLOAD_KEYS) are decrypted first: references hide inside them.
  const chain = await Promise.all((await chainHistories(client, run)).map((h) => decodeHistoryCodecs(h, client.options.loadedDataConverter)));
  if (listed.size === 0) return chain;
  const covered = new Set<string>([(await client.workflow.getHandle(run).describe()).runId]);
  for (const h of chain) {
    const previous = h.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (previous) covered.add(previous);
  }
  const others: History[] = [];
  for (const runId of listed) {
    if (!covered.has(runId)) others.push(await decodeHistoryCodecs(await client.workflow.getHandle(run, runId).fetchHistory(), client.options.loadedDataConverter));
  }
  return [...others, ...chain];
}

/** Temp files (`*.tmp`) in a local artifacts folder: orphans of interrupted writes, or writes in progress. */
async function tempFiles(root: string, orphanAgeMs: number, fix: boolean): Promise<NonNullable<DoctorReport['tempFiles']>> {
  const out: NonNullable<DoctorReport['tempFiles']> = { orphans: [], inProgress: 0, removed: [] };
  const entries: Dirent[] = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const now = Date.now();
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.tmp')) continue;
    const file = path.join(e.parentPath, e.name);
    const s = await stat(file).catch(() => null);
    if (!s) continue;
    const ageMs = Math.max(0, now - s.mtimeMs);
    if (ageMs < orphanAgeMs) {
      out.inProgress += 1;
      continue;
    }
    out.orphans.push({ file, bytes: s.size, ageMs });
    if (fix) {
      await rm(file, { force: true });
      out.removed.push(file);
    }
  }
  out.orphans.sort((a, b) => a.file.localeCompare(b.file));
  return out;
}

/** Checks every artifact the runs reference; see the file comment. Throws a UsageError for an unknown named run. */
export async function doctor(client: Client, opts: DoctorOptions): Promise<DoctorReport> {
  const verifier = new Verifier(opts.store);
  const runs: DoctorRun[] = [];
  const named = !!opts.runs?.length;
  for (const [run, listed] of await runsToCheck(client, opts.runs)) {
    const refs = new RunRefs();
    let histories: History[] = [];
    let error: string | undefined;
    let notFound = false;
    try {
      histories = await runHistories(client, run, listed);
    } catch (err) {
      // chainHistories turns "no such workflow" into a UsageError; anything else is a failure to report.
      if (err instanceof UsageError) notFound = true;
      else error = `its history could not be read: ${err instanceof Error ? err.message : String(err)}`;
    }
    histories.forEach((h, i) => refs.addHistory(h, i + 1, histories.length));
    const runFiles = await refs.addRunFolder(opts.runsRoot, run);
    if (notFound && runFiles.length === 0) {
      // Listed a moment ago and gone now (retention): nothing to check. Named: bad input.
      if (!named) continue;
      throw new UsageError(`no run "${run}": it is neither on the Temporal server nor in ${opts.runsRoot}; list runs with \`crucible ls\``);
    }
    const checked = await checkRun(run, refs, verifier, { run, executions: histories.length, runFiles });
    if (error) checked.error = error;
    runs.push(checked);
  }
  const sum = (f: (r: DoctorRun) => number) => runs.reduce((a, r) => a + f(r), 0);
  const totals = {
    runs: runs.length, refs: sum((r) => r.refs), missing: sum((r) => r.missing), corrupt: sum((r) => r.corrupt),
    unreadable: sum((r) => r.unreadable), failedRuns: sum((r) => (r.error ? 1 : 0)),
  };
  const temps = opts.store instanceof FileArtifactStore
    ? await tempFiles(opts.store.root, opts.orphanAgeMs ?? ORPHAN_TEMP_AGE_MS, opts.fix ?? false)
    : null;
  return {
    ok: totals.missing + totals.corrupt + totals.unreadable + totals.failedRuns === 0,
    store: opts.store.location, runs, totals, tempFiles: temps,
  };
}

const age = (ms: number) => (ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} d` : ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`);

/** The human report: a line per run, a line per problem (run, node, hash, what the store found), temp files, totals. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines = [`Artifact store: ${r.store}`];
  if (r.runs.length === 0) lines.push('No runs to check.');
  for (const run of r.runs) {
    lines.push(`${run.problems.length || run.error ? 'FAIL' : 'ok  '} ${run.run}: ${run.refs} refs checked, ${run.missing} missing, ${run.corrupt} corrupt`
      + `${run.unreadable ? `, ${run.unreadable} unreadable` : ''}`
      + ` (${run.executions ? `history: ${run.executions} execution${run.executions > 1 ? 's' : ''}` : 'no history on the server'}`
      + `${run.runFiles.length ? `; ${run.runFiles.join(', ')}` : ''})`);
    if (run.error) lines.push(`     error: ${run.error}`);
    for (const p of run.problems) {
      const node = p.nodes.length ? `node ${p.nodes.join(',')}` : 'node ?';
      lines.push(`     ${p.kind.padEnd(10)} run ${p.run} ${node} ${p.sha256}: ${p.message}`);
      lines.push(`                referenced by ${p.places.join('; ')}`);
    }
  }
  const t = r.tempFiles;
  if (t && (t.orphans.length || t.inProgress)) {
    if (t.orphans.length) {
      lines.push(t.removed.length === t.orphans.length
        ? `Removed ${t.removed.length} orphan temp file(s) left by interrupted writes:`
        : `warning: ${t.orphans.length} orphan temp file(s) left by interrupted writes (remove them with \`crucible doctor --fix\`):`);
      for (const o of t.orphans) lines.push(`  ${o.file} (${o.bytes} bytes, ${age(o.ageMs)} old)`);
    }
    if (t.inProgress) lines.push(`${t.inProgress} temp file(s) younger than ${age(ORPHAN_TEMP_AGE_MS)}: writes in progress, left alone.`);
  }
  const x = r.totals;
  lines.push(`${x.runs} run(s), ${x.refs} artifact reference(s) checked: ${x.missing} missing, ${x.corrupt} corrupt`
    + `${x.unreadable ? `, ${x.unreadable} unreadable` : ''}${x.failedRuns ? `, ${x.failedRuns} run(s) not checked` : ''}`
    + ` — ${r.ok ? 'all good' : 'PROBLEMS FOUND'}`);
  return lines.join('\n');
}

export const DOCTOR_USAGE = `usage: crucible doctor [--run <id>]... [--json] [--fix]
  Checks that the artifact store holds, intact, every artifact that history references: for every run on
  the Temporal server (or each --run), every artifact reference in its history (all executions) and run
  folder is read back and its sha256 and size recomputed. Prints per run the references checked, missing
  and corrupt, and each problem with its run, node and hash. Also lists temp files left by interrupted
  writes in the local artifacts folder; --fix removes them. --json prints one JSON object.
  Exit codes: 0 all present and intact; 1 something missing, corrupt or unreadable; 2 bad flags or unknown run.
  Examples:
    crucible doctor
    crucible doctor --run breast-cancer-aira-greedy-s0-20261127-081502-k3f9 --json`;

export async function cmdDoctor(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      run: { type: 'string', multiple: true }, json: { type: 'boolean', default: false }, fix: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(DOCTOR_USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; name runs with --run <id>\n\n${DOCTOR_USAGE}`);
  const runs = values.run ?? [];
  for (const r of runs) if (!r.trim()) throw new UsageError(`--run needs a run id\n\n${DOCTOR_USAGE}`);
  const store = openArtifactStore(process.env, artifactsDir());
  const client = await connectClient();
  try {
    const report = await doctor(client, { store, runsRoot: runsDir(), runs, fix: values.fix });
    console.log(values.json ? JSON.stringify({ address: temporalAddress(), ...report }, null, 2) : formatDoctorReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await client.connection.close();
  }
}

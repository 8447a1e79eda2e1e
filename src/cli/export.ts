/**
 * `crucible export <run> [--out DIR]`: everything needed to study or replay a run elsewhere (DIR: <state folder>/exports/<run> by default).
 *   DIR/history-<n>.json  the history of each execution of the run's continue-as-new chain, first to last,
 *                         in the JSON of `temporal workflow show -o json` (input of `crucible replay`);
 *   DIR/run/              the run folder: graph.json, summary.json, best_solution.py, best_submission.csv,
 *                         nodes/ (records archived at continue-as-new), those that exist;
 *   DIR/artifacts/<sha256> every blob the nodes reference: code, stdout, stderr, submissions, LLM recordings.
 * Exit codes: 0 written, 2 no such run or bad flags, 1 anything else.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { copyFile, cp, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openArtifactStore, type ArtifactStore } from '../artifacts/index.js';
import { artifactsDir, runsDir, stateDir } from '../config/paths.js';
import type { ArtifactRef } from '../core/artifact.js';
import type { NodeRecord } from '../core/node.js';
import { UsageError } from './runInput.js';
import { connectClient, loadRunNodes, noSuchRun } from './runNodes.js';

export const RUN_FILES = ['graph.json', 'summary.json', 'best_solution.py', 'best_submission.csv'] as const;

export interface ExportResult {
  dir: string;
  /** history-1.json … history-n.json, first execution first. */
  histories: string[];
  /** Run folder entries copied (relative to DIR/run). */
  runFiles: string[];
  /** Blobs written to DIR/artifacts. */
  artifacts: number;
  /** Referenced blobs the store does not have (sha256: reason). */
  missing: string[];
}

/** Every blob a node references, each once. */
export function nodeArtifacts(nodes: readonly NodeRecord[]): ArtifactRef[] {
  const refs = new Map<string, ArtifactRef>();
  const add = (r: ArtifactRef | null | undefined) => { if (r) refs.set(r.sha256, r); };
  for (const n of nodes) {
    add(n.codeRef);
    add(n.exec?.stdoutRef);
    add(n.exec?.stderrRef);
    add(n.exec?.submissionRef);
    for (const r of n.llm?.recordings ?? []) add(r);
  }
  return [...refs.values()];
}

/** The histories of a workflow's continue-as-new chain, first execution first. */
export async function chainHistories(client: Client, workflowId: string): Promise<History[]> {
  const out: History[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory().catch(noSuchRun(workflowId));
    out.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    if (!runId) return out;
  }
}

export async function exportRun(
  client: Client,
  runId: string,
  opts: { out: string; runsRoot: string; store: ArtifactStore },
): Promise<ExportResult> {
  const dir = path.resolve(opts.out);
  const histories = await chainHistories(client, runId);
  const { nodes } = await loadRunNodes(client, runId, opts.runsRoot);
  await mkdir(path.join(dir, 'artifacts'), { recursive: true });
  const result: ExportResult = { dir, histories: [], runFiles: [], artifacts: 0, missing: [] };
  for (const [i, h] of histories.entries()) {
    const name = `history-${i + 1}.json`;
    await writeFile(path.join(dir, name), historyToJSON(h));
    result.histories.push(name);
  }
  const runDir = path.join(opts.runsRoot, runId);
  for (const name of [...RUN_FILES, 'nodes']) {
    const from = path.join(runDir, name);
    const kind = await stat(from).catch(() => null);
    if (!kind) continue;
    await mkdir(path.join(dir, 'run'), { recursive: true });
    if (kind.isDirectory()) await cp(from, path.join(dir, 'run', name), { recursive: true });
    else await copyFile(from, path.join(dir, 'run', name));
    result.runFiles.push(name);
  }
  for (const ref of nodeArtifacts(nodes)) {
    try {
      await writeFile(path.join(dir, 'artifacts', ref.sha256), await opts.store.get(ref));
      result.artifacts += 1;
    } catch (err) {
      result.missing.push(`${ref.sha256}: ${(err as Error).message}`);
    }
  }
  return result;
}

export const EXPORT_USAGE = `usage: crucible export <run> [--out DIR] [--json]
  Writes the run's history (history-<n>.json per continue-as-new execution, as \`temporal workflow show -o json\`),
  its run folder (DIR/run) and every artifact its nodes reference (DIR/artifacts/<sha256>).
  DIR defaults to <state folder>/exports/<run> (the state folder: CRUCIBLE_HOME, else .crucible); it prints the path.
  Example: crucible export breast-cancer-aira-greedy-s0-20261127-081502-k3f9 --out /tmp/run1
           crucible replay /tmp/run1/history-1.json`;

/** Where `crucible export` writes without --out: beside the runs in the state folder, not into the current folder. */
export function defaultExportDir(runId: string, root = stateDir()): string {
  return path.join(root, 'exports', runId);
}

export async function cmdExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { out: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(EXPORT_USAGE);
    return 0;
  }
  const runId = positionals[0];
  if (!runId || positionals.length !== 1) throw new UsageError(EXPORT_USAGE);
  const client = await connectClient();
  try {
    const store = openArtifactStore(process.env, artifactsDir());
    const r = await exportRun(client, runId, { out: values.out ?? defaultExportDir(runId), runsRoot: runsDir(), store });
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(`Exported ${runId} to ${r.dir}:`);
      for (const h of r.histories) console.log(`  ${h}`);
      for (const f of r.runFiles) console.log(`  run/${f}`);
      console.log(`  artifacts/: ${r.artifacts} blob(s)`);
      for (const m of r.missing) console.log(`  missing from the store: ${m}`);
    }
    return 0;
  } finally {
    await client.connection.close();
  }
}

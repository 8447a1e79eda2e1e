/**
 * The task files a run's control worker reads beyond the public data: the description, the answers,
 * the selection holdout, the leaderboard and the task's private folder (an MLE-bench competition's
 * prepared/private, and its registry config). The client that starts a run has them, so it publishes
 * them before the run starts, as one document in the private store whose reference the run carries
 * (`AgentRunInput.taskFilesRef`); exec workers are never given that reference nor that store.
 *
 * Either in place: every file lies in a folder all workers see at the same path (config/sharedData.ts),
 * and the document holds their paths and a fingerprint (sizes and mtimes), nothing copied, as fast as
 * reading them directly; or published: each file is a blob in the private store, and the control worker
 * downloads them (hash-checked) into a mirror of the client's paths under its cache, keyed by the
 * document's hash, with the public folder linked in from its own copy of the public data. The control
 * worker then reads the run's task spec with every path moved into that mirror (tasks/relocate.ts).
 */
import { hostname } from 'node:os';
import { lstat, mkdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import { SHARED_DATA_ENV } from '../config/sharedData.js';
import type { ArtifactRef } from '../core/artifact.js';
import { fingerprintOf, walkDataFolder, type DataFile } from './dataFolder.js';
import { publicDataDir, publishTaskData, within, type PublishOptions } from './dataRef.js';
import { materializeManifest, publishFiles, type Manifest } from './publicData.js';
import { PublishIndex } from './publishIndex.js';
import { relocateTask } from './relocate.js';
import type { TaskSpec } from './types.js';

interface TaskFilesInPlace {
  version: 1;
  kind: 'path';
  /** Absolute paths, the same on every worker. */
  files: string[];
  fingerprint: string;
}

interface TaskFilesPublished {
  version: 1;
  kind: 'files';
  /** The client's public folder, linked into the mirror from the control worker's copy of `publicRef`. */
  publicDir: string;
  publicRef: ArtifactRef;
  /** The files in the private store, each path its client path without the leading '/'. */
  files: Manifest['files'];
}

type TaskFilesDoc = TaskFilesInPlace | TaskFilesPublished;

/** What a run carries for its task's files: the public data (exec workers) and the control files (private store). */
export interface PublishedTask {
  taskDataRef: ArtifactRef;
  taskFilesRef: ArtifactRef;
}

/**
 * The absolute paths of the files the control side reads outside the task's public folder, sorted:
 * the spec's own files, every file of the private folder, and an MLE-bench competition's registry config.
 */
export async function controlFilesOf(task: TaskSpec): Promise<string[]> {
  const privateDir = task.mlebench ? path.join(task.dir, 'prepared', 'private') : path.join(task.dir, 'private');
  const inPrivateDir = await walkDataFolder(privateDir).then(({ files }) => files.map((f) => path.join(privateDir, f.rel)), () => []);
  const named = [
    task.descriptionPath, task.answersPath, task.selectionPath, task.leaderboardPath,
    task.files.train, task.files.test, task.files.sampleSubmission,
    task.mlebench ? path.join(task.mlebench.registryDir, 'config.yaml') : null,
  ];
  const all = [...named.filter((f): f is string => f !== null), ...inPrivateDir].map((f) => path.resolve(f));
  return [...new Set(all)].filter((f) => !within(f, path.resolve(task.publicDir))).sort();
}

/** Each file as stat sees it, named by its path relative to '/'; a missing one is an error naming it. */
async function statFiles(task: TaskSpec, files: readonly string[]): Promise<DataFile[]> {
  return Promise.all(files.map(async (file) => {
    const st = await stat(file, { bigint: true }).catch(() => null);
    if (st === null || !st.isFile()) throw new Error(`${file}: a file of task ${task.id} the control worker reads (to grade, or for the prompts) is missing`);
    return { rel: file.slice(1), bytes: Number(st.size), mtimeNs: st.mtimeNs.toString(), mode: Number(st.mode) };
  }));
}

/**
 * Publishes the task's control files to `privateStore` (in place when they and the public folder lie
 * in shared folders, else as blobs) and returns the document's reference. `publicRef` is the run's
 * public data reference (tasks/dataRef.ts), which the control worker reads from `store`.
 */
export async function publishTaskFiles(privateStore: ArtifactStore, task: TaskSpec, publicRef: ArtifactRef, { shared, indexDir }: PublishOptions): Promise<ArtifactRef> {
  const files = await controlFilesOf(task);
  const stats = await statFiles(task, files);
  const inPlace = [path.resolve(task.publicDir), ...files].every((f) => shared.some((root) => within(f, root)));
  const doc: TaskFilesDoc = inPlace
    ? { version: 1, kind: 'path', files, fingerprint: fingerprintOf(stats) }
    : {
      version: 1, kind: 'files', publicDir: path.resolve(task.publicDir), publicRef,
      files: await publishFiles(privateStore, '/', stats, await PublishIndex.open(indexDir, `private files of ${path.resolve(task.dir)}`)),
    };
  return privateStore.put(JSON.stringify(doc));
}

/** What the client that starts a run publishes: the public data to `store`, the control files to `privateStore`. */
export async function publishTask(
  stores: { store: ArtifactStore; privateStore: ArtifactStore }, task: TaskSpec, options: PublishOptions,
): Promise<PublishedTask> {
  const taskDataRef = await publishTaskData(stores.store, task.publicDir, options);
  return { taskDataRef, taskFilesRef: await publishTaskFiles(stores.privateStore, task, taskDataRef, options) };
}

/** Reads a run's task spec with its files where this worker reads them (taskFilesReader). */
export type TaskReader = (task: TaskSpec, taskFilesRef: ArtifactRef | null | undefined) => Promise<TaskSpec>;

/** Where the control worker keeps what it reads task files with. */
export interface TaskFilesDeps {
  store: ArtifactStore;
  privateStore: ArtifactStore;
  /** Mirrors of published task files, by document hash (config/paths.ts taskFilesCacheDir). */
  cacheRoot: string;
  /** Copies of public data, by manifest hash (config/paths.ts taskDataCacheDir). */
  dataCache: string;
}

/**
 * The control side's reader of run task specs: `(task, taskFilesRef)` → the spec with its files where
 * this worker reads them. Without a reference (a run started by an older client) the spec is read as
 * it is, at the client's paths. Each reference is resolved once per worker process.
 */
export function taskFilesReader(deps: TaskFilesDeps): TaskReader {
  const resolved = new Map<string, Promise<(file: string) => string>>();
  return async (task, ref) => {
    if (!ref) return task;
    let move = resolved.get(ref.sha256);
    if (move === undefined) {
      move = placeOf(deps, ref);
      resolved.set(ref.sha256, move);
      // A failure (a store not reachable yet) is tried again by the next activity, not remembered.
      move.catch(() => resolved.delete(ref.sha256));
    }
    return relocateTask(task, await move);
  };
}

async function placeOf(deps: TaskFilesDeps, ref: ArtifactRef): Promise<(file: string) => string> {
  const doc = JSON.parse(await deps.privateStore.getText(ref)) as TaskFilesDoc;
  if (doc.kind === 'path') {
    await checkInPlace(doc);
    return (file) => file;
  }
  const mirror = path.join(deps.cacheRoot, ref.sha256);
  if (!(await stat(mirror).then((s) => s.isDirectory(), () => false))) {
    await materializeManifest(deps.privateStore, { version: 1, files: doc.files }, mirror);
  }
  await linkInto(path.join(mirror, doc.publicDir), await publicDataDir(deps.store, doc.publicRef, deps.dataCache));
  return (file) => path.join(mirror, file);
}

/** `link` → `target`, made or corrected (the public copy may have moved with the cache). */
async function linkInto(link: string, target: string): Promise<void> {
  if (await readlink(link).then((t) => t === target, () => false)) return;
  if (await lstat(link).then(() => true, () => false)) await rm(link, { recursive: true, force: true });
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(target, link).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

async function checkInPlace(doc: TaskFilesInPlace): Promise<void> {
  const stats = await Promise.all(doc.files.map((file) => stat(file, { bigint: true }).catch(() => null)));
  const missing = doc.files.find((_, i) => stats[i] === null);
  if (missing !== undefined) {
    throw new Error(
      `task file ${missing} is not visible on this control worker (${hostname()}); the run reads it in place because ${SHARED_DATA_ENV} `
      + 'of the client that started the run names a folder holding it: mount it at the same path here, or start runs with '
      + `${SHARED_DATA_ENV}=none so that task files go through the private artifact store`,
    );
  }
  const now = doc.files.map((file, i) => ({ rel: file.slice(1), bytes: Number(stats[i]!.size), mtimeNs: stats[i]!.mtimeNs.toString(), mode: 0 }));
  if (fingerprintOf(now) !== doc.fingerprint) {
    throw new Error(
      `task files changed since the run published them (sizes or modification times of ${doc.files.join(', ')}): `
      + 'a run must be graded against the answers it started with; restore them or start a new run',
    );
  }
}

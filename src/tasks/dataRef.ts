/**
 * A task's public data as a run references it. Either in place: the folder lies where every exec worker
 * sees it at the same path (config/sharedData.ts), and each sandbox mounts it read-only, nothing copied;
 * or through the artifact store (tasks/publicData.ts), fetched once per manifest into an exec worker's
 * cache. The choice is made here, once per run, from the shared folders the publisher was given: the client
 * that starts the run (cli/publishTask.ts), or for a run whose client did not, the control worker.
 * Either way the run carries one ArtifactRef to a small JSON document in the store (a path reference or
 * a manifest), whose hash is the data's identity: a path reference holds a fingerprint of the folder
 * (relative paths, sizes and mtimes), so a changed folder has another identity, and an exec worker that
 * finds the folder changed under a run refuses it.
 */
import { hostname } from 'node:os';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import { SHARED_DATA_ENV } from '../config/sharedData.js';
import type { ArtifactRef } from '../core/artifact.js';
import { fingerprintOf, walkDataFolder, type DataFolder } from './dataFolder.js';
import { materializeManifest, publishPublicData, type Manifest } from './publicData.js';

export interface PathReference {
  version: 1;
  kind: 'path';
  /** Absolute path of the public folder, the same on every exec worker. */
  path: string;
  fingerprint: string;
  fileCount: number;
  bytes: number;
}

export interface PublishOptions {
  /** Folders every exec worker sees at the same path (config/sharedData.ts sharedDataRoots). */
  shared: readonly string[];
  /** Where the control side remembers files it published to the store (config/paths.ts publishIndexDir). */
  indexDir: string;
}

const OPTION_HINT = `${SHARED_DATA_ENV} where the run was published (the client that started it; for older clients, the control worker) `
  + 'names the folders every worker sees at the same path (unset, `crucible run`\'s embedded workers share every path; \'none\' shares none)';

/** Whether `child` is `root` or lies under it (both absolute). */
export function within(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The sandbox runs as its own user, so a folder read in place must be readable by other users. */
function checkReadableByOthers(dir: string, { files, dirs }: DataFolder): void {
  const closed = dirs.find((d) => (d.mode & 0o005) !== 0o005) ?? files.find((f) => (f.mode & 0o004) === 0);
  if (!closed) return;
  throw new Error(
    `${path.join(dir, closed.rel)}: not readable by other users (mode ${(closed.mode & 0o777).toString(8).padStart(4, '0')}), and the sandbox `
    + `reads the public folder in place as its own user: run chmod -R a+rX ${dir}, or keep the folder out of the shared ones so that `
    + `its data goes through the artifact store (${OPTION_HINT})`,
  );
}

/**
 * The reference a run carries for the public folder `publicDir`: in place when it lies in a shared folder,
 * else published to the store (only files the store does not hold yet are uploaded).
 */
export async function publishTaskData(store: ArtifactStore, publicDir: string, { shared, indexDir }: PublishOptions): Promise<ArtifactRef> {
  const dir = path.resolve(publicDir);
  const folder = await walkDataFolder(dir);
  if (!shared.some((root) => within(dir, root))) return publishPublicData(store, dir, folder, indexDir);
  checkReadableByOthers(dir, folder);
  const ref: PathReference = {
    version: 1, kind: 'path', path: dir, fingerprint: fingerprintOf(folder.files),
    fileCount: folder.files.length, bytes: folder.files.reduce((n, f) => n + f.bytes, 0),
  };
  return store.put(JSON.stringify(ref));
}

function isPathReference(doc: Manifest | PathReference): doc is PathReference {
  return 'kind' in doc && doc.kind === 'path';
}

/** The folder itself, after checking that this worker sees it and that it is what the run published. */
async function sharedFolder(ref: PathReference): Promise<string> {
  if (!(await stat(ref.path).then((s) => s.isDirectory(), () => false))) {
    throw new Error(
      `task data folder ${ref.path} is not visible on this exec worker (${hostname()}); the run references it in place because `
      + `${OPTION_HINT}: mount it at the same path here, or keep it out of ${SHARED_DATA_ENV} so that its data goes through the artifact store`,
    );
  }
  const { files } = await walkDataFolder(ref.path);
  if (fingerprintOf(files) !== ref.fingerprint) {
    throw new Error(
      `task data folder ${ref.path} changed since the run published it (${files.length} files now, ${ref.fileCount} then, or sizes `
      + 'or modification times differ): a run must see the data it started with; restore the folder or start a new run',
    );
  }
  return ref.path;
}

/**
 * The local folder to mount as a task's public data: the shared folder itself, or this worker's copy of
 * a manifest (in `cacheRoot`, downloaded on first use).
 */
export async function publicDataDir(store: ArtifactStore, ref: Pick<ArtifactRef, 'sha256'>, cacheRoot: string): Promise<string> {
  const cached = path.join(cacheRoot, ref.sha256);
  if (await stat(cached).then((s) => s.isDirectory(), () => false)) return cached;
  const doc = JSON.parse(await store.getText(ref)) as Manifest | PathReference;
  if (isPathReference(doc)) return sharedFolder(doc);
  await materializeManifest(store, doc, cached);
  return cached;
}

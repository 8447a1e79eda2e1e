/**
 * A task's public data through the artifact store, for exec workers that do not see the control side's
 * folders: the control side publishes the folder as a manifest of content-addressed files; an exec
 * worker materialises it once into a local cache keyed by the manifest's hash. Files are streamed both
 * ways (any size the disk holds), and a file published before with the same size and mtime is neither
 * read nor uploaded again (tasks/publishIndex.ts).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import type { ArtifactRef } from '../core/artifact.js';
import { mapLimit } from '../core/mapLimit.js';
import type { DataFile, DataFolder } from './dataFolder.js';
import { PublishIndex } from './publishIndex.js';

export interface Manifest {
  version: 1;
  files: { path: string; sha256: string; bytes: number }[];
}

/** Files published at once: hashing and uploads overlap, and an S3 store answers existence checks in parallel. */
const PUBLISH_CONCURRENCY = 8;

/**
 * Stores every file of `publicDir` not already in the store and a manifest of them; returns the
 * manifest's reference. `indexDir` keeps what was published before (config/paths.ts publishIndexDir).
 */
export async function publishPublicData(store: ArtifactStore, publicDir: string, { files }: DataFolder, indexDir: string): Promise<ArtifactRef> {
  const dir = path.resolve(publicDir);
  const manifest: Manifest = { version: 1, files: await publishFiles(store, dir, files, await PublishIndex.open(indexDir, dir)) };
  return store.put(JSON.stringify(manifest));
}

/**
 * Stores the files `files` of the folder `root` that the store does not hold yet (a file `index` knows
 * with this size and mtime is not read again); returns the manifest's entries, and saves the index.
 */
export async function publishFiles(store: ArtifactStore, root: string, files: readonly DataFile[], index: PublishIndex): Promise<Manifest['files']> {
  const entries = await mapLimit(files, PUBLISH_CONCURRENCY, async (f) => {
    const file = path.resolve(root, f.rel);
    const known = index.lookup(file, f);
    const ref = known !== undefined && await store.has({ sha256: known, bytes: f.bytes })
      ? { sha256: known, bytes: f.bytes }
      : await store.putFile(file);
    index.note(file, f, ref.sha256);
    return { path: f.rel, sha256: ref.sha256, bytes: ref.bytes };
  });
  await index.save();
  return entries;
}

/**
 * Downloads a manifest's files into `dir`, which is then complete or absent: they land in a temporary
 * folder renamed into place at the end (when another execution got there first, theirs is identical).
 */
export async function materializeManifest(store: ArtifactStore, { files }: Manifest, dir: string): Promise<void> {
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  try {
    for (const f of files) {
      if (f.path.split('/').includes('..') || path.isAbsolute(f.path)) throw new Error(`unsafe path in task data manifest: ${f.path}`);
      await store.getFile({ sha256: f.sha256, bytes: f.bytes }, path.join(tmp, f.path));
    }
    await mkdir(tmp, { recursive: true });
    await rename(tmp, dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

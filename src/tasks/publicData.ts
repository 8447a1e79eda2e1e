/**
 * A task's public data travels through the artifact store, so exec workers on other machines need
 * nothing but Temporal and the store: the control side publishes the public folder as a manifest of
 * content-addressed files; an exec worker materialises it once into a local cache keyed by the
 * manifest's hash.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactStore } from '../artifacts/store.js';
import type { ArtifactRef } from '../core/artifact.js';

interface Manifest {
  version: 1;
  files: { path: string; sha256: string; bytes: number }[];
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Stores every file of `publicDir` and a manifest of them; returns the manifest's reference. */
export async function publishPublicData(store: ArtifactStore, publicDir: string): Promise<ArtifactRef> {
  const files: Manifest['files'] = [];
  for (const rel of await listFiles(publicDir)) {
    const ref = await store.put(await readFile(path.join(publicDir, rel)));
    files.push({ path: rel, sha256: ref.sha256, bytes: ref.bytes });
  }
  const manifest: Manifest = { version: 1, files };
  return store.put(JSON.stringify(manifest));
}

/**
 * The local folder holding the data of a published manifest, downloading it on first use. A folder is
 * complete or absent: files land in a temporary folder that is renamed into place at the end.
 */
export async function materializePublicData(store: ArtifactStore, manifestRef: Pick<ArtifactRef, 'sha256'>, cacheRoot: string): Promise<string> {
  const dir = path.join(cacheRoot, manifestRef.sha256);
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return dir;
  const manifest = JSON.parse(await store.getText(manifestRef)) as Manifest;
  const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  try {
    for (const f of manifest.files) {
      if (f.path.split('/').includes('..') || path.isAbsolute(f.path)) throw new Error(`unsafe path in task data manifest: ${f.path}`);
      const target = path.join(tmp, f.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await store.get({ sha256: f.sha256 }));
    }
    await mkdir(tmp, { recursive: true });
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      // Another execution materialised the same data first: theirs is identical.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

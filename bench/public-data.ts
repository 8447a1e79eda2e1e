/**
 * Publishing a task's public data: a folder of 2,000 files / 1 GiB through the artifact store the first
 * time and again unchanged, and referenced in place (as a shared folder), with the bytes each run copies.
 *   npx tsx bench/public-data.ts [--files 2000] [--mib 1024]
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileArtifactStore } from '../src/artifacts/store.js';
import { publicDataDir, publishTaskData } from '../src/tasks/dataRef.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '2000' }, mib: { type: 'string', default: '1024' } } });
const files = Number(values.files);
const bytesEach = Math.floor((Number(values.mib) * 1024 ** 2) / files);

/** Bytes of the regular files under `dir` (0 when it does not exist). */
async function bytesUnder(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const e of entries) if (e.isFile()) n += (await stat(path.join(e.parentPath, e.name))).size;
  return n;
}

async function timed<T>(what: string, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await f();
  console.log(`${what}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return out;
}

const root = await mkdtemp(path.join(os.tmpdir(), 'bench-public-data-'));
try {
  const publicDir = path.join(root, 'shared', 'public');
  for (let i = 0; i < files; i++) {
    const dir = path.join(publicDir, `part-${i % 20}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${i}.bin`), randomBytes(bytesEach));
  }
  const total = await bytesUnder(publicDir);
  console.log(`folder: ${files} files, ${(total / 1024 ** 2).toFixed(0)} MiB`);

  const store = new FileArtifactStore(path.join(root, 'artifacts'));
  const viaStore = { shared: [], indexDir: path.join(root, 'publish-index') };
  const ref = await timed('through the store, first publish', () => publishTaskData(store, publicDir, viaStore));
  const stored = await bytesUnder(store.root);
  await timed('through the store, unchanged folder again', () => publishTaskData(store, publicDir, viaStore));
  console.log(`  store bytes after the first: ${stored}, added by the second: ${(await bytesUnder(store.root)) - stored}`);
  const storeCache = path.join(root, 'cache-store');
  await timed('through the store, an exec worker materialises it (once per worker)', () => publicDataDir(store, ref, storeCache));
  console.log(`  bytes copied into the worker's cache: ${await bytesUnder(storeCache)}`);

  const inPlace = { shared: [path.join(root, 'shared')], indexDir: viaStore.indexDir };
  const pathRef = await timed('in place, publish (stat and fingerprint)', () => publishTaskData(store, publicDir, inPlace));
  const pathCache = path.join(root, 'cache-path');
  const dir = await timed('in place, an exec worker resolves it (every execution: stat and fingerprint)', () => publicDataDir(store, pathRef, pathCache));
  console.log(`  mounted ${dir === publicDir ? 'the folder itself' : dir}; bytes copied per run: ${await bytesUnder(pathCache)}`);
} finally {
  await rm(root, { recursive: true, force: true });
}

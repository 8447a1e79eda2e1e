import { mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { publicDataDir, publishTaskData } from '../../../src/tasks/dataRef.js';
import { CountingStoreDouble } from '../../helpers/countingStore.js';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'public-data-'));

/** A public folder of `n` small files, two levels deep. */
async function publicFolder(n: number): Promise<string> {
  const src = await tmp();
  await mkdir(path.join(src, 'images'));
  await writeFile(path.join(src, 'train.csv'), 'id,x,target\n1,2,0\n');
  for (let i = 0; i < n; i++) await writeFile(path.join(src, 'images', `${i}.png`), Buffer.from([0, 1, 2, i]));
  return src;
}

describe('task public data through the artifact store (folders exec workers do not share)', () => {
  it('publishes a folder and materialises an identical copy elsewhere, once', async () => {
    const src = await publicFolder(1);
    const store = new FileArtifactStore(path.join(await tmp(), 'artifacts'));
    const options = { shared: [], indexDir: await tmp() };
    const ref = await publishTaskData(store, src, options);
    expect(await publishTaskData(store, src, options)).toEqual(ref); // same data, same manifest

    const cache = await tmp();
    const dir = await publicDataDir(store, ref, cache);
    expect(dir).toBe(path.join(cache, ref.sha256));
    expect(await readFile(path.join(dir, 'train.csv'), 'utf8')).toBe('id,x,target\n1,2,0\n');
    expect([...(await readFile(path.join(dir, 'images', '0.png')))]).toEqual([0, 1, 2, 0]);
    // Second use hits the cache even if the store lost the blobs.
    await writeFile(path.join(dir, 'marker'), 'cached');
    expect(await publicDataDir(new FileArtifactStore(path.join(await tmp(), 'empty')), ref, cache)).toBe(dir);
  });

  it('re-publishing an unchanged folder stores nothing; a changed file alone is stored again', async () => {
    const src = await publicFolder(20);
    const store = new CountingStoreDouble(path.join(await tmp(), 'artifacts'));
    const options = { shared: [], indexDir: await tmp() };
    const first = await publishTaskData(store, src, options);
    expect(store.putFiles).toHaveLength(21);

    store.putFiles.length = 0;
    expect(await publishTaskData(store, src, options)).toEqual(first);
    expect(store.putFiles).toEqual([]);

    await writeFile(path.join(src, 'images', '3.png'), 'changed');
    const changed = await publishTaskData(store, src, options);
    expect(changed.sha256).not.toBe(first.sha256);
    expect(store.putFiles).toEqual([path.join(src, 'images', '3.png')]);

    // Same bytes, new mtime: hashed again (the index cannot vouch for it), but the store already holds them.
    store.putFiles.length = 0;
    await utimes(path.join(src, 'train.csv'), new Date(), new Date(Date.now() + 5000));
    expect(await publishTaskData(store, src, options)).toEqual(changed);
    expect(store.putFiles).toEqual([path.join(src, 'train.csv')]);

    // A store that lost a blob gets it again, whatever the index says.
    store.putFiles.length = 0;
    const elsewhere = new CountingStoreDouble(path.join(await tmp(), 'artifacts'));
    await publishTaskData(elsewhere, src, options);
    expect(elsewhere.putFiles).toHaveLength(21);
  });

  it('refuses a manifest that escapes the cache folder', async () => {
    const store = new FileArtifactStore(path.join(await tmp(), 'artifacts'));
    const blob = await store.put('x');
    const evil = await store.put(JSON.stringify({ version: 1, files: [{ path: '../escape.txt', sha256: blob.sha256, bytes: 1 }] }));
    const cache = await tmp();
    await expect(publicDataDir(store, evil, cache)).rejects.toThrow(/unsafe path/);
    expect(await readdir(cache)).toEqual([]);
  });
});

import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { materializePublicData, publishPublicData } from '../../../src/tasks/publicData.js';

const tmp = () => mkdtemp(path.join(os.tmpdir(), 'public-data-'));

describe('task public data through the artifact store', () => {
  it('publishes a folder and materialises an identical copy elsewhere, once', async () => {
    const src = await tmp();
    await mkdir(path.join(src, 'images'));
    await writeFile(path.join(src, 'train.csv'), 'id,x,target\n1,2,0\n');
    await writeFile(path.join(src, 'images', 'a.png'), Buffer.from([0, 1, 2, 255]));
    const store = new FileArtifactStore(path.join(await tmp(), 'artifacts'));
    const ref = await publishPublicData(store, src);
    expect(await publishPublicData(store, src)).toEqual(ref); // same data, same manifest

    const cache = await tmp();
    const dir = await materializePublicData(store, ref, cache);
    expect(await readFile(path.join(dir, 'train.csv'), 'utf8')).toBe('id,x,target\n1,2,0\n');
    expect([...(await readFile(path.join(dir, 'images', 'a.png')))]).toEqual([0, 1, 2, 255]);
    // Second use hits the cache even if the store lost the blobs.
    await writeFile(path.join(dir, 'marker'), 'cached');
    expect(await materializePublicData(new FileArtifactStore(path.join(await tmp(), 'empty')), ref, cache)).toBe(dir);
  });

  it('refuses a manifest that escapes the cache folder', async () => {
    const store = new FileArtifactStore(path.join(await tmp(), 'artifacts'));
    const blob = await store.put('x');
    const evil = await store.put(JSON.stringify({ version: 1, files: [{ path: '../escape.txt', sha256: blob.sha256, bytes: 1 }] }));
    await expect(materializePublicData(store, evil, await tmp())).rejects.toThrow(/unsafe path/);
  });
});

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError, ArtifactMissingError, FileArtifactStore } from '../../../src/artifacts/store.js';
import { artifactStoreContract } from './contract.js';

const newStore = async () => new FileArtifactStore(await mkdtemp(path.join(os.tmpdir(), 'artifacts-')));

describe('FileArtifactStore', () => {
  artifactStoreContract<FileArtifactStore>({
    newStore,
    list: async (store) => (await readdir(store.root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(store.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort(),
    nameOf: (store, sha256) => path.relative(store.root, store.pathOf(sha256)).split(path.sep).join('/'),
    overwrite: (store, sha256, content) => writeFile(store.pathOf(sha256), content),
    read: (store, sha256) => readFile(store.pathOf(sha256)),
    remove: (store, sha256) => rm(store.pathOf(sha256)),
    whereOf: (store, sha256) => store.pathOf(sha256),
  });

  it('names its folder as its location', async () => {
    const store = await newStore();
    expect(store.location).toBe(store.root);
  });

  it('reports a blob it cannot read as an ArtifactError that does not claim it is missing', async () => {
    const store = await newStore();
    const ref = await store.put('a blob');
    await rm(store.pathOf(ref.sha256));
    await mkdir(store.pathOf(ref.sha256));
    for (const read of [() => store.get(ref), () => store.verify(ref)]) {
      const err = await read().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ArtifactError);
      expect(err).not.toBeInstanceOf(ArtifactMissingError);
      expect((err as Error).message).toContain(store.pathOf(ref.sha256));
    }
  });
});

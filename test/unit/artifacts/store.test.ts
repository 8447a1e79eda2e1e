import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
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
  });

  it('names its folder as its location', async () => {
    const store = await newStore();
    expect(store.location).toBe(store.root);
  });
});

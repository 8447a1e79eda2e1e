import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactError, ArtifactStore } from '../../../src/artifacts/store.js';

const newStore = async () => new ArtifactStore(await mkdtemp(path.join(os.tmpdir(), 'artifacts-')));

describe('ArtifactStore', () => {
  it('stores content by its sha256 and reads it back', async () => {
    const store = await newStore();
    const ref = await store.put('print("hello")\n');
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ref.bytes).toBe(15);
    expect(ref.preview).toBe('print("hello")\n');
    expect(await store.getText(ref)).toBe('print("hello")\n');
  });

  it('deduplicates identical content and leaves no temp files', async () => {
    const store = await newStore();
    const a = await store.put('same');
    const b = await store.put(Buffer.from('same'));
    expect(a).toEqual(b);
    const dir = path.dirname(store.pathOf(a.sha256));
    expect(await readdir(dir)).toEqual([a.sha256]);
  });

  it('keeps the preview short for large blobs', async () => {
    const store = await newStore();
    const ref = await store.put('x'.repeat(100_000));
    expect(ref.bytes).toBe(100_000);
    expect(ref.preview.length).toBe(200);
  });

  it('reports a corrupted blob instead of returning it', async () => {
    const store = await newStore();
    const ref = await store.put('original');
    await writeFile(store.pathOf(ref.sha256), 'tampered');
    await expect(store.get(ref)).rejects.toThrow(/corrupted/);
  });

  it('reports a missing blob and rejects malformed hashes', async () => {
    const store = await newStore();
    await expect(store.get({ sha256: 'a'.repeat(64) })).rejects.toThrow(/missing/);
    await expect(store.get({ sha256: '../../etc/passwd' })).rejects.toBeInstanceOf(ArtifactError);
  });
});

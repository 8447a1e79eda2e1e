/**
 * Behaviour every ArtifactStore implementation must have; store.test.ts (filesystem) and s3.test.ts
 * (a local moto S3 server) run it against their own store.
 */
import { expect, it } from 'vitest';
import { ArtifactError, type ArtifactStore } from '../../../src/artifacts/store.js';

export interface StoreHarness<S extends ArtifactStore> {
  newStore(): Promise<S>;
  /** Everything the store holds, as names relative to its location (no temp or partial objects). */
  list(store: S): Promise<string[]>;
  /** Where the store keeps a blob, relative to its location (as `list` names it). */
  nameOf(store: S, sha256: string): string;
  /** Replaces a stored blob's bytes behind the store's back. */
  overwrite(store: S, sha256: string, content: string): Promise<void>;
  /** How many uploads/writes the store has done since it was made, when the harness can tell. */
  uploads?(store: S): number;
}

export function artifactStoreContract<S extends ArtifactStore>(h: StoreHarness<S>): void {
  it('stores content by its sha256 and reads it back', async () => {
    const store = await h.newStore();
    const ref = await store.put('print("hello")\n');
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ref.bytes).toBe(15);
    expect(ref.preview).toBe('print("hello")\n');
    expect(await store.getText(ref)).toBe('print("hello")\n');
    expect(await store.get(ref)).toEqual(Buffer.from('print("hello")\n'));
    expect(h.nameOf(store, ref.sha256)).toBe(`${ref.sha256.slice(0, 2)}/${ref.sha256}`);
    expect(await h.list(store)).toEqual([h.nameOf(store, ref.sha256)]);
  });

  it('deduplicates identical content without writing it again, and leaves nothing else behind', async () => {
    const store = await h.newStore();
    const a = await store.put('same');
    const b = await store.put(Buffer.from('same'));
    expect(a).toEqual(b);
    if (h.uploads) expect(h.uploads(store)).toBe(1);
    expect(await h.list(store)).toEqual([h.nameOf(store, a.sha256)]);
  });

  it('keeps the preview short for large blobs and returns them whole', async () => {
    const store = await h.newStore();
    const content = 'x'.repeat(60_000) + 'é'.repeat(20_000);
    const ref = await store.put(content);
    expect(ref.bytes).toBe(100_000);
    expect(ref.preview.length).toBe(200);
    expect(await store.getText(ref)).toBe(content);
  });

  it('reports a corrupted blob instead of returning it', async () => {
    const store = await h.newStore();
    const ref = await store.put('original');
    await h.overwrite(store, ref.sha256, 'tampered');
    const err = await store.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactError);
    expect((err as Error).message).toMatch(/corrupted/);
    expect((err as Error).message).toContain(ref.sha256);
  });

  it('rewrites a blob whose stored size is wrong', async () => {
    const store = await h.newStore();
    const ref = await store.put('original content');
    await h.overwrite(store, ref.sha256, 'orig');
    await store.put('original content');
    expect(await store.getText(ref)).toBe('original content');
  });

  it('reports a missing blob and rejects malformed hashes', async () => {
    const store = await h.newStore();
    await expect(store.get({ sha256: 'a'.repeat(64) })).rejects.toThrow(/missing/);
    await expect(store.get({ sha256: 'a'.repeat(64) })).rejects.toBeInstanceOf(ArtifactError);
    await expect(store.get({ sha256: '../../etc/passwd' })).rejects.toBeInstanceOf(ArtifactError);
    await expect(store.get({ sha256: 'A'.repeat(64) })).rejects.toThrow(/invalid artifact hash/);
  });
}

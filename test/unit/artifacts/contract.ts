/**
 * Behaviour every ArtifactStore implementation must have; store.test.ts (filesystem) and s3.test.ts
 * (a local moto S3 server) run it against their own store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactCorruptError, ArtifactError, ArtifactMissingError, type ArtifactStore } from '../../../src/artifacts/store.js';
import type { ArtifactRef } from '../../../src/core/artifact.js';

export interface StoreHarness<S extends ArtifactStore> {
  newStore(): Promise<S>;
  /** Everything the store holds, as names relative to its location (no temp or partial objects). */
  list(store: S): Promise<string[]>;
  /** Where the store keeps a blob, relative to its location (as `list` names it). */
  nameOf(store: S, sha256: string): string;
  /** Replaces a stored blob's bytes behind the store's back. */
  overwrite(store: S, sha256: string, content: string | Buffer): Promise<void>;
  /** A stored blob's bytes, read behind the store's back. */
  read(store: S, sha256: string): Promise<Buffer>;
  /** Deletes a stored blob behind the store's back. */
  remove(store: S, sha256: string): Promise<void>;
  /** How the store's errors name a blob's place (a file path, an s3:// URL). */
  whereOf(store: S, sha256: string): string;
  /** How many uploads/writes the store has done since it was made, when the harness can tell. */
  uploads?(store: S): number;
}

function describeBuffer(buf: Buffer): ArtifactRef {
  return { sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length, preview: buf.subarray(0, 800).toString('utf8').slice(0, 200) };
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

  it('stores a file streamed (in parts when large), skips one it holds, and writes a blob back to a file', async () => {
    const store = await h.newStore();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'artifact-files-'));
    // 11 MiB: more than one part where the harness's store uploads in 5 MiB parts.
    const content = Buffer.concat([Buffer.from('id,x\n'), randomBytes(11 * 1024 ** 2)]);
    await writeFile(path.join(dir, 'big.bin'), content);
    await writeFile(path.join(dir, 'empty.csv'), '');
    const ref = await store.putFile(path.join(dir, 'big.bin'));
    expect(ref).toEqual(describeBuffer(content));
    expect(await store.has(ref)).toBe(true);
    expect(await store.has({ ...ref, bytes: ref.bytes + 1 })).toBe(false);
    const uploads = h.uploads?.(store);
    expect(await store.putFile(path.join(dir, 'big.bin'))).toEqual(ref);
    expect(h.uploads?.(store)).toBe(uploads);
    await store.getFile(ref, path.join(dir, 'copy', 'big.bin'));
    expect((await readFile(path.join(dir, 'copy', 'big.bin'))).equals(content)).toBe(true);
    const empty = await store.putFile(path.join(dir, 'empty.csv'));
    expect(empty.bytes).toBe(0);
    await store.getFile(empty, path.join(dir, 'copy', 'empty.csv'));
    expect(await readFile(path.join(dir, 'copy', 'empty.csv'), 'utf8')).toBe('');
  });

  describe('every read verifies hash and size', () => {
    const reads = (store: S, ref: ArtifactRef) => [
      ['get', () => store.get(ref)], ['getText', () => store.getText(ref)], ['verify', () => store.verify(ref)],
      ['getFile', async () => {
        const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'artifact-get-')), 'blob');
        // A bad blob leaves no file behind.
        await store.getFile(ref, file).finally(() => expect(existsSync(file)).toBe(false));
      }],
    ] as const;

    it('a flipped byte: ArtifactCorruptError naming the hash, the blob and what it holds', async () => {
      const store = await h.newStore();
      const ref = await store.put('def solve():\n    return 42\n');
      const bytes = Buffer.from(await h.read(store, ref.sha256));
      bytes[5] = bytes[5]! ^ 0x01;
      await h.overwrite(store, ref.sha256, bytes);
      for (const [name, read] of reads(store, ref)) {
        const err = await read().then(() => null, (e: unknown) => e);
        expect(err, name).toBeInstanceOf(ArtifactCorruptError);
        expect(err, name).toBeInstanceOf(ArtifactError);
        const e = err as ArtifactCorruptError;
        expect(e.sha256).toBe(ref.sha256);
        expect(e.found).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: ref.bytes });
        expect(e.message).toContain(ref.sha256);
        expect(e.message).toContain(h.whereOf(store, ref.sha256));
        expect(e.message).toContain(e.found.sha256);
      }
    });

    it('a truncated blob: ArtifactCorruptError with the size found and the size expected', async () => {
      const store = await h.newStore();
      const ref = await store.put('x'.repeat(1000));
      await h.overwrite(store, ref.sha256, 'x'.repeat(400));
      for (const [name, read] of reads(store, ref)) {
        const err = await read().then(() => null, (e: unknown) => e);
        expect(err, name).toBeInstanceOf(ArtifactCorruptError);
        expect((err as ArtifactCorruptError).found.bytes).toBe(400);
        expect((err as Error).message).toMatch(/holds 400 bytes .*expected 1000 bytes/);
      }
      // Also when the reader only has the hash.
      await expect(store.get({ sha256: ref.sha256 })).rejects.toBeInstanceOf(ArtifactCorruptError);
      // An empty blob (a write torn before any data reached the disk) is corrupt too.
      await h.overwrite(store, ref.sha256, '');
      await expect(store.verify(ref)).rejects.toBeInstanceOf(ArtifactCorruptError);
    });

    it('a deleted blob: ArtifactMissingError naming the hash and where it was looked for', async () => {
      const store = await h.newStore();
      const ref = await store.put('soon gone');
      await h.remove(store, ref.sha256);
      for (const [name, read] of reads(store, ref)) {
        const err = await read().then(() => null, (e: unknown) => e);
        expect(err, name).toBeInstanceOf(ArtifactMissingError);
        expect((err as ArtifactMissingError).sha256).toBe(ref.sha256);
        expect((err as Error).message).toContain(ref.sha256);
        expect((err as Error).message).toContain(h.whereOf(store, ref.sha256));
        expect((err as Error).message).toMatch(/missing/);
      }
    });

    it('a reference whose size disagrees with the blob is reported, not trusted', async () => {
      const store = await h.newStore();
      const ref = await store.put('twelve bytes');
      await expect(store.get({ ...ref, bytes: 13 })).rejects.toBeInstanceOf(ArtifactCorruptError);
      await expect(store.verify({ ...ref, bytes: 13 })).rejects.toThrow(/expected 13 bytes/);
      await expect(store.verify(ref)).resolves.toBeUndefined();
      await expect(store.verify({ sha256: ref.sha256 })).resolves.toBeUndefined();
    });

    it('a blob stored again after corruption is readable again', async () => {
      const store = await h.newStore();
      const ref = await store.put('heal me');
      await h.remove(store, ref.sha256);
      await store.put('heal me');
      expect(await store.getText(ref)).toBe('heal me');
    });
  });
}

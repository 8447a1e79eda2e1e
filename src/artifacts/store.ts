import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef } from '../core/artifact.js';
import { writeFileAtomic } from './writeFileAtomic.js';

const PREVIEW_CHARS = 200;

export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/** The store has no blob for a hash. `where` is the file path or `s3://bucket/key` that was looked at. */
export class ArtifactMissingError extends ArtifactError {
  override name = 'ArtifactMissingError';
  constructor(readonly sha256: string, readonly where: string, location: string) {
    super(`artifact ${sha256} is missing from ${location} (no ${where})`);
  }
}

/**
 * The store's blob for a hash does not hold the bytes the hash names: truncated, overwritten, flipped bits,
 * or a reference whose size disagrees with the blob. Never returned to a caller.
 */
export class ArtifactCorruptError extends ArtifactError {
  override name = 'ArtifactCorruptError';
  constructor(
    readonly sha256: string,
    readonly where: string,
    /** What the stored blob actually holds. */
    readonly found: { sha256: string; bytes: number },
    /** The size the reference promised, when it carried one. */
    readonly expectedBytes?: number,
  ) {
    super(`artifact ${sha256} is corrupted: ${where} holds ${found.bytes} bytes hashing to ${found.sha256}`
      + `${expectedBytes === undefined ? '' : ` (expected ${expectedBytes} bytes hashing to ${sha256})`}`);
  }
}

/** What a read needs: the hash, and the size when the caller has it (a full ArtifactRef does), which is checked too. */
export type ArtifactKey = Pick<ArtifactRef, 'sha256'> & { bytes?: number };

/**
 * Content-addressed blob store shared by the workers. Blobs are named by the sha256 of their bytes;
 * every read recomputes that hash (and the size, when the reference has one), so a torn or corrupted blob
 * is reported (as an ArtifactCorruptError) and an absent one as an ArtifactMissingError, never used.
 */
export interface ArtifactStore {
  /** Stores the bytes (UTF-8 for strings) and returns their reference; storing the same bytes again is a no-op. */
  put(content: string | Buffer): Promise<ArtifactRef>;
  /** The bytes of a blob, verified against its hash (and size). */
  get(ref: ArtifactKey): Promise<Buffer>;
  /** The blob decoded as UTF-8, verified like `get`. */
  getText(ref: ArtifactKey): Promise<string>;
  /** Checks a blob without keeping it (streams it through the hash); throws what `get` would. */
  verify(ref: ArtifactKey): Promise<void>;
  /** Where the blobs live, for humans: a folder path or `s3://bucket/prefix`. Never holds credentials. */
  readonly location: string;
}

/** Throws an ArtifactError unless `sha256` is 64 lowercase hex digits (so it is safe in paths and keys). */
export function checkHash(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ArtifactError(`invalid artifact hash: ${sha256}`);
  return sha256;
}

export function sha256Of(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Hash and size of a stream of bytes, without keeping them. */
export async function sha256OfStream(chunks: AsyncIterable<Uint8Array | string>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(buf);
    bytes += buf.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Throws an ArtifactCorruptError unless what was read (`found`) is what `ref` names. */
export function checkFound(ref: ArtifactKey, where: string, found: { sha256: string; bytes: number }): void {
  if (found.sha256 !== ref.sha256 || (ref.bytes !== undefined && found.bytes !== ref.bytes)) {
    throw new ArtifactCorruptError(ref.sha256, where, found, ref.bytes);
  }
}

/** The bytes to store and the reference they will have. */
export function describeContent(content: string | Buffer): { buf: Buffer; ref: ArtifactRef } {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const preview = buf.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS);
  return { buf, ref: { sha256: sha256Of(buf), bytes: buf.length, preview } };
}

/**
 * Content-addressed blob store on the filesystem: `<root>/<ab>/<sha256>`.
 * Writes are atomic (a temp file `<sha256>.<random>.tmp` beside the blob, then renamed over it) and every
 * read recomputes the hash and size, so a torn or corrupted blob is reported instead of used. A writer
 * killed between the two leaves only the temp file (`crucible doctor` lists them; `--fix` removes them).
 */
export class FileArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  pathOf(sha256: string): string {
    checkHash(sha256);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(content: string | Buffer): Promise<ArtifactRef> {
    const { buf, ref } = describeContent(content);
    const file = this.pathOf(ref.sha256);
    const exists = await stat(file).then((s) => s.size === buf.length, () => false);
    if (!exists) {
      await writeFileAtomic(file, buf);
    }
    return ref;
  }

  async get(ref: ArtifactKey): Promise<Buffer> {
    const file = this.pathOf(ref.sha256);
    const buf = await readFile(file).catch((err: unknown) => { throw this.#readFailure(ref, file, err); });
    checkFound(ref, file, { sha256: sha256Of(buf), bytes: buf.length });
    return buf;
  }

  async getText(ref: ArtifactKey): Promise<string> {
    return (await this.get(ref)).toString('utf8');
  }

  async verify(ref: ArtifactKey): Promise<void> {
    const file = this.pathOf(ref.sha256);
    let found: { sha256: string; bytes: number };
    try {
      found = await sha256OfStream(createReadStream(file, { highWaterMark: 1 << 20 }));
    } catch (err) {
      throw this.#readFailure(ref, file, err);
    }
    checkFound(ref, file, found);
  }

  #readFailure(ref: ArtifactKey, file: string, err: unknown): ArtifactError {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return new ArtifactMissingError(ref.sha256, `file ${file}`, this.root);
    return new ArtifactError(`artifact ${ref.sha256} could not be read from ${file}: ${(err as Error).message}`);
  }
}

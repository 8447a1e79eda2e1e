import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  /** Stores a file's bytes streamed, never whole in memory (any size the disk holds); the reference `put` of them would give. */
  putFile(file: string): Promise<ArtifactRef>;
  /** Writes a blob into `file`, streamed and verified like `get`; the file is whole or absent. */
  getFile(ref: ArtifactKey, file: string): Promise<void>;
  /** Whether the store holds a blob of this hash and size, without reading it. */
  has(ref: { sha256: string; bytes: number }): Promise<boolean>;
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

function previewOf(head: Buffer): string {
  return head.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS);
}

/** The bytes to store and the reference they will have. */
export function describeContent(content: string | Buffer): { buf: Buffer; ref: ArtifactRef } {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { buf, ref: { sha256: sha256Of(buf), bytes: buf.length, preview: previewOf(buf) } };
}

/** The reference a file's bytes will have, read streamed. */
export async function describeFile(file: string): Promise<ArtifactRef> {
  const hash = createHash('sha256');
  let bytes = 0;
  const head: Buffer[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (bytes < PREVIEW_CHARS * 4) head.push(chunk.subarray(0, PREVIEW_CHARS * 4 - bytes));
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes, preview: previewOf(Buffer.concat(head)) };
}

/**
 * Writes a stream of bytes into `file` through a temporary file beside it, hashing them on the way, and
 * renames it into place only when they are what `ref` names (else an ArtifactCorruptError naming `where`):
 * the file is whole and right, or absent.
 */
export async function writeVerified(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, file: string, ref: ArtifactKey, where: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, hashing, createWriteStream(tmp));
    checkFound(ref, where, { sha256: hash.digest('hex'), bytes });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
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
    if (!(await this.has(ref))) await writeFileAtomic(this.pathOf(ref.sha256), buf);
    return ref;
  }

  async putFile(source: string): Promise<ArtifactRef> {
    const ref = await describeFile(source);
    // The copy is checked against the hash just taken: a file changed in between is refused, not stored under a wrong name.
    if (!(await this.has(ref))) await writeVerified(createReadStream(source, { highWaterMark: 1 << 20 }), this.pathOf(ref.sha256), ref, `file ${source} (changed while being stored)`);
    return ref;
  }

  async has(ref: { sha256: string; bytes: number }): Promise<boolean> {
    return stat(this.pathOf(ref.sha256)).then((s) => s.size === ref.bytes, () => false);
  }

  async getFile(ref: ArtifactKey, file: string): Promise<void> {
    const blob = this.pathOf(ref.sha256);
    const source = createReadStream(blob, { highWaterMark: 1 << 20 });
    // Open first, so that a missing blob is reported as missing rather than as a failed copy.
    await new Promise<void>((resolve, reject) => source.once('open', () => resolve()).once('error', reject))
      .catch((err: unknown) => { throw this.#readFailure(ref, blob, err); });
    await writeVerified(source, file, ref, blob);
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

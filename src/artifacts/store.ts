import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef } from '../search/types.js';
import { writeFileAtomic } from './writeFileAtomic.js';

const PREVIEW_CHARS = 200;

export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/**
 * Content-addressed blob store shared by the workers. Blobs are named by the sha256 of their bytes;
 * `get` verifies that hash, so a torn or corrupted blob is reported (as an ArtifactError) instead of used.
 */
export interface ArtifactStore {
  /** Stores the bytes (UTF-8 for strings) and returns their reference; storing the same bytes again is a no-op. */
  put(content: string | Buffer): Promise<ArtifactRef>;
  /** The bytes of a blob, verified against its hash. */
  get(ref: Pick<ArtifactRef, 'sha256'>): Promise<Buffer>;
  /** The blob decoded as UTF-8. */
  getText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string>;
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

/** The bytes to store and the reference they will have. */
export function describeContent(content: string | Buffer): { buf: Buffer; ref: ArtifactRef } {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const preview = buf.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS);
  return { buf, ref: { sha256: sha256Of(buf), bytes: buf.length, preview } };
}

/**
 * Content-addressed blob store on the filesystem: `<root>/<ab>/<sha256>`.
 * Writes are atomic (temp file + rename) and reads verify the hash, so a torn or corrupted blob is
 * reported instead of used.
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

  async get(ref: Pick<ArtifactRef, 'sha256'>): Promise<Buffer> {
    const file = this.pathOf(ref.sha256);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      throw new ArtifactError(`artifact ${ref.sha256} is missing from ${this.root}`);
    }
    const actual = sha256Of(buf);
    if (actual !== ref.sha256) throw new ArtifactError(`artifact ${ref.sha256} is corrupted (content hashes to ${actual})`);
    return buf;
  }

  async getText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    return (await this.get(ref)).toString('utf8');
  }
}

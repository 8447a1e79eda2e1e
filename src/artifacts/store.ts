import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef } from '../search/types.js';

const PREVIEW_CHARS = 200;

export class ArtifactError extends Error {
  override name = 'ArtifactError';
}

/**
 * Content-addressed blob store on the filesystem: `<root>/<ab>/<sha256>`.
 * Writes are atomic (temp file + rename) and reads verify the hash, so a torn or corrupted blob is
 * reported instead of used.
 */
export class ArtifactStore {
  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new ArtifactError(`invalid artifact hash: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(content: string | Buffer): Promise<ArtifactRef> {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha256 = createHash('sha256').update(buf).digest('hex');
    const file = this.pathOf(sha256);
    const exists = await stat(file).then((s) => s.size === buf.length, () => false);
    if (!exists) {
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, buf);
      await rename(tmp, file);
    }
    return { sha256, bytes: buf.length, preview: buf.subarray(0, PREVIEW_CHARS * 4).toString('utf8').slice(0, PREVIEW_CHARS) };
  }

  async get(ref: Pick<ArtifactRef, 'sha256'>): Promise<Buffer> {
    const file = this.pathOf(ref.sha256);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      throw new ArtifactError(`artifact ${ref.sha256} is missing from ${this.root}`);
    }
    const actual = createHash('sha256').update(buf).digest('hex');
    if (actual !== ref.sha256) throw new ArtifactError(`artifact ${ref.sha256} is corrupted (content hashes to ${actual})`);
    return buf;
  }

  async getText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    return (await this.get(ref)).toString('utf8');
  }
}

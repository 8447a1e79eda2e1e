/**
 * What the control side knows of the files it published before: (absolute path, size, modification
 * time) → sha256, one small JSON file per public folder (or a task's private files) under the state folder. Re-publishing an
 * unchanged folder then stats its files instead of reading them; a file whose size or mtime changed is
 * hashed again. Two publishes of one folder at once write the same entries, so the last write is fine.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../artifacts/writeFileAtomic.js';
import type { DataFile } from './dataFolder.js';

type Entry = [file: string, bytes: number, mtimeNs: string, sha256: string];

export class PublishIndex {
  readonly #known = new Map<string, string>();
  readonly #seen: Entry[] = [];

  private constructor(readonly file: string) {}

  /** The index named `name` (a public folder's absolute path) kept in `indexDir`; empty when there is none yet or it cannot be read. */
  static async open(indexDir: string, name: string): Promise<PublishIndex> {
    const file = createHash('sha256').update(name).digest('hex').slice(0, 32);
    const index = new PublishIndex(path.join(indexDir, `${file}.json`));
    const entries = await readFile(index.file, 'utf8').then((t) => JSON.parse(t) as Entry[], () => []);
    for (const [file, bytes, mtimeNs, sha256] of Array.isArray(entries) ? entries : []) index.#known.set(key(file, bytes, mtimeNs), sha256);
    return index;
  }

  /** The sha256 a file had when it was last published with this size and mtime, if it was. */
  lookup(file: string, f: DataFile): string | undefined {
    return this.#known.get(key(file, f.bytes, f.mtimeNs));
  }

  /** Notes a file of this publish; `save` keeps exactly the files noted, so removed ones drop out. */
  note(file: string, f: DataFile, sha256: string): void {
    this.#seen.push([file, f.bytes, f.mtimeNs, sha256]);
  }

  async save(): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(this.#seen));
  }
}

function key(file: string, bytes: number, mtimeNs: string): string {
  return `${file}\0${bytes}\0${mtimeNs}`;
}

/** A public data folder as stat sees it: its files, and a fingerprint that changes when any of them does. */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from '../core/mapLimit.js';

export interface DataFile {
  /** Relative path with '/' separators. */
  rel: string;
  bytes: number;
  /** Modification time in nanoseconds, as a decimal string (exact, unlike a float of milliseconds). */
  mtimeNs: string;
  mode: number;
}

export interface DataFolder {
  /** Regular files (links and other kinds are left out, as the task checks refuse them), sorted by path. */
  files: DataFile[];
  /** Sub-folders with their modes, the folder itself first (rel ''). */
  dirs: { rel: string; mode: number }[];
}

/** Stats run this many at a time: a network file system answers each slowly, but many at once. */
const STAT_CONCURRENCY = 32;

/** Every file and folder under `dir`, from stat alone (no file is read). */
export async function walkDataFolder(dir: string): Promise<DataFolder> {
  const files: DataFile[] = [];
  const dirs: DataFolder['dirs'] = [{ rel: '', mode: (await stat(dir)).mode }];
  const visit = async (prefix: string): Promise<void> => {
    const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
    const sub: string[] = [];
    await mapLimit(entries, STAT_CONCURRENCY, async (entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (!entry.isFile() && !entry.isDirectory()) return;
      const st = await stat(path.join(dir, rel), { bigint: true });
      if (entry.isDirectory()) {
        dirs.push({ rel, mode: Number(st.mode) });
        sub.push(rel);
      } else {
        files.push({ rel, bytes: Number(st.size), mtimeNs: st.mtimeNs.toString(), mode: Number(st.mode) });
      }
    });
    for (const rel of sub) await visit(rel);
  };
  await visit('');
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, dirs };
}

/** Identity of the folder's contents as stat sees them: relative paths, sizes and modification times. */
export function fingerprintOf(files: readonly DataFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.rel}\0${f.bytes}\0${f.mtimeNs}\n`);
  return hash.digest('hex');
}

/**
 * What a public data folder holds, from names and sizes alone (no file is opened): its top-level
 * files and folders, each with a format, and for a folder what its files are. It decides what the
 * offline operators can work on and gives people and prompts an honest one-line picture.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export type Format = 'table' | 'json' | 'image' | 'audio' | 'archive' | 'array' | 'text' | 'other';

const EXTENSIONS: Readonly<Record<Exclude<Format, 'other'>, readonly string[]>> = {
  table: ['.csv', '.csv.zip', '.tsv', '.parquet', '.feather'],
  json: ['.json', '.jsonl', '.json.zip'],
  image: ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.bmp', '.gif', '.webp', '.dcm', '.dicom'],
  audio: ['.wav', '.aif', '.aiff', '.mp3', '.flac', '.ogg'],
  archive: ['.zip', '.7z', '.tar', '.gz', '.tgz', '.bz2', '.xz', '.tfrec', '.tfrecord', '.tfrecords', '.bson'],
  array: ['.npy', '.npz', '.h5', '.hdf5', '.pkl', '.pt', '.nii', '.mat'],
  text: ['.txt', '.md', '.xyz', '.tsv.txt'],
};

/** A file's format from its name; the longest matching extension wins (`.csv.zip` is a table). */
export function formatOf(name: string): Format {
  const lower = name.toLowerCase();
  let best: { format: Format; length: number } = { format: 'other', length: 0 };
  for (const [format, exts] of Object.entries(EXTENSIONS) as [Format, readonly string[]][]) {
    for (const ext of exts) if (lower.endsWith(ext) && ext.length > best.length) best = { format, length: ext.length };
  }
  return best.format;
}

export interface PublicEntry {
  name: string;
  /** For a folder: the format most of its files have ('other' when empty). */
  format: Format;
  folder: boolean;
  /** Files (1 for a file; every file below a folder). */
  files: number;
  bytes: number;
}

function walk(dir: string): { files: number; bytes: number; formats: Map<Format, number> } {
  const out = { files: 0, bytes: 0, formats: new Map<Format, number>() };
  const stack = [dir];
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (const e of readdirSync(at, { withFileTypes: true })) {
      const p = path.join(at, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        out.files += 1;
        out.bytes += statSync(p).size;
        const f = formatOf(e.name);
        out.formats.set(f, (out.formats.get(f) ?? 0) + 1);
      }
    }
  }
  return out;
}

/** The top-level entries of `publicDir`, sorted by name; description.md, which every task has, is left out. */
export function publicEntries(publicDir: string): PublicEntry[] {
  return readdirSync(publicDir, { withFileTypes: true })
    .filter((e) => e.name !== 'description.md' && (e.isFile() || e.isDirectory()))
    .map((e): PublicEntry => {
      const p = path.join(publicDir, e.name);
      if (e.isFile()) return { name: e.name, format: formatOf(e.name), folder: false, files: 1, bytes: statSync(p).size };
      const w = walk(p);
      const top = [...w.formats].sort((a, b) => b[1] - a[1])[0];
      return { name: e.name, format: top?.[0] ?? 'other', folder: true, files: w.files, bytes: w.bytes };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** One entry in words: "train/ (1,204 image files, 38 MiB)", "train.csv (table, 2.1 MiB)". */
export function describeEntry(e: PublicEntry): string {
  if (!e.folder) return `${e.name} (${e.format}, ${formatBytes(e.bytes)})`;
  return `${e.name}/ (${e.files.toLocaleString('en-US')} ${e.format === 'other' ? '' : `${e.format} `}file${e.files === 1 ? '' : 's'}, ${formatBytes(e.bytes)})`;
}

/** The whole folder in one line: every entry in words, with its total size. */
export function describePublic(entries: readonly PublicEntry[]): string {
  const total = entries.reduce((s, e) => s + e.bytes, 0);
  return `${entries.map(describeEntry).join('; ')} — ${formatBytes(total)} in all`;
}

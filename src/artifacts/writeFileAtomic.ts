import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file whole or not at all: into a uniquely named temporary file beside it, then renamed over
 * it (atomic on one filesystem), so a crash or a concurrent writer never leaves a torn file.
 */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * The AutoML libraries' Python environments, made on first use like scripts/setup.sh's steps: stamped
 * with a hash of the requirements file, remade when it changes. They are the bench's only: setup,
 * `npm test` and CI never build them.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** setup.sh's stamp: the first 16 hex digits of the file's SHA-256. */
export function requirementsStamp(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The venv's python, made or remade from `requirements` when its stamp differs. */
export async function ensureVenv(dir: string, requirements: string, log: (line: string) => void): Promise<string> {
  const python = path.join(dir, 'bin', 'python');
  const stamp = requirementsStamp(await readFile(requirements, 'utf8'));
  const stampFile = path.join(dir, '.crucible-stamp');
  const current = existsSync(stampFile) ? (await readFile(stampFile, 'utf8')).trim() : null;
  if (current === stamp && existsSync(python)) return python;
  log(`creating ${dir} from ${path.basename(requirements)} (a few minutes, once)`);
  const started = Date.now();
  await rm(dir, { recursive: true, force: true });
  const pip = (...args: string[]) => run(python, ['-m', 'pip', '--disable-pip-version-check', ...args], { maxBuffer: 64 << 20 });
  try {
    await run('python3', ['-m', 'venv', dir]);
    // Every dependency is pinned in the file; --no-deps keeps out what a pin replaced (see the file's header).
    await pip('install', '--quiet', '--no-deps', '-r', requirements);
    await pip('check');
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${requirements}: could not build ${dir}: ${(e.stderr || e.stdout || e.message).trim().slice(-2000)}`);
  }
  await writeFile(stampFile, `${stamp}\n`);
  log(`built ${dir} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return python;
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The real bin/crucible-worker, as an operator starts it. */
const BIN = path.resolve(import.meta.dirname, '../../../bin/crucible-worker');

function worker(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BIN, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('crucible-worker command line', () => {
  it('--help prints the usage and exits 0, connecting to nothing', async () => {
    const { code, stdout } = await worker('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: crucible-worker \[--role control\|exec\|all\]/);
    expect(stdout).toContain('--concurrency');
  });

  it('an unknown option or a bad value is a usage error: the cause, the usage, exit 2', async () => {
    const unknown = await worker('--rolee', 'exec');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--rolee'");
    expect(unknown.stderr).toContain('usage: crucible-worker');
    const bad = await worker('--concurrency', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--concurrency must be a positive integer (got "0")');
  });
});

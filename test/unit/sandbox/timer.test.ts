import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import { setLongTimeout } from '../../../src/sandbox/timer.js';

const DAY = 86_400_000;
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-timer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

describe('setLongTimeout', () => {
  it('waits the whole delay past the 24.8 days a Node timer can hold (setTimeout would fire after 1 ms)', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    setLongTimeout(fired, 30 * DAY);
    vi.advanceTimersByTime(25 * DAY);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5 * DAY - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('fires short delays on time and can be cleared, also between steps', () => {
    vi.useFakeTimers();
    const short = vi.fn();
    setLongTimeout(short, 50);
    vi.advanceTimersByTime(50);
    expect(short).toHaveBeenCalledTimes(1);
    const cleared = vi.fn();
    const t = setLongTimeout(cleared, 60 * DAY);
    vi.advanceTimersByTime(40 * DAY);
    t.clear();
    vi.advanceTimersByTime(40 * DAY);
    expect(cleared).not.toHaveBeenCalled();
  });

  it('a sandbox timeout of 30 days does not kill the solution at once', async () => {
    const python = existsSync(pythonPath()) ? pythonPath() : 'python3';
    const executor = new ProcessExecutor({ python, isolation: 'none', logger: { warn: () => undefined } });
    const r = await executor.execute({
      code: 'import time\ntime.sleep(0.2)\nprint("done")\n', dataDir: path.join(root, 'data'), workDir: path.join(root, 'work'),
      timeoutMs: 30 * DAY, maxOutputBytes: 4096,
    });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.stdout.text).toBe('done\n');
  });
});

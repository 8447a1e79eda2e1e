import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecIsolation } from '../../../src/core/node.js';
import { Executor } from '../../../src/sandbox/executor.js';
import type { ExecSpec, SolutionResult } from '../../../src/sandbox/types.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-executor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const outside = path.join(root, 'host-secret.csv');
writeFileSync(outside, 'secret\n');

/** A sandbox that only does what a solution might: leaves links and a FIFO in its workspace. It knows nothing of sealing. */
class LeavesLinks extends Executor {
  readonly name = 'leaves-links';
  async isolation(): Promise<{ mode: ExecIsolation }> {
    return { mode: 'none' };
  }
  protected async runSolution(spec: ExecSpec): Promise<SolutionResult> {
    mkdirSync(spec.workDir, { recursive: true });
    writeFileSync(path.join(spec.workDir, 'own.csv'), 'id,target\n');
    symlinkSync('own.csv', path.join(spec.workDir, 'inner.csv'));
    symlinkSync(outside, path.join(spec.workDir, 'submission.csv'));
    execFileSync('mkfifo', [path.join(spec.workDir, 'metrics.json')]);
    const empty = { text: '', droppedBytes: 0 };
    return { exitCode: 0, signal: null, timedOut: false, oomKilled: false, cancelled: false, durationMs: 1, stdout: empty, stderr: { text: 'solution says hi', droppedBytes: 0 } };
  }
}

describe('Executor', () => {
  it('seals the workspace of any sandbox after its run, whatever the sandbox does itself', async () => {
    const workDir = path.join(root, 'work');
    const r = await new LeavesLinks().execute({ code: '', dataDir: root, workDir, timeoutMs: 1000, maxOutputBytes: 1024 });
    expect(existsSync(path.join(workDir, 'own.csv'))).toBe(true);
    expect(lstatSync(path.join(workDir, 'inner.csv')).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(workDir, 'metrics.json'))).toBe(false);
    expect(() => lstatSync(path.join(workDir, 'submission.csv'))).toThrow(/ENOENT/);
    // The solution's stderr first, then one note per entry removed (in directory order).
    const [own, ...notes] = r.stderr.text.split('\n');
    expect(own).toBe('solution says hi');
    expect(notes.sort()).toEqual([
      '',
      'crucible sandbox: removed metrics.json from the workspace: a FIFO; write outputs as regular files in the working directory',
      `crucible sandbox: removed submission.csv from the workspace: a symbolic link to ${outside}, outside the workspace; write outputs as regular files in the working directory`,
    ]);
  });

  it('stamps the isolation its sandbox reports on the result', async () => {
    class InContainer extends LeavesLinks {
      override async isolation(): Promise<{ mode: ExecIsolation }> {
        return { mode: 'docker' };
      }
    }
    const spec = { code: '', dataDir: root, timeoutMs: 1000, maxOutputBytes: 1024 };
    expect((await new InContainer().execute({ ...spec, workDir: path.join(root, 'in-container') })).isolation).toBe('docker');
    expect((await new LeavesLinks().execute({ ...spec, workDir: path.join(root, 'plain') })).isolation).toBe('none');
  });

  it('is nominal: an object of the same shape is not an Executor, so nothing can reach the activities unsealed', () => {
    // @ts-expect-error -- runSolution is protected: only a subclass of Executor is an Executor.
    const fake: Executor = { name: 'fake', execute: async () => { throw new Error('never called'); } };
    expect(fake.name).toBe('fake');
  });
});

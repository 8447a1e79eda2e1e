import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeExecute } from '../../../src/activities/execute.js';
import type { ExecuteInput, ExecuteOutput } from '../../../src/activities/types.js';
import { inFreshWorkspace } from '../../../src/activities/workspace.js';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { builtTasksDir, pythonPath } from '../../../src/config/paths.js';
import { IMAGES_FOLDER, parseQuotaBytes, sweepWorkspaceMounts, workdirQuotaFromEnv, type WorkdirQuota } from '../../../src/sandbox/diskQuota.js';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, RUN_LABEL, WORKER_LABEL, dockerAvailable } from '../../../src/sandbox/docker.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import { Executor } from '../../../src/sandbox/executor.js';
import type { ExecResult, ExecSpec } from '../../../src/sandbox/types.js';
import { loadTask } from '../../../src/tasks/load.js';
import { publishTaskData } from '../../../src/tasks/dataRef.js';

// Real loop mounts, real containers, real bubblewrap: these tests need root, mkfs.ext4, loop devices,
// the Docker engine and the sandbox image (scripts/docker-engine.sh, scripts/sandbox-image.sh).
const MiB = 1024 ** 2;
const QUOTA = 32 * MiB;
const docker = new Docker();
const worker = `test-${process.pid}-${randomUUID().slice(0, 8)}`;
const python = existsSync(pythonPath()) ? pythonPath() : 'python3';
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-disk-quota-'));
const workspaces = path.join(root, 'workspaces');
const store = new FileArtifactStore(path.join(root, 'artifacts'));
const logged: string[] = [];
const log = (message: string) => logged.push(message);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const executors: Record<string, Executor> = {
  docker: new DockerExecutor({ docker, labels: { [WORKER_LABEL]: worker } }),
  process: new ProcessExecutor({ python, isolation: 'bwrap', logger: { warn: log, info: log } }),
};

/** Writes 100 MiB to the workspace, far over the 32 MiB quota. */
const FILL = `
import time
t0 = time.time()
with open("big.bin", "wb") as f:
    for i in range(100):
        f.write(b"x" * (1 << 20))
        f.flush()
print("wrote 100 MiB in", time.time() - t0)
`;

/** A well-behaved solution: the sample submission as its predictions, and a metric. */
const NORMAL = `
import json, os, shutil
shutil.copy(os.path.join(os.environ["CRUCIBLE_DATA_DIR"], "sample_submission.csv"), "submission.csv")
json.dump({"metric": "auc", "score": 0.5}, open("metrics.json", "w"))
`;

/** Loop mounts whose mount point is under this file's folder. */
function ourMounts(): string[] {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((t) => t.startsWith(`${root}/`));
}

function images(): string[] {
  return existsSync(path.join(workspaces, IMAGES_FOLDER)) ? readdirSync(path.join(workspaces, IMAGES_FOLDER)) : [];
}

function hostFree(): number {
  const s = statfsSync(root);
  return s.bavail * s.bsize;
}

let task: Awaited<ReturnType<typeof loadTask>>;
let dataRef: ExecuteInput['dataRef'];
let nodeId = 0;

async function runExecute(executor: Executor, code: string, quota: WorkdirQuota): Promise<ExecuteOutput> {
  const execute = makeExecute({ store, executor, workspaces, dataCache: path.join(root, 'cache'), workdirBytes: quota });
  const input: ExecuteInput = { runId: 'run-1', nodeId: nodeId++, task, dataRef, codeRef: await store.put(code), timeoutMs: 60_000 };
  return new MockActivityEnvironment().run(execute, input);
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('disk quota tests need root (loop mounts)');
  if (!(await dockerAvailable(docker))) throw new Error('No Docker engine answers on this machine: run scripts/docker-engine.sh.');
  await docker.getImage(DEFAULT_SANDBOX_IMAGE).inspect().catch(() => {
    throw new Error(`The sandbox image ${DEFAULT_SANDBOX_IMAGE} is missing: run scripts/sandbox-image.sh.`);
  });
  task = await loadTask(path.join(builtTasksDir(), 'breast-cancer'));
  dataRef = await publishTaskData(store, task.publicDir, { shared: [], indexDir: path.join(root, 'publish-index') });
});

afterEach(async () => {
  // Whatever happened, no mount and no image outlive the call.
  expect(ourMounts()).toEqual([]);
  expect(images()).toEqual([]);
  expect(await docker.listContainers({ all: true, filters: { label: [RUN_LABEL, `${WORKER_LABEL}=${worker}`] } })).toEqual([]);
});

describe.each(['docker', 'process'])('a %s solution with a 32 MiB workspace quota', (kind) => {
  const executor = executors[kind] as Executor;

  it('that writes 100 MiB fails quickly with ENOSPC, reported as a disk quota, without taking the host disk', async () => {
    // Watches the execution from outside (the mount is real): what the workspace held when the sandbox exited.
    let seen: { result: ExecResult; freeDrop: number; imageBytes: number; fileBytes: number } | undefined;
    const before = hostFree();
    class Watching extends Executor {
      readonly name = executor.name;
      isolation() {
        return executor.isolation();
      }
      protected async runSolution(spec: ExecSpec, signal?: AbortSignal) {
        const result = await executor.execute(spec, signal);
        const image = path.join(workspaces, IMAGES_FOLDER, images()[0] ?? 'missing');
        seen = {
          result, freeDrop: before - hostFree(), imageBytes: statSync(image).blocks * 512,
          fileBytes: statSync(path.join(spec.workDir, 'big.bin')).size,
        };
        return result;
      }
    }
    const out = await runExecute(new Watching(), FILL, QUOTA);
    expect(out).toMatchObject({ exitCode: 1, timedOut: false, oomKilled: false, buggy: true, score: null });
    expect(out.bugReason).toMatch(/^disk quota exceeded: the workspace is limited to 32 MiB and the solution filled it/);
    expect(out.bugReason).toContain('No space left on device');
    expect(out.durationMs).toBeLessThan(15_000);
    expect(seen!.result.stderr.text).toContain('[Errno 28] No space left on device');
    // The solution got at most its quota, and that is all the host paid (other writers on this host get slack).
    expect(seen!.fileBytes).toBeLessThanOrEqual(QUOTA);
    expect(seen!.fileBytes).toBeGreaterThan(QUOTA / 2);
    expect(seen!.imageBytes).toBeLessThanOrEqual(QUOTA);
    expect(seen!.freeDrop).toBeLessThan(QUOTA + 32 * MiB);
  });

  it('that behaves has its submission.csv and metrics read back from the quota filesystem', async () => {
    const out = await runExecute(executor, NORMAL, QUOTA);
    expect(out).toMatchObject({ exitCode: 0, buggy: false, bugReason: null, score: 0.5 });
    expect(out.submissionRef).not.toBeNull();
    expect(await store.getText(out.submissionRef!)).toBe(readFileSync(task.files.sampleSubmission, 'utf8'));
  });

  it('sees a workspace of its own filesystem: the quota size, writable by uid 65534, no lost+found', async () => {
    const code = `
import json, os
s = os.statvfs(".")
print(json.dumps({"uid": os.getuid(), "size": s.f_blocks * s.f_frsize, "entries": sorted(os.listdir("."))}))
`;
    await new MockActivityEnvironment().run(() => inFreshWorkspace(workspaces, 'run-1', `probe-${kind}`, QUOTA, async (workDir, ws) => {
      expect(ws.quotaBytes).toBe(QUOTA);
      const r = await executor.execute({ code, dataDir: path.join(root, 'data'), workDir, timeoutMs: 30_000, maxOutputBytes: 64 * 1024, labels: { [RUN_LABEL]: 'run-1' } });
      expect(r.exitCode, r.stderr.text).toBe(0);
      const seen = JSON.parse(r.stdout.text) as { uid: number; size: number; entries: string[] };
      expect(seen.uid).toBe(65534);
      expect(seen.entries).toEqual(['solution.py']);
      expect(seen.size).toBeGreaterThan(QUOTA * 0.8);
      expect(seen.size).toBeLessThanOrEqual(QUOTA);
      expect(await ws.isFull()).toBe(false);
    }));
  });
});

describe('without loop mount support', () => {
  it('warns once that workspaces have no quota, and executions still work', async () => {
    const warnings: string[] = [];
    const quota: WorkdirQuota = { bytes: QUOTA, probe: async () => { throw new Error('forced by the test'); }, log: (m) => warnings.push(m) };
    const first = await runExecute(executors.process as Executor, NORMAL, quota);
    const second = await runExecute(executors.process as Executor, NORMAL, quota);
    expect(first).toMatchObject({ exitCode: 0, buggy: false, score: 0.5 });
    expect(second).toMatchObject({ exitCode: 0, buggy: false, score: 0.5 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/NO disk quota .*32 MiB.*forced by the test/);
  });
});

describe('sweepWorkspaceMounts', () => {
  it('unmounts and deletes what a SIGKILLed worker left, and keeps live mounts', async () => {
    const dead = path.join(workspaces, 'run-dead', 'node-1-attempt-1');
    const live = path.join(workspaces, 'run-live', 'node-1-attempt-1');
    // A worker process that mounts a workspace and is killed mid-execution.
    const script = path.join(root, 'worker.mts');
    const module = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/sandbox/diskQuota.ts');
    writeFileSync(script, `
import { mkdirSync } from 'node:fs';
import { mountQuota } from ${JSON.stringify(module)};
mkdirSync(${JSON.stringify(dead)}, { recursive: true });
const m = await mountQuota(${JSON.stringify(workspaces)}, ${JSON.stringify(dead)}, ${QUOTA});
console.log(m ? 'mounted' : 'not mounted');
setInterval(() => undefined, 1000);
`);
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim())));
    expect(said).toBe('mounted');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(ourMounts()).toEqual([dead]);
    expect(images()).toHaveLength(1);

    await new MockActivityEnvironment().run(() => inFreshWorkspace(workspaces, 'run-live', 'node-1', QUOTA, async (dir) => {
      expect(dir).toBe(live);
      expect(ourMounts().sort()).toEqual([dead, live].sort());
      const swept = await sweepWorkspaceMounts(workspaces, log);
      expect(swept).toEqual({ mounts: 1, images: 1 });
      expect(ourMounts()).toEqual([live]);
      expect(images()).toHaveLength(1);
      expect(existsSync(dead)).toBe(false);
    }));
    // Nothing stale left: a second sweep finds nothing.
    expect(await sweepWorkspaceMounts(workspaces, log)).toEqual({ mounts: 0, images: 0 });
  });

  it('deletes the image and workspace folder of a worker that died with its mount namespace (a host killed whole)', async () => {
    // What a killed cluster host leaves on its disk: no mount (its namespace is gone), an image named by a
    // dead owner and the hash of the workspace's path, and that workspace folder.
    const dir = path.join(workspaces, 'run-host', 'node-3-attempt-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'partial.csv'), 'x');
    const hash = createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 16);
    const image = path.join(workspaces, IMAGES_FOLDER, `${os.hostname()}:999999999:1~${hash}.img`);
    writeFileSync(image, '');
    const other = path.join(workspaces, 'run-host', 'node-4-attempt-1');
    mkdirSync(other, { recursive: true });
    expect(await sweepWorkspaceMounts(workspaces, log)).toEqual({ mounts: 0, images: 1 });
    expect(existsSync(image)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    // A folder no dead owner's image names is not touched.
    expect(existsSync(other)).toBe(true);
  });
});

describe('the workspace quota setting', () => {
  it('reads CRUCIBLE_WORKDIR_QUOTA: sizes, none, default 2 GiB, errors that say what is accepted', () => {
    expect(workdirQuotaFromEnv({})).toBe(2 * 1024 * MiB);
    expect(workdirQuotaFromEnv({ CRUCIBLE_WORKDIR_QUOTA: '512MiB' })).toBe(512 * MiB);
    expect(workdirQuotaFromEnv({ CRUCIBLE_WORKDIR_QUOTA: '0' })).toBeNull();
    expect(parseQuotaBytes('none')).toBeNull();
    expect(parseQuotaBytes('1.5G')).toBe(1536 * MiB);
    expect(parseQuotaBytes(String(64 * MiB))).toBe(64 * MiB);
    expect(() => workdirQuotaFromEnv({ CRUCIBLE_WORKDIR_QUOTA: 'lots' })).toThrow(/CRUCIBLE_WORKDIR_QUOTA: .*2GiB/);
    expect(() => parseQuotaBytes('1k')).toThrow(/at least 4 MiB/);
  });
});

/**
 * Isolation drills: sandboxed code cannot reach the Docker engine, the host's files outside its mounts,
 * the worker's secrets, or another run's workspace; and what it leaves in its workspace cannot make the
 * worker read a host file. Every probe is real Python run by a real executor through the real execute
 * activity (a fresh workspace per run and node under the worker's state folder, the task's data
 * materialised from the artifact store and mounted read-only), so the mounts are the production ones.
 *
 * Docker and bubblewrap are required, as in docker.test.ts and bwrap.test.ts: without them this file
 * fails (it does not skip) and says what to install. The plain process sandbox (isolation 'none')
 * promises only a scrubbed environment and the workspace as its working directory (it runs as the
 * worker's user, on the worker's filesystem, with a loud warning), and is tested for exactly that.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeExecute } from '../../../src/activities/execute.js';
import type { ExecuteInput, ExecuteOutput } from '../../../src/activities/types.js';
import { FileArtifactStore } from '../../../src/artifacts/store.js';
import { projectRoot, pythonPath } from '../../../src/config/paths.js';
import type { ArtifactRef } from '../../../src/core/artifact.js';
import { findExecutable, pythonLayout, type PythonLayout } from '../../../src/sandbox/bwrap.js';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, NODE_LABEL, RUN_LABEL, WORKER_LABEL, dockerAvailable } from '../../../src/sandbox/docker.js';
import { ProcessExecutor } from '../../../src/sandbox/process.js';
import type { Executor } from '../../../src/sandbox/executor.js';
import { loadTableTask } from '../../../src/tasks/load.js';
import { publishTaskData } from '../../../src/tasks/dataRef.js';
import type { TableTask } from '../../../src/tasks/types.js';
import { writeTask } from '../tasks/fixtures.js';

// The worker's state folder (artifacts, workspaces, task data cache), as a worker would have it.
const stateRoot = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'crucible-isolation-')));
// A host folder outside every mount, holding a secret CSV and a metrics.json that would score 0.99.
const hostSecretDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'crucible-host-secret-')));
const TOKEN = `host-secret-${randomUUID()}`;
const secretCsv = path.join(hostSecretDir, 'secret.csv');
const secretJson = path.join(hostSecretDir, 'metrics.json');
writeFileSync(secretCsv, `id,target\n${TOKEN},1\n`);
writeFileSync(secretJson, JSON.stringify({ score: 0.99, token: TOKEN }));
afterAll(() => {
  rmSync(stateRoot, { recursive: true, force: true });
  rmSync(hostSecretDir, { recursive: true, force: true });
});

const store = new FileArtifactStore(path.join(stateRoot, 'artifacts'));
const workspaces = path.join(stateRoot, 'workspaces');
const dataCache = path.join(stateRoot, 'cache', 'task-data');
let task: TableTask;
let dataRef: ArtifactRef;
/** Where the execute activity materialises the task's public data: the only folder mounted at /data. */
let dataDir: string;

// Every container create goes through here, so the test can read exactly what the engine was asked for.
const engine = new Docker();
const created: Docker.ContainerCreateOptions[] = [];
const createContainer = engine.createContainer.bind(engine) as (o: Docker.ContainerCreateOptions) => Promise<Docker.Container>;
(engine as unknown as { createContainer: typeof createContainer }).createContainer = (o) => {
  created.push(structuredClone(o));
  return createContainer(o);
};
const worker = `isolation-${process.pid}-${randomUUID().slice(0, 8)}`;
const quiet = { warn: () => undefined, info: () => undefined };
const python = pythonPath();

const executors = {
  docker: new DockerExecutor({ docker: engine, labels: { [WORKER_LABEL]: worker } }),
  bwrap: new ProcessExecutor({ python, logger: quiet, isolation: 'bwrap' }),
  none: new ProcessExecutor({ python: existsSync(python) ? python : 'python3', logger: quiet, isolation: 'none' }),
};
type Kind = keyof typeof executors;
/** Host folders the bubblewrap sandbox binds read-only so that the interpreter starts (venv, base prefix). */
let layout: PythonLayout;

beforeAll(async () => {
  if (!(await dockerAvailable(engine))) {
    throw new Error('No Docker engine answers on this machine: run scripts/docker-engine.sh (then scripts/sandbox-image.sh).');
  }
  try {
    await engine.getImage(DEFAULT_SANDBOX_IMAGE).inspect();
  } catch {
    throw new Error(`The sandbox image ${DEFAULT_SANDBOX_IMAGE} is missing: run scripts/sandbox-image.sh.`);
  }
  if (!findExecutable('bwrap')) {
    throw new Error('bubblewrap (bwrap) is not installed: run scripts/setup.sh as root (it installs it), or apt-get install bubblewrap');
  }
  if (!existsSync(python)) throw new Error(`no project venv at ${python}: run scripts/setup.sh`);
  layout = await pythonLayout(python);
  task = await loadTableTask(writeTask(path.join(stateRoot, 'tasks', 'tiny')));
  dataRef = await publishTaskData(store, task.publicDir, { shared: [], indexDir: path.join(stateRoot, 'publish-index') });
  dataDir = path.join(dataCache, dataRef.sha256);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  // The executor removes its containers whatever happened.
  expect(await engine.listContainers({ all: true, filters: { label: [`${WORKER_LABEL}=${worker}`] } })).toEqual([]);
});

interface Ran {
  out: ExecuteOutput;
  stdout: string;
  stderr: string;
  /** The host folder that was this execution's workspace (removed by now). */
  workDir: string;
}

/** One node of one run through the real execute activity. */
async function runNode(kind: Kind, runId: string, nodeId: number, code: string, timeoutMs = 60_000): Promise<Ran> {
  // The task's answers are on this host: isolation none runs it only when named explicitly (exec-isolation.test.ts).
  const execute = makeExecute({ store, executor: executors[kind] as Executor, workspaces, dataCache, allowUnisolated: kind === 'none' });
  const input: ExecuteInput = { runId, nodeId, task, dataRef, codeRef: await store.put(code), timeoutMs };
  const out = (await new MockActivityEnvironment().run(execute, input)) as ExecuteOutput;
  return {
    out,
    stdout: await store.getText(out.stdoutRef),
    stderr: await store.getText(out.stderrRef),
    workDir: path.join(workspaces, runId, `node-${nodeId}-attempt-1`),
  };
}

/** The probe's findings: the last line of its stdout, as JSON. */
function report<T = Record<string, unknown>>(r: Ran): T {
  expect(r.out.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as T;
}

/** The engine's orders for one node's container. */
function containerOf(runId: string, nodeId: number): Docker.ContainerCreateOptions {
  const found = created.filter((o) => o.Labels?.[RUN_LABEL] === runId && o.Labels?.[NODE_LABEL] === String(nodeId));
  expect(found).toHaveLength(1);
  return found[0]!;
}

const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** Folders the sandbox does not search: kernel views, and in bubblewrap the host's own /usr and interpreter (bound read-only by design). */
function walkSkips(kind: Kind): string[] {
  return kind === 'bwrap' ? ['/proc', '/sys', '/usr', ...layout.dirs] : ['/proc', '/sys'];
}

/** Python helpers every probe starts with. */
const PRELUDE = String.raw`
import errno, json, os, socket, stat, sys
def err(e):
    return errno.errorcode.get(e.errno, type(e).__name__) if isinstance(e, OSError) and e.errno else type(e).__name__
def try_write(p):
    try:
        with open(p, "w") as f:
            f.write("written from the sandbox")
        return "written"
    except OSError as e:
        return err(e)
def try_read(p):
    try:
        with open(p, "rb") as f:
            return "read: " + f.read(200).decode("utf8", "replace")
    except OSError as e:
        return err(e)
def walk(skip, names=()):
    """Every socket on the visible filesystem, and every file or folder whose name holds one of names."""
    sockets, found = [], []
    for d, dirs, files in os.walk("/"):
        if any(d == s or d.startswith(s + "/") for s in skip):
            dirs[:] = []
            continue
        for n in dirs + files:
            p = os.path.join(d, n)
            if any(m in n for m in names):
                found.append(p)
            try:
                if stat.S_ISSOCK(os.lstat(p).st_mode):
                    sockets.append(p)
            except OSError:
                pass
    return sockets, found
def mounts():
    out = []
    for line in open("/proc/self/mountinfo"):
        f = line.split()
        out.append({"root": f[3].replace("\\040", " "), "at": f[4].replace("\\040", " "), "opts": f[5]})
    return out
def processes():
    out = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                out[p] = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ").decode().strip()
            except OSError as e:
                out[p] = err(e)
    return out
`;

const py = (value: unknown) => JSON.stringify(value);

function gateway(): string {
  const out = spawnSync('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { encoding: 'utf8' }).stdout ?? '';
  return /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(out)?.[1] ?? '172.17.0.1';
}

describe.each(['docker', 'bwrap'] as const)('%s sandbox', (kind) => {
  it('cannot reach the Docker engine: no socket on its filesystem, no DOCKER_HOST, the API ports are unreachable', async () => {
    const gw = gateway();
    console.log(`[isolation] host docker socket present: ${existsSync('/var/run/docker.sock')}; bridge gateway ${gw}`);
    const runId = `sock-${kind}`;
    const r = await runNode(kind, runId, 1, `${PRELUDE}
res = {"paths": {p: os.path.lexists(p) for p in ["/var/run/docker.sock", "/run/docker.sock", "/var/run/docker", "/run/containerd", "/var/run/containerd", "/run/user"]}}
res["env"] = sorted(k for k in os.environ if "DOCKER" in k.upper() or "CONTAINERD" in k.upper())
for p in ["/var/run/docker.sock", "/run/docker.sock"]:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(3)
    try:
        s.connect(p)
        res["unix " + p] = "connected"
    except OSError as e:
        res["unix " + p] = err(e)
    finally:
        s.close()
for host, port in [(${py(gw)}, 2375), (${py(gw)}, 2376), ("127.0.0.1", 2375), ("127.0.0.1", 2376)]:
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((host, port))
        res[f"tcp {port} " + ("gateway" if host != "127.0.0.1" else "loopback")] = "connected"
    except OSError as e:
        res[f"tcp {port} " + ("gateway" if host != "127.0.0.1" else "loopback")] = err(e)
    finally:
        s.close()
res["sockets"], _ = walk(${py(walkSkips(kind))})
res["unix sockets of the netns"] = [l.split()[-1] for l in open("/proc/net/unix").read().splitlines()[1:] if len(l.split()) > 7]
print(json.dumps(res))
`);
    const res = report(r);
    console.log(`[isolation] ${kind} docker socket probe: ${JSON.stringify(res)}`);
    expect(Object.values(res.paths as Record<string, boolean>).every((v) => v === false), JSON.stringify(res.paths)).toBe(true);
    expect(res.env).toEqual([]);
    expect(res['unix /var/run/docker.sock']).toBe('ENOENT');
    expect(res['unix /run/docker.sock']).toBe('ENOENT');
    expect(res['tcp 2375 gateway']).toBe('ENETUNREACH');
    expect(res['tcp 2376 gateway']).toBe('ENETUNREACH');
    expect(res['tcp 2375 loopback']).toBe('ECONNREFUSED');
    expect(res['tcp 2376 loopback']).toBe('ECONNREFUSED');
    expect(res.sockets).toEqual([]);
    expect(res['unix sockets of the netns']).toEqual([]);
    if (kind === 'docker') {
      // What the engine was asked for: the data and the workspace, nothing else of the host.
      const o = containerOf(runId, 1);
      expect(o.HostConfig?.Binds).toEqual([`${dataDir}:/data:ro`, `${r.workDir}:/workdir:rw`]);
      expect(o.HostConfig).toMatchObject({ NetworkMode: 'none', ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'] });
      expect(o.NetworkDisabled).toBe(true);
      for (const key of ['Mounts', 'VolumesFrom', 'Devices', 'Privileged', 'CapAdd', 'PidMode', 'IpcMode', 'UsernsMode', 'Volumes'] as const) {
        expect(o.HostConfig?.[key as keyof Docker.HostConfig] ?? (o as Record<string, unknown>)[key], key).toBeFalsy();
      }
      expect(JSON.stringify(o)).not.toMatch(/docker\.sock|containerd/);
    }
  });

  it("cannot see the host's files outside its mounts; /proc/1/root is the sandbox's own root; /data is read-only", async () => {
    const home = os.homedir();
    const homeEntries = readdirSync(home).map((e) => path.join(home, e));
    const hostPaths = [
      secretCsv, hostSecretDir, projectRoot, path.join(projectRoot, '.crucible'), path.join(projectRoot, '.crucible', 'artifacts'),
      path.join(projectRoot, '.crucible', 'tasks'), path.join(projectRoot, 'src'), stateRoot, store.root, workspaces, dataCache,
      task.dir, task.answersPath, ...homeEntries,
    ];
    const runId = `host-${kind}`;
    const r = await runNode(kind, runId, 1, `${PRELUDE}
res = {"exists": {}, "listing": {}}
for p in ${py(hostPaths)}:
    res["exists"][p] = os.path.lexists(p)
    if os.path.isdir(p):
        try:
            res["listing"][p] = sorted(os.listdir(p))
        except OSError as e:
            res["listing"][p] = err(e)
res["via /proc/1/root"] = {p: os.path.lexists("/proc/1/root" + p) for p in ${py([secretCsv, hostSecretDir, stateRoot, path.join(projectRoot, '.crucible', 'artifacts')])}}
res["/proc/1/root listing"] = sorted(os.listdir("/proc/1/root")) if os.path.isdir("/proc/1/root") else None
res["/etc/shadow"] = try_read("/etc/shadow")
res["secret read"] = try_read(${py(secretCsv)})
res["processes"] = processes()
res["mounts"] = mounts()
res["/data writes"] = {p: try_write(p) for p in ["/data/train.csv", "/data/new-file.txt"]}
res["/data/train.csv"] = open("/data/train.csv").read()
_, res["found"] = walk(${py(walkSkips(kind))}, [${py(path.basename(hostSecretDir))}, ${py(path.basename(stateRoot))}])
print(json.dumps(res))
`);
    const res = report<{
      exists: Record<string, boolean>; listing: Record<string, string[] | string>; 'via /proc/1/root': Record<string, boolean>;
      '/proc/1/root listing': string[] | null; '/etc/shadow': string; 'secret read': string; processes: Record<string, string>;
      mounts: { root: string; at: string; opts: string }[]; '/data writes': Record<string, string>; '/data/train.csv': string; found: string[];
    }>(r);
    console.log(`[isolation] ${kind} host files: visible ${JSON.stringify(Object.keys(res.exists).filter((p) => res.exists[p]))}; ` +
      `processes ${JSON.stringify(res.processes)}; /etc/shadow ${res['/etc/shadow']}; /data writes ${JSON.stringify(res['/data writes'])}`);

    // In bubblewrap the interpreter's folders are bound read-only at their host paths (by design), so
    // their ancestors exist, holding only the way down to them; nothing else of the host does.
    const layoutDirs = kind === 'bwrap' ? layout.dirs : [];
    const onTheWay = (p: string) => layoutDirs.some((d) => within(d, p) || within(p, d));
    for (const [p, seen] of Object.entries(res.exists)) expect(seen && !onTheWay(p), `${p} is visible in the sandbox`).toBe(false);
    for (const [p, listing] of Object.entries(res.listing)) {
      const expected = [...new Set(layoutDirs.filter((d) => d !== p && within(d, p)).map((d) => path.relative(p, d).split('/')[0]!))].sort();
      if (!layoutDirs.some((d) => within(p, d))) expect(listing, p).toEqual(expected);
    }
    expect(res['secret read']).toBe('ENOENT');
    expect(Object.values(res['via /proc/1/root']).some(Boolean)).toBe(false);
    expect(res.found).toEqual([]);
    expect(res['/etc/shadow']).toBe(kind === 'docker' ? 'EACCES' : 'ENOENT');

    // Its own pid namespace: a handful of processes, none of them the worker (node, vitest).
    const cmdlines = Object.values(res.processes);
    expect(cmdlines.length).toBeLessThan(6);
    for (const c of cmdlines) expect(c).not.toMatch(/(^|\/)node\s|vitest|dockerd|containerd/);
    // PID 1 is the sandbox's own init: its root is the sandbox's root (or, bubblewrap's init being
    // root-owned while the solution is uid 65534, unreadable).
    if (kind === 'docker' || res['/proc/1/root listing'] !== null) expect(res['/proc/1/root listing']).toContain('workdir');

    // Host folders mounted in: the workspace (read-write) and the task data (read-only), plus
    // read-only infrastructure (the engine's init and /etc/hostname; bubblewrap's /usr and interpreter).
    const binds = res.mounts.filter((m) => m.root !== '/' && m.at !== '/' && !['/proc', '/sys', '/dev'].some((v) => within(m.at, v)));
    const byMountpoint = Object.fromEntries(binds.map((m) => [m.at, m]));
    expect(r.workDir.endsWith(byMountpoint['/workdir']!.root), JSON.stringify(byMountpoint['/workdir'])).toBe(true);
    expect(dataDir.endsWith(byMountpoint['/data']!.root), JSON.stringify(byMountpoint['/data'])).toBe(true);
    expect(byMountpoint['/workdir']!.opts).toMatch(/^rw\b/);
    const infra = kind === 'docker' ? ['/usr/sbin/docker-init', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf'] : ['/usr', '/etc/alternatives', ...layout.dirs];
    for (const m of binds.filter((b) => b.at !== '/workdir')) {
      expect(['/data', ...infra], `unexpected host mount ${JSON.stringify(m)}`).toContain(m.at);
      expect(m.opts, m.at).toMatch(/^ro\b/);
    }
    // No mount reaches into the state folder but the workspace and the data, nor into the secret folder.
    for (const m of binds) {
      if (m.at === '/workdir' || m.at === '/data') continue;
      expect(stateRoot.endsWith(m.root) || m.root.includes(path.basename(stateRoot)) || m.root.includes(path.basename(hostSecretDir)), m.root).toBe(false);
    }
    expect(res.mounts.find((m) => m.at === '/')?.opts).toMatch(/^ro\b/);

    // The data mount is read-only, and the host's copy is untouched.
    expect(res['/data writes']).toEqual({ '/data/train.csv': 'EROFS', '/data/new-file.txt': 'EROFS' });
    expect(res['/data/train.csv']).toBe(readFileSync(task.files.train, 'utf8'));
    expect(readFileSync(path.join(dataDir, 'train.csv'), 'utf8')).toBe(readFileSync(task.files.train, 'utf8'));
    expect(existsSync(path.join(dataDir, 'new-file.txt'))).toBe(false);
  });

  it("cannot see or write another run's workspace, even while that run is running; writes outside /workdir land nowhere", async () => {
    const id = randomUUID().slice(0, 8);
    const [runA, runB] = [`run-a-${kind}-${id}`, `run-b-${kind}-${id}`];
    const markerA = `marker-a-${id}`;
    const escape = `escape-${id}`;
    const workA = path.join(workspaces, runA, 'node-1-attempt-1');
    // A: leaves its marks, then waits until the host has run B to the end.
    const a = runNode(kind, runA, 1, `${PRELUDE}
import time
for p in ["/workdir/${markerA}.txt", "/tmp/${markerA}", "/dev/shm/${markerA}"]:
    open(p, "w").write("A was here")
os.makedirs("/workdir/outputs")
open("/workdir/outputs/${markerA}-model.bin", "w").write("A's model")
deadline = time.time() + 90
while not os.path.exists("/workdir/release") and time.time() < deadline:
    time.sleep(0.05)
print(json.dumps({"released": os.path.exists("/workdir/release"), "own": sorted(os.listdir("/workdir")), "outputs": sorted(os.listdir("/workdir/outputs"))}))
`, 120_000);
    // The host sees A's marker in A's workspace: A is running.
    const deadline = Date.now() + 60_000;
    while (!existsSync(path.join(workA, `${markerA}.txt`))) {
      if (Date.now() > deadline) throw new Error(`run A never wrote its marker (${workA})`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const guesses = [
      workA, path.join(workspaces, runA), workspaces, path.join(workA, `${markerA}.txt`), `/workdir/../${runA}`,
      `/workdir/../../${runA}/node-1-attempt-1`, `/tmp/${markerA}`, `/dev/shm/${markerA}`,
    ];
    const writes = [
      `../${escape}.txt`, `/workdir/../${escape}.txt`, `/${escape}.txt`, `/data/../${escape}.txt`, `/workdir/../../${escape}.txt`,
      `/data/${escape}.txt`, path.join(workA, `${escape}.txt`), path.join(workspaces, runA, `${escape}.txt`), path.join(workspaces, `${escape}.txt`),
      path.join(os.tmpdir(), `${escape}.txt`), path.join(projectRoot, `${escape}.txt`), path.join(stateRoot, `${escape}.txt`),
      `/etc/${escape}.txt`, `/usr/${escape}.txt`, `/var/tmp/${escape}.txt`,
    ];
    const b = await runNode(kind, runB, 1, `${PRELUDE}
res = {"own": sorted(os.listdir("/workdir")), "cwd": os.getcwd()}
res["guesses"] = {p: os.path.lexists(p) for p in ${py(guesses)}}
_, res["found"] = walk(${py(walkSkips(kind))}, [${py(markerA)}, ${py(runA)}])
res["writes"] = {p: try_write(p) for p in ${py(writes)}}
try:
    os.symlink(${py(workA)}, "/workdir/link-to-a")
    res["through a link"] = sorted(os.listdir("/workdir/link-to-a"))
except OSError as e:
    res["through a link"] = err(e)
open("/workdir/b-own.txt", "w").write("B's own")
print(json.dumps(res))
`);
    const res = report<{ own: string[]; cwd: string; guesses: Record<string, boolean>; found: string[]; writes: Record<string, string>; 'through a link': unknown }>(b);
    console.log(`[isolation] ${kind} run B beside running run A: ${JSON.stringify(res)}`);
    expect(res.own).toEqual(['solution.py']);
    expect(res.cwd).toBe('/workdir');
    expect(Object.entries(res.guesses).filter(([, seen]) => seen)).toEqual([]);
    expect(res.found).toEqual([]);
    expect(res['through a link']).toBe('ENOENT');
    // Refused, or (under /tmp) written to the sandbox's own tmpfs, which the host search below does not find.
    for (const [p, outcome] of Object.entries(res.writes)) {
      if (p.startsWith('/tmp/') && outcome === 'written') continue;
      expect(['EROFS', 'EACCES', 'ENOENT', 'EPERM'], `${p}: ${outcome}`).toContain(outcome);
    }

    // B is done: release A, whose workspace holds only its own files.
    expect(existsSync(path.join(workA, `${markerA}.txt`)), 'A is still running').toBe(true);
    writeFileSync(path.join(workA, 'release'), '');
    const ranA = await a;
    expect(report(ranA)).toEqual({ released: true, own: [`${markerA}.txt`, 'outputs', 'release', 'solution.py'], outputs: [`${markerA}-model.bin`] });

    // Nothing B tried to write exists anywhere on the host; both workspaces are gone.
    const hostHits: string[] = [];
    const search = (dir: string, depth: number): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.name.includes(escape)) hostHits.push(p);
        if (depth > 0 && e.isDirectory() && !e.isSymbolicLink()) search(p, depth - 1);
      }
    };
    search(stateRoot, 20);
    for (const dir of ['/', os.tmpdir(), projectRoot, hostSecretDir, '/etc', '/var/tmp', '/usr']) search(dir, 0);
    expect(hostHits).toEqual([]);
    expect(existsSync(workA)).toBe(false);
    expect(existsSync(b.workDir)).toBe(false);
    if (kind === 'docker') {
      // Each container was given its own workspace and nothing of the other's.
      expect(containerOf(runA, 1).HostConfig?.Binds).toEqual([`${dataDir}:/data:ro`, `${workA}:/workdir:rw`]);
      expect(containerOf(runB, 1).HostConfig?.Binds).toEqual([`${dataDir}:/data:ro`, `${b.workDir}:/workdir:rw`]);
    }
  });

  it('cannot make the worker read a host file through links it leaves in the workspace, nor hang it with a FIFO', async () => {
    // Links to host files, under the names the worker reads after the run.
    const linked = await runNode(kind, `links-${kind}`, 1, `${PRELUDE}
os.symlink(${py(secretCsv)}, "submission.csv")
os.symlink(${py(secretJson)}, "metrics.json")
os.symlink("/etc/shadow", "shadow")
print(json.dumps({"links": sorted(os.listdir("."))}))
`);
    expect(report(linked)).toEqual({ links: ['metrics.json', 'shadow', 'solution.py', 'submission.csv'] });
    console.log(`[isolation] ${kind} links to host files: ${JSON.stringify({ score: linked.out.score, bugReason: linked.out.bugReason, submission: linked.out.submissionRef })}`);
    // Without the seal the host's metrics.json scored this node 0.99 and the host's CSV became its submission.
    expect(linked.out).toMatchObject({ score: null, buggy: true, submissionRef: null });
    expect(linked.out.bugReason).toMatch(/^metrics\.json missing/);
    expect(linked.stderr).toContain(`crucible sandbox: removed submission.csv from the workspace: a symbolic link to ${secretCsv}, outside the workspace`);
    expect(linked.stderr).toContain(`removed metrics.json from the workspace: a symbolic link to ${secretJson}, outside the workspace`);
    expect(linked.stderr).toContain('removed shadow from the workspace: a symbolic link to /etc/shadow, outside the workspace');
    expect(JSON.stringify(linked.out)).not.toContain(TOKEN);
    // Not one artifact holds the secret.
    const leaked: string[] = [];
    const scan = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (readFileSync(p).includes(TOKEN)) leaked.push(p);
      }
    };
    scan(store.root);
    expect(leaked).toEqual([]);

    // A FIFO where metrics.json should be, and a link that stays inside the workspace: the FIFO goes,
    // the link to a regular file of the workspace is kept (it is the solution's own output).
    const started = Date.now();
    const fifo = await runNode(kind, `fifo-${kind}`, 1, `${PRELUDE}
os.mkfifo("metrics.json")
os.makedirs("preds")
open("preds/sub.csv", "w").write(${py(readFileSync(task.files.sampleSubmission, 'utf8'))})
os.symlink("preds/sub.csv", "submission.csv")
os.symlink("/workdir/preds/sub.csv", "absolute.csv")
print(json.dumps({"ok": True}))
`);
    console.log(`[isolation] ${kind} FIFO + inner link: returned in ${Date.now() - started} ms: ${fifo.out.bugReason}`);
    expect(report(fifo)).toEqual({ ok: true });
    expect(fifo.out.bugReason).toMatch(/^metrics\.json missing/);
    expect(fifo.out.submissionRef).not.toBeNull();
    expect(await store.getText(fifo.out.submissionRef!)).toBe(readFileSync(task.files.sampleSubmission, 'utf8'));
    expect(fifo.stderr).toContain('removed metrics.json from the workspace: a FIFO');
    // An absolute link means /workdir inside the sandbox but another path on the host: it goes too.
    expect(fifo.stderr).toContain('removed absolute.csv from the workspace: a symbolic link to /workdir/preds/sub.csv, outside the workspace');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

/** The worker's secrets, as its environment holds them. */
const SECRETS = ['OPENAI_API_KEY', 'CRUCIBLE_LLM_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'TEMPORAL_API_KEY', 'CRUCIBLE_PAYLOAD_KEYS'];

describe.each(['docker', 'bwrap', 'none'] as const)('%s sandbox: environment', (kind) => {
  it("holds none of the worker's secrets: not in its environment, nor in any process's it can see", async () => {
    const values = Object.fromEntries(SECRETS.map((k) => [k, `${k.toLowerCase()}-${randomUUID()}`]));
    for (const [k, v] of Object.entries(values)) vi.stubEnv(k, v);
    const runId = `env-${kind}`;
    const r = await runNode(kind, runId, 1, `${PRELUDE}
res = {"environ": dict(os.environ), "self": open("/proc/self/environ", "rb").read().decode("utf8", "replace"), "others": {}}
${kind === 'none' ? '' : `for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            res["others"][p] = open(f"/proc/{p}/environ", "rb").read().decode("utf8", "replace")
        except OSError as e:
            res["others"][p] = err(e)`}
res["cwd"] = os.getcwd()
print(json.dumps(res))
`);
    const res = report<{ environ: Record<string, string>; self: string; others: Record<string, string>; cwd: string }>(r);
    console.log(`[isolation] ${kind} environment: ${Object.keys(res.environ).sort().join(' ')}; other processes seen: ${Object.keys(res.others).length}`);
    for (const [k, v] of Object.entries(values)) {
      expect(res.environ[k], k).toBeUndefined();
      expect(r.stdout, k).not.toContain(v);
      expect(r.stderr, k).not.toContain(v);
    }
    if (kind === 'docker') expect(JSON.stringify(containerOf(runId, 1))).not.toMatch(new RegExp(Object.values(values).join('|')));
    if (kind === 'none') {
      // What the plain process sandbox promises: its workspace as cwd and HOME, the data folder named.
      expect(res.cwd).toBe(r.workDir);
      expect(res.environ).toMatchObject({ HOME: r.workDir, CRUCIBLE_DATA_DIR: dataDir });
    } else {
      expect(res.cwd).toBe('/workdir');
      expect(res.environ).toMatchObject({ HOME: '/tmp', CRUCIBLE_DATA_DIR: '/data' });
    }
  });
});

describe('plain process sandbox', () => {
  it('warns that its isolation is weak, and still seals the workspace against links', async () => {
    const warnings: string[] = [];
    const plain = new ProcessExecutor({ python: existsSync(python) ? python : 'python3', logger: { warn: (m) => warnings.push(m) }, isolation: 'none' });
    expect(await plain.isolation()).toMatchObject({ mode: 'none', weak: true });
    const dir = path.join(stateRoot, 'plain');
    mkdirSync(dir, { recursive: true });
    const r = await plain.execute({
      code: `import os\nos.symlink(${py(secretCsv)}, "submission.csv")\n`, dataDir: dataCache, workDir: path.join(dir, 'work'), timeoutMs: 20_000, maxOutputBytes: 65_536,
    });
    expect(r.exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'work', 'submission.csv'))).toBe(false);
    expect(r.stderr.text).toContain('removed submission.csv from the workspace: a symbolic link');
  });
});

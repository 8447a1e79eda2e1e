import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SANDBOX_IMAGE,
  DockerExecutor,
  NODE_LABEL,
  RUN_LABEL,
  WORKER_LABEL,
  dockerAvailable,
  sweepContainers,
} from '../../../src/sandbox/docker.js';
import type { ExecSpec } from '../../../src/sandbox/types.js';

// These tests run real containers against the real limits. The engine and the image come from the
// set-up step; without them the suite fails (it does not skip) and says what to run.
const docker = new Docker();
const MiB = 1024 ** 2;
// Every container of this file carries this worker id, so the leak check ignores other users of the engine.
const worker = `test-${process.pid}-${randomUUID().slice(0, 8)}`;
const executor = new DockerExecutor({ docker, labels: { [WORKER_LABEL]: worker } });
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-docker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function spec(code: string, extra: Partial<ExecSpec> = {}): ExecSpec {
  const dir = path.join(root, `case-${n++}`);
  return {
    code,
    dataDir: path.join(dir, 'data'),
    workDir: path.join(dir, 'work'),
    timeoutMs: 30_000,
    maxOutputBytes: 64 * 1024,
    labels: { [RUN_LABEL]: 'test-run', [NODE_LABEL]: `node-${n}` },
    ...extra,
  };
}

async function ourContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [RUN_LABEL, `${WORKER_LABEL}=${worker}`] } });
}

/** The last line of stdout as JSON: the probes print their findings that way. */
function report<T>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}

beforeAll(async () => {
  if (!(await dockerAvailable(docker))) {
    throw new Error('No Docker engine answers on this machine: run scripts/docker-engine.sh (then scripts/sandbox-image.sh).');
  }
  try {
    await docker.getImage(DEFAULT_SANDBOX_IMAGE).inspect();
  } catch {
    throw new Error(`The sandbox image ${DEFAULT_SANDBOX_IMAGE} is missing: run scripts/sandbox-image.sh.`);
  }
});

afterEach(async () => {
  // The executor must remove its container whatever happened.
  expect(await ourContainers()).toEqual([]);
});

describe('DockerExecutor', () => {
  it('runs solution.py in /workdir, separates stdout from stderr, reports exit code and duration', async () => {
    const s = spec('import os, sys\nprint("cwd", os.getcwd())\nprint("oops", file=sys.stderr)\nraise SystemExit(3)\n');
    const r = await executor.execute(s);
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false, oomKilled: false });
    expect(r.stdout).toEqual({ text: 'cwd /workdir\n', droppedBytes: 0 });
    expect(r.stderr).toEqual({ text: 'oops\n', droppedBytes: 0 });
    expect(r.durationMs).toBeGreaterThan(0);
    expect(readFileSync(path.join(s.workDir, 'solution.py'), 'utf8')).toBe(s.code);
    expect(await executor.execute(spec('pass\n'))).toMatchObject({ exitCode: 0, signal: null });
  });

  it('fails with a clear message when the image is missing, and leaves no container', async () => {
    const missing = new DockerExecutor({ docker, image: 'crucible-sandbox:no-such-recipe', labels: { [WORKER_LABEL]: worker } });
    await expect(missing.execute(spec('pass\n'))).rejects.toThrow(/no-such-recipe not found: build it with scripts\/sandbox-image\.sh/);
  });

  it('CPU: two busy processes under the default 1-core quota get at most one core', async () => {
    const code = `
import json, multiprocessing, resource, time
def spin(seconds):
    end = time.time() + seconds
    while time.time() < end:
        pass
t0 = time.time()
procs = [multiprocessing.Process(target=spin, args=(2,)) for _ in range(2)]
for p in procs: p.start()
for p in procs: p.join()
wall = time.time() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"cores": round((ru.ru_utime + ru.ru_stime) / wall, 2), "cfs_quota_us": int(open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read())}))
`;
    const r = await executor.execute(spec(code));
    expect(r.exitCode, r.stderr.text).toBe(0);
    const res = report<{ cores: number; cfs_quota_us: number }>(r.stdout.text);
    console.log(`[docker] CPU: ${JSON.stringify(res)}`);
    expect(res.cfs_quota_us).toBe(100_000);
    // Only the ceiling is asserted: a busy host may give less than the quota.
    expect(res.cores).toBeLessThan(1.15);
  });

  it('OOM: allocating past a 256 MB limit is killed and reported as oomKilled, not as a timeout', async () => {
    const small = new DockerExecutor({ docker, memoryBytes: 256 * MiB, labels: { [WORKER_LABEL]: worker } });
    // bytes * n writes every page, so the memory is really resident (a calloc'd bytearray would not be).
    const code = 'blocks = []\nfor i in range(40):\n    blocks.append(b"\\x01" * (50 * 2**20))\n    print(f"allocated {(i + 1) * 50} MB", flush=True)\nprint("survived")\n';
    const r = await small.execute(spec(code));
    console.log(`[docker] OOM: ${r.stdout.text.trim().split('\n').at(-1)} before the kill; exit ${r.exitCode} signal ${r.signal}`);
    expect(r).toMatchObject({ oomKilled: true, timedOut: false, cancelled: false, exitCode: null, signal: 'SIGKILL' });
    expect(r.stdout.text).not.toContain('survived');
    expect(r.stdout.text).toContain('allocated 50 MB');
  });

  it('timeout: sleep 60 with a 2 s limit is killed, marked timedOut, and returns within the deadline + 1 s', async () => {
    const started = Date.now();
    const r = await executor.execute(spec('import time\nprint("sleeping", flush=True)\ntime.sleep(60)\n', { timeoutMs: 2000 }));
    const elapsed = Date.now() - started;
    console.log(`[docker] timeout: execute() returned after ${elapsed} ms (durationMs ${r.durationMs})`);
    expect(r).toMatchObject({ timedOut: true, oomKilled: false, cancelled: false, exitCode: null, signal: 'SIGKILL' });
    expect(r.stdout.text).toBe('sleeping\n');
    expect(elapsed).toBeLessThan(3000);
  });

  it('network: no interface but lo; the internet and the docker bridge gateway are unreachable', async () => {
    // The gateway probe is only meaningful if the host really has that bridge address.
    // (os.networkInterfaces() omits docker0 while no container is attached to it, so ask `ip`.)
    const hostHasBridge = /\binet 172\.17\.0\.1\//.test(spawnSync('ip', ['-4', '-o', 'addr'], { encoding: 'utf8' }).stdout ?? '');
    const code = `
import errno, json, os, socket
res = {"ifaces": sorted(os.listdir("/sys/class/net"))}
for host, port in [("1.1.1.1", 53), ("172.17.0.1", 53), ("172.17.0.1", 2375)]:
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect((host, port))
        res[f"{host}:{port}"] = "connected"
    except OSError as e:
        res[f"{host}:{port}"] = errno.errorcode.get(e.errno, str(e))
    finally:
        s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", ("1.1.1.1", 53))
    res["udp 1.1.1.1:53"] = "sent"
except OSError as e:
    res["udp 1.1.1.1:53"] = errno.errorcode.get(e.errno, str(e))
try:
    socket.getaddrinfo("deb.debian.org", 80)
    res["dns"] = "resolved"
except OSError as e:
    res["dns"] = type(e).__name__
print(json.dumps(res))
`;
    const r = await executor.execute(spec(code));
    expect(r.exitCode, r.stderr.text).toBe(0);
    const res = report<Record<string, unknown>>(r.stdout.text);
    console.log(`[docker] network (host has 172.17.0.1: ${hostHasBridge}): ${JSON.stringify(res)}`);
    expect(res.ifaces).toEqual(['lo']);
    for (const probe of ['1.1.1.1:53', '172.17.0.1:53', '172.17.0.1:2375', 'udp 1.1.1.1:53']) {
      expect(res[probe], probe).toBe('ENETUNREACH');
    }
    expect(res.dns).toBe('gaierror');
  });

  it('fork: a fork loop stops at pidsLimit, and the host still spawns processes afterwards', async () => {
    const capped = new DockerExecutor({ docker, pidsLimit: 64, labels: { [WORKER_LABEL]: worker } });
    const code = `
import errno, json, os, time
n = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        n += 1
except OSError as e:
    err = errno.errorcode.get(e.errno, str(e))
print(json.dumps({"children": n, "error": err, "pids.current": int(open("/sys/fs/cgroup/pids/pids.current").read())}))
`;
    const r = await capped.execute(spec(code));
    expect(r.exitCode, r.stderr.text).toBe(0);
    const res = report<{ children: number; error: string; 'pids.current': number }>(r.stdout.text);
    console.log(`[docker] fork loop, pidsLimit 64: ${JSON.stringify(res)}`);
    expect(res.error).toBe('EAGAIN');
    expect(res['pids.current']).toBeLessThanOrEqual(64);
    expect(res.children).toBeGreaterThan(50);
    expect(res.children).toBeLessThan(64);
    const host = spawnSync('sh', ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; echo ok'], { encoding: 'utf8' });
    expect(host.stdout.trim()).toBe('ok');
  });

  it('fork bomb: every process forks for 2 s; the default pidsLimit (256) holds and the host is unaffected', async () => {
    const code = `
import json, os, time
root = os.getpid()
deadline = time.time() + 2
peak = 0
while time.time() < deadline:
    try:
        os.fork()
    except OSError:
        time.sleep(0.005)
    if os.getpid() == root:
        peak = max(peak, int(open("/sys/fs/cgroup/pids/pids.current").read()))
if os.getpid() == root:
    print(json.dumps({"peak pids.current": peak, "pids.max": open("/sys/fs/cgroup/pids/pids.max").read().strip()}), flush=True)
`;
    const started = Date.now();
    const r = await executor.execute(spec(code, { timeoutMs: 20_000 }));
    const res = report<{ 'peak pids.current': number; 'pids.max': string }>(r.stdout.text);
    console.log(`[docker] fork bomb: ${JSON.stringify(res)}; execute() took ${Date.now() - started} ms`);
    expect(res['pids.max']).toBe('256');
    expect(res['peak pids.current']).toBeGreaterThan(200);
    expect(res['peak pids.current']).toBeLessThanOrEqual(256);
    const t0 = Date.now();
    const host = spawnSync('/bin/true');
    expect(host.status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('filesystem: only /workdir and /tmp are writable; /workdir writes reach the host; /tmp is size-capped', async () => {
    const s = spec(`
import errno, json, os
res = {}
for d in ["/", "/etc", "/usr", "/data", "/var", "/root", "/workdir", "/tmp", "/dev/shm"]:
    p = os.path.join(d, "probe.txt")
    try:
        with open(p, "w") as f:
            f.write("written in the sandbox")
        res[d] = "ok"
    except OSError as e:
        res[d] = errno.errorcode.get(e.errno, str(e))
try:
    with open("/tmp/big", "wb") as f:
        for _ in range(300):
            f.write(b"\\0" * 2**20)
    res["300 MB into /tmp"] = "ok"
except OSError as e:
    res["300 MB into /tmp"] = errno.errorcode.get(e.errno, str(e))
res["read /data"] = open("/data/public.csv").read()
print(json.dumps(res))
`);
    mkdirSync(s.dataDir, { recursive: true });
    writeFileSync(path.join(s.dataDir, 'public.csv'), 'a,b\n1,2\n');
    const r = await executor.execute(s);
    expect(r.exitCode, r.stderr.text).toBe(0);
    const res = report<Record<string, string>>(r.stdout.text);
    console.log(`[docker] writes: ${JSON.stringify(res)}`);
    for (const d of ['/', '/etc', '/usr', '/data', '/var', '/root']) expect(['EROFS', 'EACCES'], d).toContain(res[d]);
    expect(res).toMatchObject({ '/workdir': 'ok', '/tmp': 'ok', '/dev/shm': 'ok', '300 MB into /tmp': 'ENOSPC', 'read /data': 'a,b\n1,2\n' });
    expect(readFileSync(path.join(s.workDir, 'probe.txt'), 'utf8')).toBe('written in the sandbox');
    expect(existsSync(path.join(s.dataDir, 'probe.txt'))).toBe(false);
  });

  it('output flood: 200 MB of stdout is capped to head + tail while streaming, with bounded memory here', async () => {
    const code = `
import sys
sys.stdout.write("HEAD-MARK\\n")
block = b"x" * (2**20 - 1) + b"\\n"
for _ in range(200):
    sys.stdout.buffer.write(block)
sys.stdout.flush()
sys.stdout.write("TAIL-MARK\\n")
print("err line", file=sys.stderr)
`;
    const maxOutputBytes = 64 * 1024;
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const r = await executor.execute(spec(code, { maxOutputBytes }));
    clearInterval(sampler);
    const total = 200 * MiB + 'HEAD-MARK\n'.length + 'TAIL-MARK\n'.length;
    console.log(
      `[docker] flood: ${(total / MiB).toFixed(1)} MiB in ${Date.now() - started} ms, kept ${total - r.stdout.droppedBytes} bytes, ` +
        `RSS growth ${((peak - before) / MiB).toFixed(1)} MiB`,
    );
    expect(r.exitCode, r.stderr.text).toBe(0);
    expect(r.stdout.droppedBytes).toBe(total - maxOutputBytes);
    expect(r.stdout.text.startsWith('HEAD-MARK\n')).toBe(true);
    expect(r.stdout.text.endsWith('TAIL-MARK\n')).toBe(true);
    expect(r.stdout.text).toContain(`[${total - maxOutputBytes} bytes dropped]`);
    expect(r.stderr).toEqual({ text: 'err line\n', droppedBytes: 0 });
    expect(peak - before).toBeLessThan(100 * MiB);
  });

  it('identity: uid/gid 65534, no capabilities, no_new_privs; the worker environment does not leak', async () => {
    process.env.CRUCIBLE_TEST_SECRET = 'must-not-leak';
    process.env.CRUCIBLE_PAYLOAD_KEYS = 'k1:cGF5bG9hZC1rZXktbXVzdC1ub3QtbGVhay0zMmJ5dGU=';
    process.env.TEMPORAL_API_KEY = 'temporal-api-key-must-not-leak';
    try {
      const code = `
import json, os
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
try:
    open("/etc/shadow").read()
    shadow = "readable"
except OSError as e:
    shadow = type(e).__name__
print(json.dumps({"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "CapEff": status["CapEff"], "CapPrm": status["CapPrm"],
    "NoNewPrivs": status["NoNewPrivs"].strip(), "shadow": shadow, "env": dict(os.environ)}))
`;
      const r = await executor.execute(spec(code, { env: { MY_SETTING: '42', CRUCIBLE_DATA_DIR: '/elsewhere' } }));
      expect(r.exitCode, r.stderr.text).toBe(0);
      const res = report<{ uid: number; gid: number; CapEff: string; CapPrm: string; NoNewPrivs: string; shadow: string; env: Record<string, string> }>(
        r.stdout.text,
      );
      console.log(`[docker] identity: ${JSON.stringify({ ...res, env: Object.keys(res.env) })}`);
      expect(res).toMatchObject({ uid: 65534, gid: 65534, CapEff: '0000000000000000', CapPrm: '0000000000000000', NoNewPrivs: '1', shadow: 'PermissionError' });
      expect(res.env).toMatchObject({ MY_SETTING: '42', CRUCIBLE_DATA_DIR: '/data', HOME: '/tmp', PYTHONUNBUFFERED: '1', OMP_NUM_THREADS: '1' });
      expect(res.env.CRUCIBLE_TEST_SECRET).toBeUndefined();
      expect(res.env.CRUCIBLE_PAYLOAD_KEYS).toBeUndefined();
      expect(res.env.TEMPORAL_API_KEY).toBeUndefined();
      expect(JSON.stringify(res.env)).not.toContain('must-not-leak');
      // Nothing but what the executor sets (HOSTNAME comes from the engine).
      const allowed = new Set([
        'PATH', 'HOME', 'LANG', 'HOSTNAME', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED',
        'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS', 'CRUCIBLE_DATA_DIR', 'MY_SETTING',
      ]);
      expect(Object.keys(res.env).filter((k) => !allowed.has(k))).toEqual([]);
    } finally {
      delete process.env.CRUCIBLE_TEST_SECRET;
      delete process.env.CRUCIBLE_PAYLOAD_KEYS;
      delete process.env.TEMPORAL_API_KEY;
    }
  });

  it('abort: kills the running container and marks the result cancelled; labels are on the container', async () => {
    const controller = new AbortController();
    const s = spec('import time\nprint("started", flush=True)\ntime.sleep(60)\n');
    const node = s.labels?.[NODE_LABEL] as string;
    const running = executor.execute(s, controller.signal);
    // Abort once the container is up, after checking what it is labelled with.
    let labels: Record<string, string> | undefined;
    for (let i = 0; i < 100 && !labels; i++) {
      await new Promise((r) => setTimeout(r, 50));
      labels = (await docker.listContainers({ filters: { label: [`${NODE_LABEL}=${node}`] } }))[0]?.Labels;
    }
    expect(labels).toMatchObject({ [RUN_LABEL]: 'test-run', [NODE_LABEL]: node, [WORKER_LABEL]: worker });
    await new Promise((r) => setTimeout(r, 500));
    const abortedAt = Date.now();
    controller.abort();
    const r = await running;
    const afterAbort = Date.now() - abortedAt;
    console.log(`[docker] abort: returned ${afterAbort} ms after abort()`);
    expect(r).toMatchObject({ cancelled: true, timedOut: false, oomKilled: false, signal: 'SIGKILL' });
    expect(r.stdout.text).toBe('started\n');
    expect(afterAbort).toBeLessThan(2000);

    // Aborted before it starts: no container is made at all.
    const pre = new AbortController();
    pre.abort();
    expect(await executor.execute(spec('print(1)\n'), pre.signal)).toMatchObject({ cancelled: true, exitCode: null, durationMs: 0 });
  });

  it('sweepContainers removes a stale labelled container and keeps a live one', async () => {
    const make = (run: string) =>
      docker.createContainer({
        Image: DEFAULT_SANDBOX_IMAGE,
        Cmd: ['sleep', '60'],
        NetworkDisabled: true,
        Labels: { [RUN_LABEL]: run, [WORKER_LABEL]: worker },
        HostConfig: { NetworkMode: 'none' },
      });
    const stale = await make('stale-run');
    const live = await make('live-run');
    await stale.start();
    try {
      // Only this test's stale container is dead; everything else on the engine counts as live.
      const removed = await sweepContainers(docker, async (l) => !(l[WORKER_LABEL] === worker && l[RUN_LABEL] === 'stale-run'));
      expect(removed).toBe(1);
      const left = (await ourContainers()).map((c) => c.Labels[RUN_LABEL]);
      expect(left).toEqual(['live-run']);
    } finally {
      await stale.remove({ force: true }).catch(() => undefined);
      await live.remove({ force: true });
    }
  });

  it('end to end: a scikit-learn solution trains on /data and writes /workdir/submission.csv', async () => {
    const s = spec(`
import json, os
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
data = os.environ["CRUCIBLE_DATA_DIR"]
train = pd.read_csv(os.path.join(data, "train.csv"))
test = pd.read_csv(os.path.join(data, "test.csv"))
X, y = train[["x1", "x2"]], train["label"]
model = LogisticRegression()
acc = cross_val_score(model, X, y, cv=3).mean()
model.fit(X, y)
pd.DataFrame({"id": test["id"], "label": model.predict(test[["x1", "x2"]])}).to_csv("submission.csv", index=False)
json.dump({"validation": {"accuracy": acc}}, open("/workdir/metrics.json", "w"))
print(f"cv accuracy {acc:.3f}")
`);
    mkdirSync(s.dataDir, { recursive: true });
    const rows = Array.from({ length: 60 }, (_, i) => {
      const label = i % 2;
      return `${i},${(label ? 2 : -2) + ((i * 37) % 11) / 10},${(label ? 1 : -1) + ((i * 17) % 7) / 10},${label}`;
    });
    writeFileSync(path.join(s.dataDir, 'train.csv'), `id,x1,x2,label\n${rows.join('\n')}\n`);
    writeFileSync(path.join(s.dataDir, 'test.csv'), 'id,x1,x2\n100,2.5,1.2\n101,-2.2,-0.8\n102,1.9,0.7\n');
    const r = await executor.execute(s);
    expect(r.exitCode, r.stderr.text).toBe(0);
    expect(r.stdout.text).toMatch(/cv accuracy 1\.000/);
    expect(readFileSync(path.join(s.workDir, 'submission.csv'), 'utf8')).toBe('id,label\n100,1\n101,0\n102,1\n');
    expect(JSON.parse(readFileSync(path.join(s.workDir, 'metrics.json'), 'utf8'))).toEqual({ validation: { accuracy: 1 } });
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonPath } from '../../../src/config/paths.js';
import { findExecutable, isRoot } from '../../../src/sandbox/bwrap.js';
import { ProcessExecutor, type IsolationInfo } from '../../../src/sandbox/process.js';
import type { ExecSpec } from '../../../src/sandbox/types.js';

// The bubblewrap sandbox for real: every limit is hit, nothing is mocked. bwrap is required (no skip):
// scripts/setup.sh installs it when run as root. The sklearn test needs the project venv.
const python = pythonPath();
const root = mkdtempSync(path.join(os.tmpdir(), 'crucible-bwrap-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const messages: { level: 'warn' | 'info'; text: string }[] = [];
const logger = { warn: (text: string) => messages.push({ level: 'warn', text }), info: (text: string) => messages.push({ level: 'info', text }) };

const MiB = 1024 ** 2;
const sandbox = new ProcessExecutor({ python, logger });
// Tight limits, so the tests hit them fast.
const tight = new ProcessExecutor({ python, logger, isolation: 'bwrap', memoryBytes: 256 * MiB, pidsLimit: 64, cpus: 0.5, tmpBytes: 16 * MiB });
// No cgroup: the rlimit fallback.
const rlimited = new ProcessExecutor({ python, logger, isolation: 'bwrap', cgroups: false, memoryBytes: 1024 * MiB, pidsLimit: 64 });

let n = 0;
function spec(code: string, extra: Partial<ExecSpec> = {}): ExecSpec {
  const dir = path.join(root, `case-${n++}`);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  return { code, dataDir: path.join(dir, 'data'), workDir: path.join(dir, 'work'), timeoutMs: 20_000, maxOutputBytes: 64 * 1024, ...extra };
}

/** Host pids whose command line contains `marker` (the sandbox's pids are of another namespace). */
function hostPidsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/.test(stat)) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

async function noneLeft(marker: string, withinMs = 2000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (hostPidsWith(marker).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** This process's per-execution cgroups that still exist (cgroup v1 layout). */
function leftoverCgroups(): string[] {
  const found: string[] = [];
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers = '', own = '/'] = line.split(':');
    for (const c of controllers.split(',').filter((x) => ['memory', 'pids', 'cpu'].includes(x))) {
      for (const dir of [path.join('/sys/fs/cgroup', c, own), path.join('/sys/fs/cgroup', c)]) {
        if (!existsSync(dir)) continue;
        for (const e of readdirSync(dir)) if (e.startsWith(`crucible-${process.pid}-`)) found.push(path.join(dir, e));
      }
    }
  }
  return found;
}

const sleeper = (marker: string) => `
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "${marker}"])
print("child started", flush=True)
`;

let info: IsolationInfo;

beforeAll(async () => {
  if (!findExecutable('bwrap')) {
    throw new Error('bubblewrap (bwrap) is not installed: run scripts/setup.sh as root (it installs it), or apt-get install bubblewrap');
  }
  if (!existsSync(python)) throw new Error(`no project venv at ${python}: run scripts/setup.sh`);
  info = await sandbox.isolation();
});

describe('ProcessExecutor with bubblewrap', () => {
  it("'auto' picks bubblewrap here and logs a one-line notice of it once; without bwrap it falls back loudly", async () => {
    expect(info.mode).toBe('bwrap');
    expect(['cgroup', 'rlimit']).toContain(info.limits);
    if (isRoot()) expect(info.uid).toBe(65534);
    await sandbox.execute(spec('pass\n'));
    await new ProcessExecutor({ python, logger }).execute(spec('pass\n'));
    const notices = messages.filter((m) => m.text === info.message);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.level).toBe(info.limits === 'cgroup' ? 'info' : 'warn');
    expect(info.message).toMatch(/bubblewrap/);

    const noBwrap = new ProcessExecutor({ python, logger, bwrap: path.join(root, 'no-bwrap') });
    expect(await noBwrap.isolation()).toMatchObject({ mode: 'none', weak: true });
    expect(await noBwrap.execute(spec('pass\n'))).toMatchObject({ exitCode: 0 });
    expect(messages.at(-1)).toMatchObject({ level: 'warn', text: expect.stringMatching(/^WARNING: .*plain child process.*no-bwrap is not installed/) });
    expect(() => new ProcessExecutor({ python, isolation: 'bwrap', bwrap: path.join(root, 'no-bwrap') })).toThrow(/not found/);

    // A bwrap that cannot build a sandbox here (user namespaces disabled, say) counts as missing.
    const failing = path.join(root, 'failing-bwrap');
    writeFileSync(failing, '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n', { mode: 0o755 });
    expect(await new ProcessExecutor({ python, logger, bwrap: failing }).isolation()).toMatchObject({
      mode: 'none', message: expect.stringMatching(/No permissions to create new namespace/),
    });
    await expect(new ProcessExecutor({ python, logger, bwrap: failing, isolation: 'bwrap' }).execute(spec('pass\n'))).rejects.toThrow(/No permissions/);
  });

  it('has no network: only lo, connecting out fails, DNS fails', async () => {
    const r = await sandbox.execute(spec(`import socket
print(socket.if_nameindex())
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3); print("connected")
except OSError as e:
    print("connect failed", e.errno)
try:
    socket.getaddrinfo("example.com", 80); print("resolved")
except OSError:
    print("dns failed")
`));
    expect(r.exitCode, r.stderr.text).toBe(0);
    expect(r.stdout.text).toBe("[(1, 'lo')]\nconnect failed 101\ndns failed\n");
  });

  it('sees a read-only system: writes fail outside /workdir and /tmp; /workdir writes reach the host', async () => {
    const hostFile = path.join(root, 'host-secret.txt');
    writeFileSync(hostFile, 'secret');
    const s = spec(`import os
for p in ["/x", "/etc/x", "/usr/x", "/usr/local/x", "/data/x", "/proc/sys/kernel/hostname", ${JSON.stringify(hostFile)}, "/root/x"]:
    try:
        open(p, "w").write("x"); print("WROTE", p)
    except OSError as e:
        print("denied", p, e.strerror)
print("host file visible:", os.path.exists(${JSON.stringify(hostFile)}))
print("passwd visible:", os.path.exists("/etc/passwd"))
print(sorted(os.listdir("/etc")))
print(open("/data/in.txt").read())
open("/tmp/t", "w").write("t")
open("/dev/shm/t", "w").write("t")
open("/workdir/out.txt", "w").write("from the sandbox")
try:
    open("/tmp/big", "wb").write(b"x" * (32 * 1024 * 1024)); print("WROTE 32 MiB to /tmp")
except OSError as e:
    print("tmp full:", e.strerror)
`);
    writeFileSync(path.join(s.dataDir, 'in.txt'), 'data');
    const r = await tight.execute(s);
    expect(r.exitCode, r.stderr.text).toBe(0);
    expect(r.stdout.text).not.toMatch(/WROTE/);
    // The host file is under the host /tmp: the sandbox has its own /tmp, so the path does not even exist.
    expect(r.stdout.text.match(/^denied .*(Read-only file system|Permission denied|No such file or directory)$/gm)).toHaveLength(8);
    expect(r.stdout.text).toContain('host file visible: False\npasswd visible: False\n');
    expect(r.stdout.text).toContain("['alternatives']\ndata\n");
    expect(r.stdout.text).toContain('tmp full: No space left on device');
    expect(readFileSync(path.join(s.workDir, 'out.txt'), 'utf8')).toBe('from the sandbox');
    expect(readFileSync(hostFile, 'utf8')).toBe('secret');
  });

  it('runs as an unprivileged user without capabilities, in a scrubbed environment', async () => {
    process.env.CRUCIBLE_TEST_SECRET = 'do-not-leak';
    try {
      const r = await sandbox.execute(spec(`import json, os
status = dict(l.split(":\\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\\t" in l)
print(json.dumps({"uid": os.getuid(), "groups": os.getgroups(), "cap": status["CapEff"].strip(), "bnd": status["CapBnd"].strip(),
                  "nnp": status["NoNewPrivs"].strip(), "env": dict(os.environ)}))
`, { env: { EXTRA_SETTING: 'yes' } }));
      expect(r.exitCode, r.stderr.text).toBe(0);
      const out = JSON.parse(r.stdout.text) as { uid: number; groups: number[]; cap: string; bnd: string; nnp: string; env: Record<string, string> };
      if (isRoot()) expect(out).toMatchObject({ uid: 65534, groups: [] });
      expect(out).toMatchObject({ cap: '0000000000000000', nnp: '1' });
      if (isRoot()) expect(out.bnd).toBe('0000000000000000');
      expect(JSON.stringify(out.env)).not.toContain('do-not-leak');
      expect(out.env).toMatchObject({ CRUCIBLE_DATA_DIR: '/data', HOME: '/tmp', EXTRA_SETTING: 'yes', OMP_NUM_THREADS: '1', PYTHONUNBUFFERED: '1' });
      const allowed = ['PATH', 'HOME', 'LANG', 'LC_CTYPE', 'PWD', 'CRUCIBLE_DATA_DIR', 'EXTRA_SETTING'];
      for (const key of Object.keys(out.env)) expect(allowed.includes(key) || /^(PYTHON|OMP_|OPENBLAS_|MKL_|NUMEXPR_)/.test(key), key).toBe(true);
    } finally {
      delete process.env.CRUCIBLE_TEST_SECRET;
    }
  });

  it('runs a real scikit-learn solution: reads /data, writes submission.csv and metrics.json to the host', async () => {
    const s = spec(`import json, os
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
data = os.environ["CRUCIBLE_DATA_DIR"]
train = pd.read_csv(os.path.join(data, "train.csv"))
test = pd.read_csv(os.path.join(data, "test.csv"))
X, y = train[["a", "b"]], train["label"]
model = LogisticRegression().fit(X, y)
pd.DataFrame({"id": test["id"], "label": model.predict(test[["a", "b"]])}).to_csv("submission.csv", index=False)
json.dump({"cv_accuracy": float(cross_val_score(LogisticRegression(), X, y, cv=3).mean())}, open("metrics.json", "w"))
print("done")
`);
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 10},${(i * 7) % 13},${i % 10 >= 5 ? 1 : 0}`);
    writeFileSync(path.join(s.dataDir, 'train.csv'), `a,b,label\n${rows.join('\n')}\n`);
    writeFileSync(path.join(s.dataDir, 'test.csv'), 'id,a,b\n1,1,3\n2,9,4\n');
    const r = await sandbox.execute(s);
    expect(r.exitCode, r.stderr.text).toBe(0);
    expect(r.stdout.text).toBe('done\n');
    expect(readFileSync(path.join(s.workDir, 'submission.csv'), 'utf8')).toBe('id,label\n1,0\n2,1\n');
    expect(JSON.parse(readFileSync(path.join(s.workDir, 'metrics.json'), 'utf8')).cv_accuracy).toBeGreaterThan(0.9);
  });

  it('reports exit codes and signals as the plain process does', async () => {
    expect(await sandbox.execute(spec('raise SystemExit(3)\n'))).toMatchObject({ exitCode: 3, signal: null, oomKilled: false });
    const r = await sandbox.execute(spec('import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n'));
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM', timedOut: false });
  });

  it('kills the whole tree at the timeout, and what a solution leaves running when it exits', async () => {
    const marker = `crucible-timeout-${process.pid}-${Date.now()}`;
    const r = await sandbox.execute(spec(`${sleeper(marker)}time.sleep(120)\n`, { timeoutMs: 1500 }));
    expect(r).toMatchObject({ timedOut: true, cancelled: false, exitCode: null, signal: 'SIGKILL' });
    expect(r.stdout.text).toBe('child started\n');
    expect(r.durationMs).toBeGreaterThanOrEqual(1400);
    expect(r.durationMs).toBeLessThan(5000);
    expect(await noneLeft(marker)).toBe(true);

    const leftover = `crucible-leftover-${process.pid}-${Date.now()}`;
    const done = await sandbox.execute(spec(sleeper(leftover)));
    expect(done.exitCode).toBe(0);
    expect(await noneLeft(leftover)).toBe(true);

    const aborted = `crucible-abort-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 700);
    const c = await sandbox.execute(spec(`${sleeper(aborted)}time.sleep(120)\n`), controller.signal);
    expect(c).toMatchObject({ cancelled: true, timedOut: false, signal: 'SIGKILL' });
    expect(await noneLeft(aborted)).toBe(true);
    expect(leftoverCgroups()).toEqual([]);
  });

  it('caps a fork bomb at the pids limit; the host is unaffected and nothing is left behind', async () => {
    const marker = `crucible-fork-${process.pid}-${Date.now()}`;
    const code = `import os, sys, time
sys.argv.append("${marker}")
n = 0
try:
    while n < 2000:
        if os.fork() == 0:
            time.sleep(60); os._exit(0)
        n += 1
except OSError as e:
    print("forks", n, e.strerror)
`;
    const r = await tight.execute(spec(code));
    expect(r.exitCode, r.stderr.text).toBe(0);
    const forks = Number(/forks (\d+) Resource temporarily unavailable/.exec(r.stdout.text)?.[1]);
    expect(forks, r.stdout.text).toBeGreaterThan(10);
    expect(forks).toBeLessThan(64);
    // The host can still start processes, and the pid namespace took every child with it.
    expect(await sandbox.execute(spec('print("ok")\n'))).toMatchObject({ exitCode: 0, stdout: { text: 'ok\n' } });
    expect(leftoverCgroups()).toEqual([]);
  });

  it('enforces the memory limit the isolation promises: an OOM kill under a cgroup, MemoryError under rlimits', async () => {
    const hog = 'blocks = []\nfor _ in range(40):\n    blocks.append(b"x" * (50 * 1024 * 1024))\nprint("survived")\n';
    const tightInfo = await tight.isolation();
    const r = await tight.execute(spec(hog));
    expect(r.stdout.text).not.toContain('survived');
    expect(r.oomKilled).toBe(true);
    if (tightInfo.limits === 'cgroup') expect(r).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
    else expect(r.stderr.text).toContain('MemoryError');
    expect(await tight.execute(spec('small = b"x" * (50 * 1024 * 1024)\n'))).toMatchObject({ exitCode: 0, oomKilled: false });
    expect(leftoverCgroups()).toEqual([]);
  });

  it('caps CPU at the cgroup quota', async () => {
    const tightInfo = await tight.isolation();
    const r = await tight.execute(spec(`import os, time
start = time.time()
while time.time() - start < 1.0:
    pass
t = os.times()
print((t.user + t.system) / (time.time() - start))
`));
    expect(r.exitCode, r.stderr.text).toBe(0);
    const share = Number(r.stdout.text);
    // cpus: 0.5 -> about half a core; without a cgroup there is no CPU cap.
    if (tightInfo.limits === 'cgroup') expect(share).toBeLessThan(0.7);
    expect(share).toBeGreaterThan(0.2);
  });

  it('falls back to rlimits without a cgroup, with a warning saying so: MemoryError and a process cap', async () => {
    const rinfo = await rlimited.isolation();
    expect(rinfo).toMatchObject({ mode: 'bwrap', limits: 'rlimit', weak: true });
    expect(rinfo.message).toMatch(/^WARNING: .*no usable cgroup.*rlimits/);
    const mem = await rlimited.execute(spec('blocks = []\nfor _ in range(60):\n    blocks.append(b"x" * (50 * 1024 * 1024))\n'));
    expect(mem).toMatchObject({ exitCode: 1, oomKilled: true });
    expect(mem.stderr.text).toContain('MemoryError');
    const fork = await rlimited.execute(spec('import os, time\nn = 0\ntry:\n    while n < 2000:\n        if os.fork() == 0:\n            time.sleep(60); os._exit(0)\n        n += 1\nexcept OSError:\n    print(n)\n'));
    expect(fork.exitCode, fork.stderr.text).toBe(0);
    expect(Number(fork.stdout.text)).toBeGreaterThan(0);
    expect(Number(fork.stdout.text)).toBeLessThan(64);
    // No cgroup to sweep: bwrap --die-with-parent and the pid namespace still take the whole tree down.
    const marker = `crucible-rlimit-timeout-${process.pid}-${Date.now()}`;
    const r = await rlimited.execute(spec(`${sleeper(marker)}time.sleep(120)\n`, { timeoutMs: 800 }));
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL', stdout: { text: 'child started\n' } });
    expect(await noneLeft(marker)).toBe(true);
  });

  it('rejects when the interpreter is missing: an infrastructure fault, not a buggy solution', async () => {
    const broken = new ProcessExecutor({ python: path.join(root, 'no-such-python'), logger, isolation: 'bwrap' });
    await expect(broken.execute(spec('pass\n'))).rejects.toThrow(/ENOENT/);
  });
});

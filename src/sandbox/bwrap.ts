/**
 * bubblewrap command lines for the process sandbox: own mount, pid, network, ipc and uts
 * namespaces; the host's /usr read-only and nothing else of the host but the interpreter, the
 * task's data (read-only) and the work folder; a size-capped /tmp.
 *
 * Who the solution runs as:
 *  - Worker is root (the build machines): bwrap itself runs as root without a user namespace, so
 *    it can bind paths only root can reach (the pyenv interpreter lives under /root, mode 0700),
 *    and the command inside is `setpriv` dropping to uid/gid 65534 with no capabilities, no
 *    bounding set, no supplementary groups and no_new_privs. The solution is then a real,
 *    unprivileged host uid, and not in a user namespace of its own.
 *    (The notes' order, setpriv first and bwrap as 65534 in a user namespace, cannot bind
 *    /root/.pyenv: bwrap resolves bind sources as 65534, and --ro-bind-fd fails the same way.)
 *  - Worker is not root: bwrap makes an unprivileged user namespace (--unshare-all) and the
 *    solution runs as the worker's own uid mapped into it, with every capability dropped.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, lstatSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';

export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

/** Prefixes of bwrap's and setpriv's own messages: a run that fails with one of these never reached the solution. */
export const SETUP_ERROR = /^(bwrap|setpriv|prlimit|crucible-sandbox): /;

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Absolute path of an executable found on PATH (or the argument itself if it has a slash), else null. */
export function findExecutable(name: string, searchPath = process.env.PATH ?? '/usr/bin:/bin'): string | null {
  const candidates = name.includes('/') ? [path.resolve(name)] : searchPath.split(':').filter(Boolean).map((d) => path.join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** Where the interpreter lives: what has to be bound into the sandbox for it to start. */
export interface PythonLayout {
  /** sys.executable: the path to run inside the sandbox (a venv's bin/python, not what it links to). */
  executable: string;
  /** Host folders outside /usr the interpreter needs (venv, base prefix), bound read-only at the same path. */
  dirs: string[];
}

const LAYOUT_SCRIPT = [
  'import json, os, sys',
  'exe = os.path.realpath(sys.executable)',
  'print(json.dumps({"executable": sys.executable, "dirs": [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(os.path.dirname(exe))]}))',
].join('\n');

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/**
 * Asks the interpreter where it lives (once; ~30 ms). A pyenv shim or a venv link resolves to
 * the real prefixes here. Rejects like spawn does when the interpreter is missing (ENOENT).
 */
export function pythonLayout(python: string): Promise<PythonLayout> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-I', '-c', LAYOUT_SCRIPT], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, timeout: 60_000 }, (err, stdout) => {
      if (err) return reject(err);
      try {
        const raw = JSON.parse(stdout) as { executable: string; dirs: string[] };
        if (!path.isAbsolute(raw.executable)) throw new Error(`sys.executable is not absolute: ${JSON.stringify(raw.executable)}`);
        const dirs = [...new Set(raw.dirs.map((d) => path.resolve(d)))]
          // /usr is bound whole; /usr/local is masked, so what the interpreter needs there is bound back.
          .filter((d) => d !== '/' && (!within(d, '/usr') || within(d, '/usr/local')))
          .sort();
        // Drop folders inside another one in the list: binding the outer one suffices.
        resolve({ executable: raw.executable, dirs: dirs.filter((d) => !dirs.some((o) => o !== d && within(d, o))) });
      } catch (parseErr) {
        reject(new Error(`cannot read the layout of ${python}: ${(parseErr as Error).message}; output: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** The host's merged-/usr links (/bin -> usr/bin, ...) recreated as links; real folders bound read-only. */
function rootLinks(): string[] {
  const args: string[] = [];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const host = `/${name}`;
    try {
      const st = lstatSync(host);
      if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(host), host);
      else if (st.isDirectory()) args.push('--ro-bind', host, host);
    } catch {
      // Absent on this host.
    }
  }
  return args;
}

/** Namespaces, identity and capabilities: the part shared by the probe and real runs. */
function baseArgs(asRoot: boolean): string[] {
  const namespaces = asRoot
    ? // No user namespace: bwrap (root) does the mounts, setpriv inside drops to 65534.
      ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try']
    : ['--unshare-all'];
  // Root keeps only what setpriv needs to switch user and clear its bounding set; it then drops them.
  const caps = asRoot
    ? ['--cap-drop', 'ALL', '--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--cap-add', 'CAP_SETPCAP']
    : ['--cap-drop', 'ALL'];
  return [...namespaces, '--die-with-parent', '--new-session', '--hostname', 'sandbox', ...caps];
}

/** The argv prefix that runs `command` as the sandbox user (root workers only). */
function dropPrivileges(asRoot: boolean): string[] {
  return asRoot
    ? ['setpriv', `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--']
    : [];
}

/** Ancestors of `dir` (not `/`), outermost first: `/a/b/c` -> `/a`, `/a/b`. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); d !== '/' && d !== '.'; d = path.dirname(d)) out.unshift(d);
  return out;
}

export interface SandboxCommand {
  python: PythonLayout;
  dataDir: string;
  dataDirExists: boolean;
  workDir: string;
  tmpBytes: number;
  shmBytes: number;
  asRoot: boolean;
  /** rlimits set inside the sandbox when no cgroup is available. */
  rlimits?: { addressSpaceBytes: number; processes: number };
}

/** bwrap's arguments (after the bwrap executable) to run `python -u solution.py` in /workdir. */
export function bwrapArgs(o: SandboxCommand): string[] {
  const args = [...baseArgs(o.asRoot), '--ro-bind', '/usr', '/usr', ...rootLinks()];
  // Parents bwrap creates on its own get mode 0700 (root-owned): unreadable for uid 65534.
  const made = new Set<string>();
  const dir = (d: string): void => {
    if (made.has(d)) return;
    made.add(d);
    args.push('--perms', '0755', '--dir', d);
  };
  // From /etc only the alternatives links (libblas.so.3 and friends); the rest would leak host config.
  dir('/etc');
  args.push('--ro-bind-try', '/etc/alternatives', '/etc/alternatives');
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--perms', '1777', '--size', String(o.shmBytes), '--tmpfs', '/dev/shm');
  args.push('--perms', '1777', '--size', String(o.tmpBytes), '--tmpfs', '/tmp');
  // The host's /usr/local can put its packages on sys.path (a .pth in dist-packages): mask it.
  args.push('--perms', '0755', '--tmpfs', '/usr/local');
  for (const d of o.python.dirs) {
    // Folders leading to it; those inside /usr exist already (except under the masked /usr/local).
    for (const a of ancestors(d)) if (!within(a, '/usr') || (within(a, '/usr/local') && a !== '/usr/local')) dir(a);
    args.push('--ro-bind', d, d);
  }
  if (o.dataDirExists) args.push('--ro-bind', o.dataDir, '/data');
  else dir('/data');
  args.push('--bind', o.workDir, '/workdir', '--chdir', '/workdir');
  // Without this the root is a writable tmpfs (writes to /x and /etc/x succeed).
  args.push('--remount-ro', '/usr/local', '--remount-ro', '/');
  const inner = [o.python.executable, '-u', 'solution.py'];
  const limited = o.rlimits
    ? ['prlimit', `--as=${o.rlimits.addressSpaceBytes}`, `--nproc=${o.rlimits.processes}`, '--', ...inner]
    : inner;
  return [...args, '--', ...dropPrivileges(o.asRoot), ...limited];
}

/** Runs `true` in a minimal sandbox of the same kind; resolves to null when it works, else to why not. */
function runProbe(bwrap: string, asRoot: boolean): Promise<string | null> {
  const args = [...baseArgs(asRoot), '--ro-bind', '/usr', '/usr', ...rootLinks(), '--proc', '/proc', '--dev', '/dev',
    '--remount-ro', '/', '--', ...dropPrivileges(asRoot), 'true'];
  return new Promise((resolve) => {
    execFile(bwrap, args, { env: { PATH: '/usr/bin:/bin' }, timeout: 10_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve(null);
      resolve(`${bwrap} does not work here: ${(stderr.trim() || err.message).split('\n')[0]}`);
    });
  });
}

const probes = new Map<string, Promise<string | null>>();

/** Whether bwrap can build a sandbox on this host (cached per bwrap path); null when it can, else the reason. */
export function probeBwrap(bwrap: string, asRoot = isRoot()): Promise<string | null> {
  const key = `${bwrap}\0${asRoot}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = runProbe(bwrap, asRoot);
    probes.set(key, probe);
  }
  return probe;
}

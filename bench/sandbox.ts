/**
 * Sandbox latency benchmark: wall-clock time from asking for an execution to having its result, for
 * `pass` and for `import sklearn`, through DockerExecutor (a fresh container per run, all limits on),
 * a bare container of the same image (the container floor), ProcessExecutor (a plain child process)
 * and bare python3 from the project venv. Prints a Markdown
 * table of medians (and minima) with each path's ratio to bare python3.
 *
 *   npx tsx bench/sandbox.ts [--runs 10]      (npm run bench:sandbox; `npm run bench` runs it too, via sandboxBench)
 *
 * Needs the Docker engine and sandbox image (scripts/docker-engine.sh, scripts/sandbox-image.sh) and
 * the venv of scripts/setup.sh. The container runs Debian's Python stack, the other two the venv's:
 * the library versions differ, so `import sklearn` is not exactly the same work.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pythonPath } from '../src/config/paths.js';
import Docker from 'dockerode';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, dockerAvailable } from '../src/sandbox/docker.js';
import { ProcessExecutor } from '../src/sandbox/process.js';
import type { Executor } from '../src/sandbox/executor.js';

const programs = { pass: 'pass\n', 'import sklearn': 'import sklearn\n' } as const;
export type Program = keyof typeof programs;

type Runner = (code: string, i: number) => Promise<void>;

function bare(python: string): Runner {
  return (code) =>
    new Promise((resolve, reject) => {
      const child = spawn(python, ['-c', code], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (status) => (status === 0 ? resolve() : reject(new Error(`python exited ${status}`))));
    });
}

/**
 * The container floor: the least any container sandbox does per run (create, start, wait, remove, with
 * the same image, no network and no engine log file), without limits, mounts, output capture or
 * workspace handling. DockerExecutor minus this is what Crucible's sandbox adds.
 */
function bareContainer(docker: Docker, image: string): Runner {
  return async (code) => {
    const container = await docker.createContainer({
      Image: image, Cmd: ['python3', '-c', code], NetworkDisabled: true, HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode?: number };
      if (StatusCode !== 0) throw new Error(`container exited ${StatusCode}`);
    } finally {
      await container.remove({ force: true });
    }
  };
}

function viaExecutor(executor: Executor, root: string): Runner {
  return async (code, i) => {
    const dir = path.join(root, executor.name, String(i));
    const r = await executor.execute({ code, dataDir: path.join(dir, 'data'), workDir: path.join(dir, 'work'), timeoutMs: 60_000, maxOutputBytes: 65536 });
    if (r.exitCode !== 0) throw new Error(`${executor.name} failed: ${r.stderr.text}`);
  };
}

export interface Timing {
  median: number;
  min: number;
}

async function measure(run: Runner, code: string, runs: number): Promise<Timing> {
  await run(code, -1); // warm-up: page cache, image layers, first container
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(code, i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? (times[mid] as number) : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
  return { median, min: times[0] as number };
}

export const BARE = 'bare python3 (venv)';
export const CONTAINER_FLOOR = 'bare container (create, start, wait, remove)';

/** Path name (bare python3, ProcessExecutor, DockerExecutor) → program → timing. */
export type SandboxResults = Record<string, Partial<Record<Program, Timing>>>;

/**
 * Times every path on every program, `runs` times each after one warm-up. Without a Docker engine the
 * Docker path is left out (and `docker` says why) unless `requireDocker`.
 */
export async function sandboxBench(opts: { runs: number; programs?: readonly Program[]; requireDocker?: boolean }): Promise<{
  results: SandboxResults; docker: string | null;
}> {
  const wanted = opts.programs ?? (Object.keys(programs) as Program[]);
  const hasDocker = await dockerAvailable();
  if (!hasDocker && opts.requireDocker) {
    throw new Error('no Docker engine answers: run scripts/docker-engine.sh and scripts/sandbox-image.sh');
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-sandbox-'));
  try {
    const python = pythonPath();
    const paths: [string, Runner][] = [
      [BARE, bare(python)],
      ['ProcessExecutor', viaExecutor(new ProcessExecutor({ python, logger: { warn: () => undefined } }), root)],
      ...(hasDocker
        ? [
          [CONTAINER_FLOOR, bareContainer(new Docker(), DEFAULT_SANDBOX_IMAGE)] as [string, Runner],
          ['DockerExecutor', viaExecutor(new DockerExecutor(), root)] as [string, Runner],
        ]
        : []),
    ];
    const results: SandboxResults = {};
    for (const [name, run] of paths) {
      const byProgram: Partial<Record<Program, Timing>> = {};
      for (const label of wanted) byProgram[label] = await measure(run, programs[label], opts.runs);
      results[name] = byProgram;
    }
    return { results, docker: hasDocker ? null : 'no Docker engine answers (scripts/docker-engine.sh)' };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  const { results } = await sandboxBench({ runs, requireDocker: true });
  const base = results[BARE]!;
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  const labels = Object.keys(programs) as Program[];
  console.log(`Median of ${runs} runs (min in parentheses), ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}\n`);
  console.log(`| path | ${labels.map((p) => `\`${p}\` | ratio`).join(' | ')} |`);
  console.log(`|---|${labels.map(() => '---:|---:').join('|')}|`);
  for (const [name, byProgram] of Object.entries(results)) {
    const cells = labels.map((label) => {
      const t = byProgram[label]!;
      return `${fmt(t.median)} (${fmt(t.min)}) | ${(t.median / (base[label]?.median ?? NaN)).toFixed(1)}×`;
    });
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

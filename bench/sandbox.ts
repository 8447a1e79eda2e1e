/**
 * Sandbox latency benchmark: wall-clock time from asking for an execution to having its result, for
 * `pass` and for `import sklearn`, through DockerExecutor (a fresh container per run, all limits on),
 * ProcessExecutor (a plain child process) and bare python3 from the project venv. Prints a Markdown
 * table of medians (and minima) with each path's ratio to bare python3.
 *
 *   npx tsx bench/sandbox.ts [--runs 10]
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
import { parseArgs } from 'node:util';
import { pythonPath } from '../src/config/paths.js';
import { DockerExecutor, dockerAvailable } from '../src/sandbox/docker.js';
import { ProcessExecutor } from '../src/sandbox/process.js';
import type { Executor } from '../src/sandbox/types.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Number(values.runs);
const programs = { pass: 'pass\n', 'import sklearn': 'import sklearn\n' } as const;

type Runner = (code: string, i: number) => Promise<void>;

function bare(python: string): Runner {
  return (code) =>
    new Promise((resolve, reject) => {
      const child = spawn(python, ['-c', code], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (status) => (status === 0 ? resolve() : reject(new Error(`python exited ${status}`))));
    });
}

function viaExecutor(executor: Executor, root: string): Runner {
  return async (code, i) => {
    const dir = path.join(root, executor.name, String(i));
    const r = await executor.execute({ code, dataDir: path.join(dir, 'data'), workDir: path.join(dir, 'work'), timeoutMs: 60_000, maxOutputBytes: 65536 });
    if (r.exitCode !== 0) throw new Error(`${executor.name} failed: ${r.stderr.text}`);
  };
}

async function measure(run: Runner, code: string): Promise<{ median: number; min: number }> {
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

if (!(await dockerAvailable())) throw new Error('no Docker engine answers: run scripts/docker-engine.sh and scripts/sandbox-image.sh');
const root = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-sandbox-'));
try {
  const python = pythonPath();
  const paths: [string, Runner][] = [
    ['bare python3 (venv)', bare(python)],
    ['ProcessExecutor', viaExecutor(new ProcessExecutor({ python, logger: { warn: () => undefined } }), root)],
    ['DockerExecutor', viaExecutor(new DockerExecutor(), root)],
  ];
  const results: Record<string, Record<string, { median: number; min: number }>> = {};
  for (const [name, run] of paths) {
    results[name] = {};
    for (const [label, code] of Object.entries(programs)) results[name][label] = await measure(run, code);
  }
  const base = results['bare python3 (venv)'] as Record<string, { median: number }>;
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  console.log(`Median of ${runs} runs (min in parentheses), ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}\n`);
  console.log(`| path | ${Object.keys(programs).map((p) => `\`${p}\` | ratio`).join(' | ')} |`);
  console.log(`|---|${Object.keys(programs).map(() => '---:|---:').join('|')}|`);
  for (const [name, byProgram] of Object.entries(results)) {
    const cells = Object.entries(byProgram).map(
      ([label, t]) => `${fmt(t.median)} (${fmt(t.min)}) | ${(t.median / (base[label]?.median ?? NaN)).toFixed(1)}×`,
    );
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

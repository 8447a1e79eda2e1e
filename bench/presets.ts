/**
 * Preset benchmark: every agent preset × bundled task × seed, run for real (offline operators, real
 * Python in the process sandbox) through a Temporal dev server this script starts on a free port in a
 * temp folder, with control and exec workers in this process. Prints a Markdown table per
 * (preset, task) plus an overall row per preset, and writes the raw per-run results as JSON under
 * bench/results/. See bench/README.md for the columns.
 *
 *   npm run bench:presets -- --seeds 3 --steps 15 --tasks breast-cancer,diabetes --presets aira-greedy,aira-mcts --parallelism 1
 *
 * Every option can also be given by environment: BENCH_SEEDS, BENCH_STEPS, BENCH_TASKS,
 * BENCH_PRESETS, BENCH_PARALLELISM, BENCH_BUDGET, BENCH_OUT (argv wins).
 */
import { scoreName } from '../src/tasks/types.js';
import { OptionError, parseOrExit, positiveInt } from './options.js';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildRunInput, UsageError } from '../src/cli/runInput.js';
import { freePort, startServer, stopServer, type DevServerOptions } from '../src/cli/devServer.js';
import { PRESET_NAMES } from '../src/config/agent.js';
import { builtTasksDir } from '../src/config/paths.js';
import type { Direction, NodeRecord } from '../src/core/node.js';
import { bundleWorkflows } from '../src/workers/bundle.js';
import { createControlWorker } from '../src/workers/control.js';
import { createExecWorker } from '../src/workers/exec.js';
import { installRuntime } from '../src/workers/logging.js';
import { agentRun } from '../src/workflows/index.js';
import type { AgentRunInput } from '../src/workflows/types.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const CONTROL_QUEUE = 'bench-control';
const EXEC_QUEUE = 'bench-exec';

// ---------------------------------------------------------------- options

export interface BenchOptions {
  seeds: number[];
  steps: number;
  tasks: string[];
  presets: string[];
  parallelism: number;
  /** Wall-clock budget of each run. It also sizes the generated programs (src/operators/offline/budget.ts). */
  budget: string;
  out: string;
}


const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

/** `--seeds 3` means seeds 1, 2, 3; `--seeds 4,7` means exactly those. */
function parseSeeds(text: string): number[] {
  if (!text.includes(',')) return Array.from({ length: positiveInt('seeds', text, 1000) }, (_, i) => i + 1);
  return list(text).map((s) => {
    if (!/^\d+$/.test(s) || Number(s) > 2 ** 31 - 1) throw new OptionError(`--seeds: "${s}" is not a seed`);
    return Number(s);
  });
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string' }, steps: { type: 'string' }, tasks: { type: 'string' }, presets: { type: 'string' },
      parallelism: { type: 'string' }, budget: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run bench:presets -- [--seeds N|a,b,c] [--steps N] [--tasks a,b] [--presets a,b] [--parallelism N] [--budget 24h] [--out file.json]');
    process.exit(0);
  }
  const presets = list(values.presets ?? env.BENCH_PRESETS ?? PRESET_NAMES.join(','));
  const unknown = presets.filter((p) => !PRESET_NAMES.includes(p));
  if (unknown.length > 0) throw new OptionError(`--presets: unknown ${unknown.join(', ')} (choose from ${PRESET_NAMES.join(', ')})`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return {
    seeds: parseSeeds(values.seeds ?? env.BENCH_SEEDS ?? '3'),
    steps: positiveInt('steps', values.steps ?? env.BENCH_STEPS ?? '15', 100_000),
    tasks: list(values.tasks ?? env.BENCH_TASKS ?? 'breast-cancer,diabetes'),
    presets,
    parallelism: positiveInt('parallelism', values.parallelism ?? env.BENCH_PARALLELISM ?? '1', 64),
    budget: values.budget ?? env.BENCH_BUDGET ?? '24h',
    out: path.resolve(values.out ?? env.BENCH_OUT ?? path.join(BENCH_DIR, 'results', `presets-${stamp}.json`)),
  };
}

// ---------------------------------------------------------------- one run's numbers

export interface RunResult {
  preset: string;
  task: string;
  metric: string;
  direction: Direction;
  seed: number;
  steps: number;
  /** Null when the run completed; the error otherwise (it then counts as a run without a medal). */
  error: string | null;
  nodes: number;
  buggyNodes: number;
  /** Validation score of the selected (best-validation) node. */
  bestValidationScore: number | null;
  /** Hidden test score of the selected node. */
  selectedTestScore: number | null;
  /** Best hidden test score among the run's good nodes: what a perfect selector would have picked. */
  oracleTestScore: number | null;
  /** oracle − selected, signed so that >= 0 means the oracle is better (rmse: selected − oracle). */
  testGap: number | null;
  medal: 'gold' | 'silver' | 'bronze' | null;
  aboveMedian: boolean;
  elapsedMs: number;
  /** Nodes per operator. */
  operators: Record<string, number>;
  /** One letter per node: D draft, I improve, X crossover, d debug; lower-case x after a buggy node's letter. */
  trace: string;
}

const isGood = (n: NodeRecord) => n.id > 0 && !n.buggy && n.score !== null && Number.isFinite(n.score);

export function summariseRun(
  base: Pick<RunResult, 'preset' | 'task' | 'metric' | 'direction' | 'seed' | 'steps' | 'elapsedMs'>,
  nodes: readonly NodeRecord[],
  best: { score: number; grade: { score: number | null; medal: RunResult['medal']; aboveMedian: boolean } | null } | null,
): RunResult {
  const sign = base.direction === 'maximize' ? 1 : -1;
  const tests = nodes.filter(isGood).map((n) => n.testScore).filter((s): s is number => s !== null && Number.isFinite(s));
  const oracle = tests.length === 0 ? null : sign * Math.max(...tests.map((s) => sign * s));
  const selected = best?.grade?.score ?? null;
  const operators: Record<string, number> = {};
  for (const n of nodes.slice(1)) operators[n.operator] = (operators[n.operator] ?? 0) + 1;
  const letter: Record<string, string> = { draft: 'D', improve: 'I', crossover: 'X', debug: 'd' };
  return {
    ...base,
    error: null,
    nodes: nodes.length - 1,
    buggyNodes: nodes.filter((n) => n.id > 0 && n.buggy).length,
    bestValidationScore: best?.score ?? null,
    selectedTestScore: selected,
    oracleTestScore: oracle,
    testGap: oracle !== null && selected !== null ? sign * (oracle - selected) : null,
    medal: best?.grade?.medal ?? null,
    aboveMedian: best?.grade?.aboveMedian ?? false,
    operators,
    trace: nodes.slice(1).map((n) => `${letter[n.operator] ?? '?'}${n.buggy ? 'x' : ''}`).join(''),
  };
}

// ---------------------------------------------------------------- aggregation

/** Wilson score interval for k successes in n trials (95% by default). */
export function wilson(k: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

const mean = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};

export interface Row {
  preset: string;
  /** A task id, or "all" for the overall row. */
  task: string;
  runs: number;
  failed: number;
  medals: number;
  medalRate: number;
  medalCi: { low: number; high: number };
  aboveMedianRate: number;
  /** Score means are null on overall rows: they would mix metrics. */
  meanBestValidation: number | null;
  meanSelectedTest: number | null;
  meanOracleTest: number | null;
  meanGap: number | null;
  meanNodes: number;
  meanBuggyFraction: number;
}

export function aggregate(preset: string, task: string, runs: readonly RunResult[], withScores: boolean): Row {
  const medals = runs.filter((r) => r.medal !== null).length;
  const completed = runs.filter((r) => r.error === null);
  return {
    preset,
    task,
    runs: runs.length,
    failed: runs.length - completed.length,
    medals,
    medalRate: runs.length ? medals / runs.length : 0,
    medalCi: wilson(medals, runs.length),
    aboveMedianRate: runs.length ? runs.filter((r) => r.aboveMedian).length / runs.length : 0,
    meanBestValidation: withScores ? mean(runs.map((r) => r.bestValidationScore)) : null,
    meanSelectedTest: withScores ? mean(runs.map((r) => r.selectedTestScore)) : null,
    meanOracleTest: withScores ? mean(runs.map((r) => r.oracleTestScore)) : null,
    meanGap: withScores ? mean(runs.map((r) => r.testGap)) : null,
    meanNodes: mean(completed.map((r) => r.nodes)) ?? 0,
    meanBuggyFraction: mean(completed.map((r) => (r.nodes ? r.buggyNodes / r.nodes : null))) ?? 0,
  };
}

export function aggregateAll(results: readonly RunResult[], presets: readonly string[], tasks: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (const preset of presets) {
    for (const task of tasks) rows.push(aggregate(preset, task, results.filter((r) => r.preset === preset && r.task === task), true));
    if (tasks.length > 1) rows.push(aggregate(preset, 'all', results.filter((r) => r.preset === preset), false));
  }
  return rows;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number | null, digits = 4) => (x === null ? '—' : x.toFixed(digits));

export function markdownTable(rows: readonly Row[], metricOf: (task: string) => string): string {
  const head = [
    'preset', 'task (metric)', 'runs', 'medal rate [95% CI]', 'above median', 'best val', 'selected test', 'oracle test', 'gap',
    'nodes', 'buggy',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of rows) {
    const task = r.task === 'all' ? '**all tasks**' : `${r.task} (${metricOf(r.task)})`;
    lines.push(`| ${[
      r.task === 'all' ? `**${r.preset}**` : r.preset, task, r.failed ? `${r.runs} (${r.failed} failed)` : String(r.runs),
      `${pct(r.medalRate)} [${pct(r.medalCi.low)}, ${pct(r.medalCi.high)}]`, pct(r.aboveMedianRate),
      num(r.meanBestValidation), num(r.meanSelectedTest), num(r.meanOracleTest), num(r.meanGap),
      r.meanNodes.toFixed(1), pct(r.meanBuggyFraction),
    ].join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- running

function taskPath(task: string): string {
  if (task.includes('/') || task.includes(path.sep)) return path.resolve(task);
  const built = path.join(builtTasksDir(), task);
  if (!existsSync(built)) throw new OptionError(`task "${task}" is not built under ${builtTasksDir()}: run \`npm run setup\``);
  return built;
}

interface Job {
  preset: string;
  task: string;
  seed: number;
}

/** Runs jobs with at most `parallelism` in flight, in order of start; results keep job order. */
async function pool<T, R>(items: readonly T[], parallelism: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(parallelism, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export async function runBench(opts: BenchOptions): Promise<{ results: RunResult[]; rows: Row[]; table: string; wallMs: number }> {
  const started = Date.now();
  const inputs = new Map<string, AgentRunInput>();
  const jobs: Job[] = [];
  const taskIds: string[] = [];
  const metrics = new Map<string, string>();
  for (const preset of opts.presets) {
    for (const taskArg of opts.tasks) {
      for (const seed of opts.seeds) {
        // Validates every option (and loads each task) before the server starts.
        const input = await buildRunInput({
          task: taskPath(taskArg), agent: preset, seed: String(seed), budget: opts.budget, steps: String(opts.steps), execTimeout: '5m',
        });
        const task = input.task.id;
        if (!taskIds.includes(task)) taskIds.push(task);
        metrics.set(task, scoreName(input.task));
        inputs.set(`${preset}|${task}|${seed}`, input);
        jobs.push({ preset, task, seed });
      }
    }
  }
  const metricOf = (task: string) => metrics.get(task) ?? '?';

  const serverDir = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-server-'));
  const stateRoot = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-state-'));
  const server: DevServerOptions = { stateDir: serverDir, port: await freePort(), uiPort: null };
  const cleanup = async () => {
    await stopServer(server).catch(() => undefined);
    await rm(serverDir, { recursive: true, force: true });
    await rm(stateRoot, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const { address } = await startServer(server);
    installRuntime();
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const workers: Worker[] = [
      await createControlWorker({ connection: nativeConnection, workflowBundle: await bundleWorkflows(), taskQueue: CONTROL_QUEUE, stateRoot }),
      await createExecWorker({ connection: nativeConnection, taskQueue: EXEC_QUEUE, stateRoot, maxConcurrent: opts.parallelism }),
    ];
    const running = workers.map((w) => w.run());
    let results: RunResult[];
    try {
      let done = 0;
      results = await pool(jobs, opts.parallelism, async (job): Promise<RunResult> => {
        const input = { ...inputs.get(`${job.preset}|${job.task}|${job.seed}`)!, execTaskQueue: EXEC_QUEUE };
        const base = {
          preset: job.preset, task: job.task, metric: scoreName(input.task), direction: input.task.direction, seed: job.seed,
          steps: opts.steps,
        };
        const t0 = Date.now();
        let result: RunResult;
        try {
          const summary = await client.workflow.execute(agentRun, {
            taskQueue: CONTROL_QUEUE, workflowId: `bench-${job.preset}-${job.task}-s${job.seed}-${t0}`, args: [input],
          });
          const graph = JSON.parse(await readFile(path.join(summary.runDir, 'graph.json'), 'utf8')) as { nodes: NodeRecord[] };
          result = summariseRun({ ...base, elapsedMs: Date.now() - t0 }, graph.nodes, summary.best);
        } catch (err) {
          result = {
            ...base, elapsedMs: Date.now() - t0, error: String((err as Error).cause ?? err).slice(0, 500), nodes: 0, buggyNodes: 0,
            bestValidationScore: null, selectedTestScore: null, oracleTestScore: null, testGap: null, medal: null,
            aboveMedian: false, operators: {}, trace: '',
          };
        }
        done += 1;
        console.error(
          `[${done}/${jobs.length}] ${job.preset} ${job.task} seed ${job.seed}: ` +
            (result.error ?? `${result.trace} val ${num(result.bestValidationScore)} test ${num(result.selectedTestScore)} ` +
              `oracle ${num(result.oracleTestScore)} medal ${result.medal ?? '-'} (${(result.elapsedMs / 1000).toFixed(0)} s)`),
        );
        return result;
      });
    } finally {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await nativeConnection.close();
      await connection.close();
    }

    const rows = aggregateAll(results, opts.presets, taskIds);
    const table = markdownTable(rows, metricOf);
    const wallMs = Date.now() - started;
    await mkdir(path.dirname(opts.out), { recursive: true });
    await writeFile(opts.out, `${JSON.stringify({
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, platform: `${os.platform()} ${os.arch()}`, node: process.version },
      config: { seeds: opts.seeds, steps: opts.steps, tasks: taskIds, presets: opts.presets, parallelism: opts.parallelism, budget: opts.budget },
      wallMs,
      rows,
      runs: results,
    }, null, 1)}\n`);
    return { results, rows, table, wallMs };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

async function main(): Promise<void> {
  const opts: BenchOptions = parseOrExit(() => parseOptions(process.argv.slice(2), process.env));
  console.error(
    `bench: ${opts.presets.length} preset(s) × ${opts.tasks.length} task(s) × ${opts.seeds.length} seed(s) ` +
      `(${opts.seeds.join(',')}), ${opts.steps} steps, ${opts.parallelism} in flight`,
  );
  let outcome: Awaited<ReturnType<typeof runBench>>;
  try {
    outcome = await runBench(opts);
  } catch (err) {
    if (err instanceof OptionError || err instanceof UsageError) {
      console.error(`bench: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const { results, table, wallMs } = outcome;
  console.log(table);
  const failed = results.filter((r) => r.error !== null);
  for (const r of failed) console.log(`\nfailed: ${r.preset} ${r.task} seed ${r.seed}: ${r.error}`);
  console.log(`\n${results.length} run${results.length === 1 ? '' : 's'} in ${(wallMs / 1000).toFixed(0)} s; raw results: ${path.relative(process.cwd(), opts.out)}`);
  process.exit(failed.length > 0 ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * AutoML comparison: on every bundled task, with the same wall budget and the same CPUs, an AutoML
 * library (FLAML; AutoGluon too) fitted on the public data and the offline agent run for real, one
 * after the other. Both are graded by Crucible's grader on the hidden test and placed on the task's
 * reference board. Writes bench/results/automl.md and .json; see bench/README.md.
 *
 *   npm run bench:automl -- --budget 120s
 *   npm run bench:automl -- --tasks wine,breast-cancer --budget 20s --contenders flaml,agent
 *
 * Options also come from the environment: BENCH_TASKS, BENCH_BUDGET, BENCH_CONTENDERS, BENCH_CPUS,
 * BENCH_SEED, BENCH_AGENT, BENCH_OUT_DIR (argv wins).
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, startServer, stopServer, type DevServerOptions } from '../src/cli/devServer.js';
import { buildRunInput, UsageError } from '../src/cli/runInput.js';
import { DEFAULT_PRESET, PRESET_NAMES } from '../src/config/agent.js';
import { parseDuration } from '../src/config/duration.js';
import { builtTasksDir, stateDir } from '../src/config/paths.js';
import type { RunSummary } from '../src/core/run.js';
import { column, readCsvFile } from '../src/tasks/csv.js';
import { gradeSubmission, taskThresholds } from '../src/tasks/grade.js';
import { readLeaderboard } from '../src/tasks/leaderboard.js';
import { listTaskIds, loadTask } from '../src/tasks/load.js';
import { readTaskCsv } from '../src/tasks/submission.js';
import { isTableTask, notTableReason, scoreName, type TableTask } from '../src/tasks/types.js';
import { bundleWorkflows } from '../src/workers/bundle.js';
import { createControlWorker } from '../src/workers/control.js';
import { createExecWorker } from '../src/workers/exec.js';
import { installRuntime } from '../src/workers/logging.js';
import { agentRun } from '../src/workflows/index.js';
import {
  LIBRARIES, LIBRARY_LABEL, PlanError, boardPlace, isDefaultModel, libraryMetric, markdownTable, outputKind, problemOf,
  runnerArgs, summaryLines, type AgentResult, type BoardEntry, type Library, type LibraryResult, type OutputKind, type Placement,
  type Problem, type TaskRow,
} from './automl/plan.js';
import { runRunner } from './automl/runner.js';
import { ensureVenv } from './automl/venv.js';
import { OptionError, parseOrExit, positiveInt } from './options.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const CONTROL_QUEUE = 'bench-automl-control';
const EXEC_QUEUE = 'bench-automl-exec';
/** The CPU quota a solution's sandbox gets by default (DockerExecutor and ProcessExecutor `cpus ?? 1`); the bench sets it explicitly on both sides. */
const SANDBOX_CPUS = 1;
const VENVS: Record<Library, { dir: string; requirements: string }> = {
  flaml: { dir: 'automl-venv', requirements: path.join(BENCH_DIR, 'automl-requirements.txt') },
  autogluon: { dir: 'autogluon-venv', requirements: path.join(BENCH_DIR, 'automl', 'autogluon-requirements.txt') },
};
const CONTENDERS = [...LIBRARIES, 'agent'] as const;

export interface AutomlOptions {
  tasks: string[];
  budgetMs: number;
  libraries: Library[];
  agent: boolean;
  preset: string;
  cpus: number;
  seed: number;
  outDir: string;
}

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): AutomlOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      tasks: { type: 'string' }, budget: { type: 'string' }, contenders: { type: 'string' }, cpus: { type: 'string' },
      seed: { type: 'string' }, agent: { type: 'string' }, 'out-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run bench:automl -- [--tasks a,b] [--budget 120s] [--contenders flaml,autogluon,agent] [--cpus 1] [--seed 1] [--agent preset] [--out-dir bench/results]');
    process.exit(0);
  }
  const budgetText = values.budget ?? env.BENCH_BUDGET ?? '120s';
  let budgetMs: number;
  try {
    budgetMs = parseDuration(budgetText);
  } catch (err) {
    throw new OptionError(`--budget: ${(err as Error).message}`);
  }
  if (budgetMs < 10_000) throw new OptionError(`--budget must be at least 10s (got "${budgetText}")`);
  const contenders = list(values.contenders ?? env.BENCH_CONTENDERS ?? CONTENDERS.join(','));
  const unknown = contenders.filter((c) => !(CONTENDERS as readonly string[]).includes(c));
  if (unknown.length > 0 || contenders.length === 0) throw new OptionError(`--contenders: choose from ${CONTENDERS.join(', ')} (got "${contenders.join(',')}")`);
  const preset = values.agent ?? env.BENCH_AGENT ?? DEFAULT_PRESET;
  if (!PRESET_NAMES.includes(preset)) throw new OptionError(`--agent: unknown preset ${preset} (choose from ${PRESET_NAMES.join(', ')})`);
  const seedText = values.seed ?? env.BENCH_SEED ?? '1';
  if (!/^\d+$/.test(seedText.trim())) throw new OptionError(`--seed must be a non-negative integer (got "${seedText}")`);
  const tasksText = values.tasks ?? env.BENCH_TASKS;
  return {
    // Every built task unless named: tasks added later are included.
    tasks: tasksText === undefined ? listTaskIds() : list(tasksText),
    budgetMs,
    libraries: LIBRARIES.filter((l) => contenders.includes(l)),
    agent: contenders.includes('agent'),
    preset,
    cpus: positiveInt('cpus', values.cpus ?? env.BENCH_CPUS ?? String(SANDBOX_CPUS), 256),
    seed: Number(seedText),
    outDir: path.resolve(values['out-dir'] ?? env.BENCH_OUT_DIR ?? path.join(BENCH_DIR, 'results')),
  };
}

// ---------------------------------------------------------------- one task

function readBoard(task: TableTask): BoardEntry[] {
  if (task.leaderboardPath === null) return [];
  const scores = readLeaderboard(task.leaderboardPath, task.direction); // validates the order
  const teams = column(readCsvFile(task.leaderboardPath), 'teamId');
  return scores.map((score, i) => ({ team: teams[i]!, score }));
}

async function place(task: TableTask, board: readonly BoardEntry[], submission: string | null, wallMs: number, error: string | null): Promise<Placement> {
  if (submission === null) return { score: null, medal: null, place: null, wallMs, error };
  const graded = await gradeSubmission(task, submission);
  return {
    score: graded.score,
    medal: graded.medal,
    place: graded.score === null ? null : boardPlace(graded.score, board.map((e) => e.score), task.direction),
    wallMs,
    error: graded.reason,
  };
}

/** A task the contenders run on, with what they are asked to fit. */
interface Prepared {
  task: TableTask;
  problem: Problem;
  output: OutputKind;
  row: TaskRow;
}

async function prepare(ref: string): Promise<Prepared | TaskRow> {
  const dir = ref.includes('/') ? path.resolve(ref) : path.join(builtTasksDir(), ref);
  const spec = await loadTask(dir);
  const skipped = (reason: string): TaskRow => ({
    task: spec.id, type: spec.type, metric: scoreName(spec), direction: spec.direction, problem: null, output: null, rows: null,
    best: null, defaults: [], thresholds: null, boardSize: 0, libraries: [], agent: null, skipped: reason,
  });
  if (!isTableTask(spec)) return skipped(notTableReason(spec)!);
  const train = readTaskCsv(spec.files.train);
  let problem: Problem;
  let output: OutputKind;
  try {
    problem = problemOf(spec.type, new Set(column(train, spec.target).filter((v) => v.trim() !== '')).size);
    output = outputKind(spec.metric, spec.predictionColumns, problem);
  } catch (err) {
    if (err instanceof PlanError) return skipped(err.message);
    throw err;
  }
  const board = readBoard(spec);
  return {
    task: spec, problem, output,
    row: {
      task: spec.id, type: spec.type, metric: spec.metric, direction: spec.direction, problem, output,
      rows: { train: train.rows.length, test: readTaskCsv(spec.files.test).rows.length, scored: readTaskCsv(spec.answersPath).rows.length },
      best: board[0] ?? null, defaults: board.filter(isDefaultModel), thresholds: taskThresholds(spec), boardSize: board.length,
      libraries: [], agent: null, skipped: null,
    },
  };
}

async function runLibrary(python: string, library: Library, p: Prepared, opts: AutomlOptions, scratch: string): Promise<LibraryResult> {
  const { task, problem, output } = p;
  const metric = libraryMetric(library, task.metric, problem);
  const workdir = await mkdtemp(path.join(scratch, `${library}-${task.id}-`));
  const args = runnerArgs({
    publicDir: task.publicDir, train: task.files.train, test: task.files.test, sampleSubmission: task.files.sampleSubmission,
    target: task.target, idColumn: task.idColumn, problem, metric, output,
    budgetSeconds: opts.budgetMs / 1000, nJobs: opts.cpus, seed: opts.seed, workdir,
  });
  // The runner keeps its own clock inside the budget; the kill is for a library that ignores it.
  const out = await runRunner(python, library, args, opts.cpus, workdir, opts.budgetMs * 1.5 + 30_000);
  await rm(workdir, { recursive: true, force: true });
  return { library, metric, info: out.info, ...(await place(task, readBoard(task), out.submission, out.wallMs, out.error)) };
}

// ---------------------------------------------------------------- the agent

interface AgentHost {
  client: Client;
  stop: () => Promise<void>;
}

async function startAgentHost(opts: AutomlOptions, stateRoot: string, server: DevServerOptions): Promise<AgentHost> {
  const { address } = await startServer(server);
  installRuntime();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const workers: Worker[] = [
    await createControlWorker({ connection: nativeConnection, workflowBundle: await bundleWorkflows(), taskQueue: CONTROL_QUEUE, stateRoot }),
    // The same CPU quota as the libraries' n_jobs.
    await createExecWorker({ connection: nativeConnection, taskQueue: EXEC_QUEUE, stateRoot, maxConcurrent: 1, executor: { kind: 'auto', cpus: opts.cpus } }),
  ];
  const running = workers.map((w) => w.run());
  return {
    client: new Client({ connection }),
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await nativeConnection.close();
      await connection.close();
    },
  };
}

async function runAgent(host: AgentHost, p: Prepared, opts: AutomlOptions): Promise<AgentResult> {
  const budget = `${opts.budgetMs}ms`;
  const input = {
    ...(await buildRunInput({ task: p.task.dir, agent: opts.preset, seed: String(opts.seed), budget, execTimeout: budget })),
    execTaskQueue: EXEC_QUEUE,
  };
  if (input.agent.operators.backend !== 'offline') throw new OptionError(`--agent ${opts.preset}: the bench runs the offline operators, and this preset uses ${input.agent.operators.backend}`);
  const base = { preset: opts.preset, seed: opts.seed };
  const t0 = Date.now();
  try {
    const summary: RunSummary = await host.client.workflow.execute(agentRun, {
      taskQueue: CONTROL_QUEUE, workflowId: `bench-automl-${p.task.id}-s${opts.seed}-${t0}`, args: [input],
    });
    const submission = summary.best?.submissionRef ? await readFile(path.join(summary.runDir, 'best_submission.csv'), 'utf8').catch(() => null) : null;
    const score = summary.best?.grade?.score ?? null;
    return {
      ...base, nodes: summary.nodes, buggyNodes: summary.buggyNodes, isolation: summary.isolation ?? [],
      score, medal: summary.best?.grade?.medal ?? null, wallMs: Date.now() - t0,
      place: score === null ? null : boardPlace(score, readBoard(p.task).map((e) => e.score), p.task.direction),
      error: score !== null ? null : submission === null ? `no good node in ${summary.nodes} (stop: ${summary.stopReason})` : 'the selected submission was not graded',
    };
  } catch (err) {
    return {
      ...base, nodes: 0, buggyNodes: 0, isolation: [], score: null, medal: null, place: null, wallMs: Date.now() - t0,
      error: String((err as Error).cause ?? err).slice(0, 500),
    };
  }
}

// ---------------------------------------------------------------- the bench

export async function runAutomlBench(opts: AutomlOptions): Promise<{ rows: TaskRow[]; markdown: string; wallMs: number }> {
  const started = Date.now();
  const prepared = await Promise.all(opts.tasks.map(prepare)); // every task loads before anything runs
  const pythons = new Map<Library, string>();
  for (const l of opts.libraries) {
    pythons.set(l, await ensureVenv(path.join(stateDir(), VENVS[l].dir), VENVS[l].requirements, (line) => console.error(`bench: ${line}`)));
  }
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-automl-'));
  const serverDir = await mkdtemp(path.join(os.tmpdir(), 'crucible-bench-server-'));
  const server: DevServerOptions = { stateDir: serverDir, port: await freePort(), uiPort: null };
  let host: AgentHost | null = null;
  const cleanup = async () => {
    await host?.stop().catch(() => undefined);
    await stopServer(server).catch(() => undefined);
    for (const d of [scratch, serverDir]) await rm(d, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (opts.agent) host = await startAgentHost(opts, scratch, server);
    const rows: TaskRow[] = [];
    for (const [i, p] of prepared.entries()) {
      if (!('task' in p && 'row' in p)) {
        console.error(`[${i + 1}/${prepared.length}] ${p.task}: skipped: ${p.skipped}`);
        rows.push(p);
        continue;
      }
      // One contender at a time: the machine's cores are the budget's.
      for (const l of opts.libraries) {
        const r = await runLibrary(pythons.get(l)!, l, p, opts, scratch);
        p.row.libraries.push(r);
        console.error(`[${i + 1}/${prepared.length}] ${p.task.id} ${LIBRARY_LABEL[l]}: ${r.score ?? r.error} ${r.medal ?? ''} (${(r.wallMs / 1000).toFixed(0)} s)`);
      }
      if (host) {
        p.row.agent = await runAgent(host, p, opts);
        const a = p.row.agent;
        console.error(`[${i + 1}/${prepared.length}] ${p.task.id} agent: ${a.score ?? a.error} ${a.medal ?? ''} buggy ${a.buggyNodes}/${a.nodes} (${(a.wallMs / 1000).toFixed(0)} s)`);
      }
      rows.push(p.row);
    }
    const wallMs = Date.now() - started;
    const budget = `${opts.budgetMs / 1000} s`;
    const markdown = [
      `Budget: ${budget} of wall time per task per contender, ${opts.cpus} CPU each (n_jobs and BLAS threads for the libraries, ` +
        `the sandbox's CPU quota for the agent), one contender at a time.${opts.agent ? ` Agent: ${opts.preset}, offline operators, seed ${opts.seed}.` : ''} ` +
        `Date: ${new Date().toISOString().slice(0, 10)}. Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}. Wall time: ${(wallMs / 60_000).toFixed(1)} min.`,
      '',
      markdownTable(rows, opts.libraries, opts.agent),
      '',
      ...summaryLines(rows, opts.libraries, opts.agent).map((l) => `- ${l}`),
      '',
    ].join('\n');
    await mkdir(opts.outDir, { recursive: true });
    await writeFile(path.join(opts.outDir, 'automl.md'), markdown);
    await writeFile(path.join(opts.outDir, 'automl.json'), `${JSON.stringify({
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, platform: `${os.platform()} ${os.arch()}`, node: process.version },
      config: { tasks: rows.map((r) => r.task), budgetMs: opts.budgetMs, cpus: opts.cpus, seed: opts.seed, preset: opts.preset, libraries: opts.libraries, agent: opts.agent },
      wallMs,
      summary: summaryLines(rows, opts.libraries, opts.agent),
      rows,
    }, null, 1)}\n`);
    return { rows, markdown, wallMs };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

async function main(): Promise<void> {
  const opts = parseOrExit(() => parseOptions(process.argv.slice(2), process.env));
  if (opts.tasks.length === 0) {
    console.error(`bench: no tasks built under ${builtTasksDir()}: run \`npm run setup\``);
    process.exit(2);
  }
  console.error(`bench: ${opts.tasks.length} task(s), ${[...opts.libraries.map((l) => LIBRARY_LABEL[l]), ...(opts.agent ? ['agent'] : [])].join(', ')}, ${opts.budgetMs / 1000} s each, ${opts.cpus} CPU`);
  let outcome: Awaited<ReturnType<typeof runAutomlBench>>;
  try {
    outcome = await runAutomlBench(opts);
  } catch (err) {
    if (err instanceof OptionError || err instanceof UsageError) {
      console.error(`bench: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(outcome.markdown);
  console.log(`written: ${path.relative(process.cwd(), path.join(opts.outDir, 'automl.md'))} and automl.json`);
  process.exit(0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

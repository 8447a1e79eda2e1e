/**
 * The `crucible` command. Exit codes: 0 success, 1 failure while running, 2 bad input (nothing started).
 */
import { attachDashValues } from './dashValues.js';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { CONTROL_TASK_QUEUE, temporalAddress } from '../config/constants.js';
import { DEFAULT_PRESET, PRESET_NAMES } from '../config/agent.js';
import { stateDir } from '../config/paths.js';
import { decodeHistoryPayload, describeTemporal, temporalSettings } from '../config/temporalConnection.js';
import { listTasks } from '../tasks/load.js';
import { mlebenchMarkdown } from '../reports/benchMlebench.js';
import { tableMarkdown } from '../reports/benchTable.js';
import { agentRun, benchmark, benchmarkStatusQuery } from '../workflows/index.js';
import { initialSearchAttributes } from '../workflows/searchAttributes.js';
import type { AgentRunInput } from '../workflows/types.js';
import { defaultServerOptions, serverStatus, startServer, stopServer } from './devServer.js';
import { registerSearchAttributes } from './attributes.js';
import { STEER_COMMANDS, cmdSteerRun, type SteerCommand } from './steer.js';
import { startEmbeddedWorkers } from './embedded.js';
import { formatSummary } from './format.js';
import { COMMAND_HELP, commandHelp, wantsHelp } from './help.js';
import { cmdLs, cmdShow } from './inspect.js';
import { cmdReport, reportOfRun } from './report.js';
import { scoreName } from '../tasks/types.js';
import { checkGrader, checkLlmEndpoints, checkOfflineFit } from './preflight.js';
import { UsageError, buildBenchmarkInput, buildRunInput, makeRunId } from './runInput.js';
import { withPublishedTasks } from './publishTask.js';
import { connectClient, runInputOf } from './runNodes.js';
import { cmdWatch, followRun, watchOptions } from './watch.js';
import { describeEnvironment, environmentFor } from '../sandbox/environments.js';

const DEMO_TASK = 'breast-cancer';

const HELP = `crucible — AI research agents on ML tasks, as durable Temporal workflows

Usage:
  crucible demo [--budget 3m]                 start the server and run the default agent on a bundled task
  crucible run --task <id|path> [--agent ${DEFAULT_PRESET}|file.yaml] [--seed 0] [--budget 10m] [--steps N]
               [--parallelism N] [--exec-timeout 5m] [--detach]   run one agent (workers in this process unless --detach)
               [--llm-url URL --llm-model NAME] [--max-tokens N] [--max-cost USD]   LLM operators at an OpenAI-compatible endpoint
  crucible run --replay <run> [--detach]      re-drive a recorded LLM run from its recorded completions (no endpoint)
  crucible bench --tasks <suite|id,id|mlebench:lite> --agents <preset,preset> [--seeds 3] [--budget 5m] [--steps N]
                 [--concurrency 2] [--selection validation|holdout|kfold] [--exec-timeout 2m] [--detach]
                 [--data-dir DIR] [--prepared-only]   an MLE-bench split's competitions from its data folder
                                                every (task, agent, seed) run as a child workflow; a results table
  crucible watch <run>                          follow a run live: time bar, a line per node, best score, spend
  crucible attach <run>                         workers in this process for a run whose workers are gone, and its live view
  crucible ls [--task ID] [--agent NAME] [--status running|completed|failed] [--min-score X] [--since 2h] [--query Q]
                                                runs with status, nodes and best score (Temporal visibility)
  crucible show <run>                           a run's graph as a tree, and its summary
  crucible report <run> [--out file.html]       one self-contained HTML page: graph, scores over time, node details, selection
  crucible report --bench <id>                  a benchmark's tables and charts as one page
  crucible pause <run>                          start no new actions (running ones finish); the time budget still runs
  crucible resume <run>                         continue a paused run
  crucible stop <run> [--reason text]           finish gracefully: running actions finish, then selection and report
  crucible hint <run> "text"                    a note for the agent: the following prompts show it (max 2,000 chars)
  crucible budget <run> [--budget 30m] [--steps N] [--max-tokens N] [--max-cost USD]
                                                extend or cut a running run's budgets (total, from its start)
  crucible export <run> [--out DIR]             the run's history JSON (each continue-as-new execution), run folder
                                                and every artifact its nodes reference (default DIR <state folder>/exports/<run>)
  crucible replay <history.json>                replay the current workflow code against a recorded history;
                                                prints the first divergence and exits 1 on nondeterminism
  crucible fork <run> --at <node> [--agent preset|file] [--seed N] [--budget 10m] [--steps N] [--detach]
                                                a new run (<run>-fork) starting from <run>'s nodes 1..<node> (greedy agents)
  crucible doctor [--run <id>] [--fix]          check that the artifact store holds every artifact the runs reference
  crucible tasks                                bundled tasks
  crucible tasks show <id|path>                 one task: type, metric, rows, columns, medal thresholds, description
  crucible tasks mlebench [--split lite]        an MLE-bench split: competitions, prepared here, graders
  crucible server start|stop|status             the background Temporal dev server (state in ${stateDir()})
  crucible attributes                           register Crucible's search attributes on a cluster (TEMPORAL_ADDRESS)

Every command takes --help (usage, examples, exit codes) and --json (machine-readable output).
Exit codes: 0 success, 1 failure while running, 2 bad input (nothing started or changed).
Agents: ${PRESET_NAMES.join(', ')}, or a YAML/JSON agent file (see README)
Environment: TEMPORAL_ADDRESS (default localhost:7233; another host or TLS: that cluster, no local dev server),
  TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, TEMPORAL_API_KEY, TEMPORAL_UI_URL, CRUCIBLE_PAYLOAD_KEYS (see README),
  CRUCIBLE_HOME (default ./.crucible),
  CRUCIBLE_ALLOW_UNISOLATED=on (exec workers: run solutions with isolation none even where the task's
  private answers are on that host, which they refuse otherwise; see README, "Sandbox"),
  CRUCIBLE_LLM_BASE_URL and CRUCIBLE_LLM_MODEL (defaults of --llm-url and --llm-model),
  CRUCIBLE_LLM_API_KEY or OPENAI_API_KEY (read by the control worker only),
  CRUCIBLE_MLEBENCH_PYTHON, MLEBENCH_COMPETITIONS_DIR, MLEBENCH_SPLITS_DIR, MLEBENCH_DATA_DIR (MLE-bench; see README)`;

const serverOptions = () => defaultServerOptions(stateDir(), temporalAddress());

/**
 * The cluster a run goes to: for a local address without TLS, the background dev server (started when
 * it is not running); any other address (a remote or cloud cluster) is used as it is. The Temporal UI
 * address of a remote cluster comes from TEMPORAL_UI_URL, if set.
 */
async function ensureCluster(json: boolean): Promise<{ uiUrl: string | null; devServer: boolean }> {
  const settings = temporalSettings();
  const host = settings.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (settings.tls !== null || !['localhost', '127.0.0.1', '::1'].includes(host)) {
    if (!json) console.log(`Temporal cluster ${describeTemporal(settings)}, namespace ${settings.namespace}`);
    return { uiUrl: process.env.TEMPORAL_UI_URL || null, devServer: false };
  }
  const server = await startServer(serverOptions());
  if (!json) console.log(`Temporal dev server ${server.reused ? 'reused' : 'started'} at ${server.address}; UI ${server.uiUrl}`);
  return { uiUrl: server.uiUrl, devServer: true };
}

/** A client on the configured cluster, with Crucible's search attributes registered in its namespace (idempotent). */
async function clusterClient(): Promise<Client> {
  const client = await connectClient();
  await registerSearchAttributes(client.connection as Connection, client.options.namespace);
  return client;
}

async function cmdServer(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError('usage: crucible server start|stop|status [--json]');
  const o = serverOptions();
  const print = (json: object, text: string) => console.log(values.json ? JSON.stringify(json, null, 2) : text);
  if (action === 'start') {
    const s = await startServer(o);
    print(s, `${s.reused ? 'Temporal dev server already running' : 'Started Temporal dev server'} at ${s.address}${s.pid ? ` (pid ${s.pid})` : ''}\n` +
      `UI: ${s.uiUrl}  database: ${s.dbFile}  log: ${s.logFile}`);
    return 0;
  }
  if (action === 'stop') {
    const stopped = await stopServer(o);
    print({ stopped }, stopped ? 'Stopped the Temporal dev server' : 'No Temporal dev server started by crucible is running');
    return 0;
  }
  if (action === 'status') {
    const s = await serverStatus(o);
    print(s, `${s.running ? `running at ${s.address}${s.pid ? ` (pid ${s.pid})` : ''}, UI ${s.uiUrl}` : `not running (${s.address})`}\n` +
      `database: ${s.dbFile}  log: ${s.logFile}`);
    return s.running ? 0 : 3;
  }
  throw new UsageError('usage: crucible server start|stop|status [--json]');
}

async function cmdRun(args: string[], demo: boolean): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      task: { type: 'string', default: demo ? DEMO_TASK : undefined },
      agent: { type: 'string', default: DEFAULT_PRESET },
      seed: { type: 'string', default: '0' },
      budget: { type: 'string', default: demo ? '3m' : '10m' },
      steps: { type: 'string' },
      parallelism: { type: 'string' },
      'exec-timeout': { type: 'string', default: '5m' },
      detach: { type: 'boolean', default: false },
      'llm-url': { type: 'string', default: process.env.CRUCIBLE_LLM_BASE_URL || undefined },
      'llm-model': { type: 'string', default: process.env.CRUCIBLE_LLM_MODEL || undefined },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      replay: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json;
  if (!values.task && !values.replay) throw new UsageError('--task is required (a bundled task id or a task folder); see `crucible tasks`');
  if (values.replay) {
    // parseArgs fills in defaults, so look at what was typed: a re-drive takes the recorded run's own settings.
    const typed = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
    const ignored = typed.filter((f) => !['replay', 'detach', 'json'].includes(f));
    if (ignored.length > 0) {
      throw new UsageError(`--replay re-drives the recorded run with its own task, agent, seed and budgets: --${ignored[0]} does not apply`);
    }
  }
  const input: AgentRunInput | null = values.replay ? null : await buildRunInput({
    task: values.task!, agent: values.agent, seed: values.seed, budget: values.budget, steps: values.steps,
    execTimeout: values['exec-timeout'], parallelism: values.parallelism, llmUrl: values['llm-url'], llmModel: values['llm-model'],
    maxTokens: values['max-tokens'], maxCost: values['max-cost'],
  });
  if (input !== null) {
    checkOfflineFit(input);
    await checkGrader(input);
    await checkLlmEndpoints([input]);
  }
  const { uiUrl, devServer } = await ensureCluster(json);
  const client = await clusterClient();
  const workers = values.detach ? null : await startEmbeddedWorkers(temporalAddress());
  try {
    const follow = followOn({ uiUrl, devServer }, client, { detach: values.detach, json });
    if (values.replay) return await cmdReplay(client, values.replay, follow);
    const run = input!;
    if (!json && run.task.mlebench) console.log(await describeEnvironment(environmentFor(run.task)));
    const backend = run.agent.operators.backend === 'llm' ? `, LLM ${run.agent.operators.llm?.models.default} at ${run.agent.operators.llm?.baseURL}` : '';
    return await launch(client, run, makeRunId(run), follow,
      `${run.agent.name} on ${run.task.id} (${scoreName(run.task)}, ${run.task.direction}), seed ${run.seed}, budget ${values.budget}${backend}`);
  } finally {
    await workers?.stop();
    await client.connection.close();
  }
}

/**
 * `crucible attach <run>`: workers in this process for a run whose workers are gone (the process that
 * hosted them died), and its live view to the end, as `crucible run` would have shown it.
 */
async function cmdAttach(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new UsageError(COMMAND_HELP.attach!);
  const runId = positionals[0]!;
  const { uiUrl, devServer } = await ensureCluster(values.json);
  const client = await clusterClient();
  try {
    const { execTaskQueue } = await runInputOf(client, runId);
    const workers = await startEmbeddedWorkers(temporalAddress(), { execTaskQueue });
    try {
      if (!values.json) console.log(`Attached workers to run ${runId} (exec queue ${execTaskQueue}); following it to its end`);
      return await follow(client, runId, followOn({ uiUrl, devServer }, client, { detach: false, json: values.json }));
    } finally {
      await workers.stop();
    }
  } finally {
    await client.connection.close();
  }
}

/** `uiUrl`: the Temporal UI's page of the run's namespace, when known. */
interface Follow { detach: boolean; json: boolean; uiUrl: string | null; devServer: boolean }

/** How to follow a run on the cluster `ensureCluster` found: the UI's page of the client's namespace, and whether the dev server is ours. */
const followOn = (cluster: { uiUrl: string | null; devServer: boolean }, client: Client, o: { detach: boolean; json: boolean }): Follow => ({
  ...o, devServer: cluster.devServer, uiUrl: cluster.uiUrl && `${cluster.uiUrl}/namespaces/${encodeURIComponent(client.options.namespace)}`,
});

/** Starts a run; prints it and, unless detached, follows it to the end. */
async function launch(client: Client, input: AgentRunInput, runId: string, f: Follow, what: string): Promise<number> {
  const [published] = await withPublishedTasks([input], !f.detach);
  await client.workflow.start(agentRun, {
    taskQueue: CONTROL_TASK_QUEUE, workflowId: runId, args: [published!],
    typedSearchAttributes: initialSearchAttributes(input),
    staticSummary: what,
  });
  if (f.detach) {
    console.log(f.json ? JSON.stringify({ runId }) : `Run ${runId}: ${what}\nStarted; workers elsewhere will pick it up. Follow it with \`crucible watch ${runId}\`.`);
    return 0;
  }
  if (!f.json) console.log(`Run ${runId}: ${what}`);
  return follow(client, runId, f);
}

async function follow(client: Client, runId: string, f: Follow): Promise<number> {
  // --json: only the final summary, so the output parses as one JSON document. The workers are this process's.
  const view = { ...watchOptions(false), checkWorkers: false };
  const outcome = await followRun(client, runId, f.json ? { ...view, tty: false, write: () => {} } : view);
  if (!outcome.ok) throw new Error(outcome.message);
  const report = reportOfRun(outcome.summary);
  if (f.json) {
    console.log(JSON.stringify({ ...outcome.summary, report: report.path, uiUrl: runUiUrl(f.uiUrl, runId) }, null, 2));
    return 0;
  }
  console.log(formatSummary(outcome.summary, runUiUrl(f.uiUrl, runId)));
  console.log(report.line);
  if (f.devServer) console.log('The dev server keeps running in the background (`crucible server stop` stops it).');
  return 0;
}

const runUiUrl = (namespaceUrl: string | null, runId: string) => (namespaceUrl ? `${namespaceUrl}/workflows/${encodeURIComponent(runId)}` : null);

/**
 * `run --replay <run>`: the recorded run's own input (task, agent, seed, budgets), with the replay backend
 * feeding back its recorded completions instead of calling the endpoint.
 */
async function cmdReplay(client: Client, sourceRunId: string, f: Follow): Promise<number> {
  const history = await client.workflow.getHandle(sourceRunId).fetchHistory().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw new UsageError(`--replay: no run "${sourceRunId}": list runs with \`crucible ls\``);
    throw err;
  });
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new UsageError(`--replay: run "${sourceRunId}" has no input in its history`);
  const source = await decodeHistoryPayload<AgentRunInput>(payload, client.options.loadedDataConverter);
  if (source.agent.operators.backend === 'offline') {
    throw new UsageError(`--replay: run "${sourceRunId}" used the offline operators; only LLM runs have recorded completions`);
  }
  const input: AgentRunInput = {
    task: source.task, seed: source.seed, budget: source.budget, execTimeoutMs: source.execTimeoutMs, execTaskQueue: source.execTaskQueue,
    agent: { ...source.agent, operators: { ...source.agent.operators, backend: 'replay', replayFrom: sourceRunId } },
  };
  const runId = `${makeRunId(input)}-replay`;
  return launch(client, input, runId, f, `re-drive of ${sourceRunId} from its recorded completions`);
}

async function cmdBench(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      tasks: { type: 'string', default: 'suite' },
      agents: { type: 'string', default: DEFAULT_PRESET },
      seeds: { type: 'string', default: '3' },
      budget: { type: 'string', default: '5m' },
      steps: { type: 'string' },
      concurrency: { type: 'string', default: '2' },
      selection: { type: 'string', default: 'validation' },
      'exec-timeout': { type: 'string', default: '2m' },
      'data-dir': { type: 'string' },
      'prepared-only': { type: 'boolean', default: false },
      detach: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json;
  const input = await buildBenchmarkInput({
    tasks: values.tasks, agents: values.agents, seeds: values.seeds, budget: values.budget, steps: values.steps,
    concurrency: values.concurrency, selection: values.selection, execTimeout: values['exec-timeout'],
    dataDir: values['data-dir'], preparedOnly: values['prepared-only'],
  });
  for (const run of input.runs) await checkGrader(run);
  await checkLlmEndpoints(input.runs);
  const { uiUrl } = await ensureCluster(json);
  const client = await clusterClient();
  const workers = values.detach ? null : await startEmbeddedWorkers(temporalAddress(), { execConcurrency: input.concurrency });
  try {
    const benchmarkId = `bench-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${Math.random().toString(36).slice(2, 6)}`;
    const handle = await client.workflow.start(benchmark, {
      taskQueue: CONTROL_TASK_QUEUE, workflowId: benchmarkId, args: [{ ...input, runs: await withPublishedTasks(input.runs, !values.detach) }],
      staticSummary: `benchmark: ${input.runs.length} runs, ${input.concurrency} at a time`,
    });
    if (values.detach && json) console.log(JSON.stringify({ benchmarkId }));
    if (!json) console.log(`Benchmark ${benchmarkId}: ${input.runs.length} runs (${values.tasks} × ${values.agents} × ${values.seeds} seeds), ${input.concurrency} at a time${uiUrl ? `; UI ${uiUrl}` : ''}`);
    if (values.detach) return 0;
    const shown = new Set<string>();
    let done = false;
    const result = handle.result().finally(() => { done = true; });
    while (!done) {
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
      const status = await handle.query(benchmarkStatusQuery).catch(() => null);
      // Results arrive in completion order but are listed in run order: print each one once.
      for (const r of status?.results.filter((x) => !shown.has(x.runId)) ?? []) {
        shown.add(r.runId);
        if (!json) console.log(`  ${r.runId}: ${r.status === 'failed' ? `failed: ${r.error}` : `test ${r.testScore ?? '—'}, ${r.medal ?? 'no'} medal, gap ${r.gap === null ? '—' : Number(r.gap.toPrecision(4))}`}`);
      }
    }
    const summary = await result;
    console.log(json ? JSON.stringify(summary, null, 2)
      : `\n${tableMarkdown(summary.table)}${summary.mlebench ? `\n${mlebenchMarkdown(summary.mlebench, summary.statements)}` : ''}` +
        `\nResults: ${summary.dir} (results.md, results.csv, results.json)\nPage: \`crucible report --bench ${benchmarkId}\``);
    return 0;
  } finally {
    await workers?.stop();
    await client.connection.close();
  }
}

async function cmdAttributes(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const client = await connectClient();
  try {
    const added = await registerSearchAttributes(client.connection as Connection, client.options.namespace);
    if (values.json) console.log(JSON.stringify({ address: temporalAddress(), added }));
    else console.log(added.length ? `Registered ${added.join(', ')} on ${temporalAddress()}` : `All search attributes already exist on ${temporalAddress()}`);
    return 0;
  } finally {
    await client.connection.close();
  }
}

/** pause, resume, stop, hint, budget: one update to a running run (src/cli/steer.ts). */
async function cmdSteer(cmd: SteerCommand, args: string[]): Promise<number> {
  if (!STEER_COMMANDS.includes(cmd)) throw new UsageError(`unknown command "${cmd}"`);
  const client = await connectClient();
  try {
    return await cmdSteerRun(client, cmd, args);
  } finally {
    await client.connection.close();
  }
}

async function cmdTasks(args: string[]): Promise<number> {
  if (args[0] === 'mlebench') return (await import('./tasksMlebench.js')).cmdTasksMlebench(args.slice(1));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals[0] === 'show') {
    if (positionals[1] === undefined || positionals.length > 2) throw new UsageError('usage: crucible tasks show <id|path> [--json]');
    const { loadTask } = await import('../tasks/load.js');
    const { describeTask, formatTaskSummary } = await import('../tasks/describe.js');
    const summary = await describeTask(await loadTask(positionals[1]));
    console.log(values.json ? JSON.stringify(summary, null, 2) : formatTaskSummary(summary));
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unknown tasks subcommand "${positionals[0]}"; try \`crucible tasks\`, \`crucible tasks show <id>\` or \`crucible tasks mlebench\``);
  const tasks = await listTasks();
  if (values.json) console.log(JSON.stringify(tasks, null, 2));
  else if (tasks.length === 0) console.log('No bundled tasks are built yet: run `npm run setup`.');
  else for (const t of tasks) console.log(`${t.id.padEnd(16)} ${t.type.padEnd(24)} ${t.metric} (${t.direction})  ${t.dir}`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = attachDashValues(argv);
  const help = cmd === undefined ? null : commandHelp(cmd);
  if (help !== null && wantsHelp(rest)) {
    console.log(help);
    return 0;
  }
  switch (cmd) {
    case 'demo': return cmdRun(rest, true);
    case 'run': return cmdRun(rest, false);
    case 'bench': return cmdBench(rest);
    case 'watch': return cmdWatch(rest);
    case 'attach': return cmdAttach(rest);
    case 'ls': return cmdLs(rest);
    case 'show': return cmdShow(rest);
    case 'report': return cmdReport(rest);
    case 'tasks': return cmdTasks(rest);
    case 'server': return cmdServer(rest);
    case 'attributes': return cmdAttributes(rest);
    case 'doctor': return (await import('./doctor.js')).cmdDoctor(rest);
    case 'pause': case 'resume': case 'stop': case 'hint': case 'budget': return cmdSteer(cmd, rest);
    case 'export': return (await import('./export.js')).cmdExport(rest);
    case 'replay': return (await import('./replay.js')).cmdReplayHistory(rest);
    case 'fork': return (await import('./fork.js')).cmdFork(rest);
    case undefined: case '--help': case '-h': case 'help':
      console.log(HELP);
      return 0;
    default:
      throw new UsageError(`unknown command "${cmd}"\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const usage = err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`crucible: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(usage ? 2 : 1);
  },
);

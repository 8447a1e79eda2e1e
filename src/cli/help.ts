/**
 * `crucible <command> --help`: usage, what the command does, examples, and the exit codes scripts can
 * rely on. One table so every command answers `--help` the same way (src/cli/main.ts checks it first).
 */
import { DEFAULT_PRESET, PRESET_NAMES } from '../config/agent.js';
import { DOCTOR_USAGE } from './doctor.js';
import { EXPORT_USAGE } from './export.js';
import { FORK_USAGE } from './fork.js';
import { REPLAY_USAGE } from './replay.js';
import { REPORT_USAGE } from './report.js';

/** Exit codes shared by every command. */
export const EXIT_CODES = `Exit codes: 0 success; 1 failure while running (the run failed, the server went away, a check found a
problem); 2 bad input (unknown run, malformed flag, rejected update: nothing was started or changed).`;

const RUN_ID = 'breast-cancer-aira-greedy-s0-20261127-081502-k3f9';

export const COMMAND_HELP: Record<string, string> = {
  demo: `usage: crucible demo [--budget 3m] [--seed N] [--json]
  Starts the Temporal dev server (if needed) and workers in this process, runs ${DEFAULT_PRESET} on the
  bundled breast-cancer task, prints each node, the best score, the report path and the Temporal UI link.
  Takes every flag of \`crucible run\`.
  Examples:
    crucible demo
    crucible demo --budget 10m --seed 3`,

  run: `usage: crucible run --task <id|path> [--agent ${DEFAULT_PRESET}|file.yaml] [--seed 0] [--budget 10m] [--steps N]
                    [--parallelism N] [--exec-timeout 5m] [--detach] [--json]
                    [--llm-url URL --llm-model NAME] [--max-tokens N] [--max-cost USD]
       crucible run --replay <run> [--detach] [--json]
  Runs one agent on one task as a Temporal workflow. Workers run in this process and the command follows
  the run to its end (a line per node, then the summary and the report); with --detach it only starts the
  run, for workers elsewhere (\`crucible-worker\`), and prints its id. --replay re-drives a recorded LLM
  run from its recorded completions, with no endpoint. --json prints the final summary (with --detach:
  {"runId"}) as JSON instead of text. The summary says which isolation the solutions ran under (docker,
  bwrap, none). With isolation none (no Docker and no usable bubblewrap) a solution can read any file the
  worker can, so exec workers refuse a task whose private answers are on their host and the run stops,
  unless CRUCIBLE_ALLOW_UNISOLATED=on is set in their environment (this command's, for its own workers).
  Agents: ${PRESET_NAMES.join(', ')}, or a YAML/JSON agent file.
  Examples:
    crucible run --task breast-cancer --budget 10m
    crucible run --task digits --agent aira-mcts --seed 2 --steps 40 --detach
    crucible run --task ./my-task --llm-url http://localhost:11434/v1 --llm-model qwen2.5-coder --max-cost 2
    crucible run --task wine --steps 5 --json | jq .best.grade.medal`,

  bench: `usage: crucible bench --tasks <suite|id,id|mlebench:SPLIT> --agents <preset,preset> [--seeds 3] [--budget 5m] [--steps N]
                      [--concurrency 2] [--selection validation|holdout|kfold] [--exec-timeout 2m] [--detach] [--json]
                      [--data-dir DIR] [--prepared-only]
  Runs every (task, agent, seed) as a child workflow of one benchmark workflow, a few at a time, and writes
  medal rates, above-median rates and the generalization gap to .crucible/benchmarks/<id>/results.{md,csv,json}.
  Render them as a page with \`crucible report --bench <id>\`.
  mlebench:SPLIT (lite, low, medium, high, split75, dev, all, ...) runs each competition of an MLE-bench split
  from the data folder (--data-dir, else MLEBENCH_DATA_DIR, else mlebench's default; README, "Where Crucible
  finds MLE-bench"). A split with competitions not prepared there is refused (exit 2), naming them and the
  \`mlebench prepare\` command; --prepared-only runs the prepared ones. When every task is an MLE-bench
  competition the results add MLE-bench's summary: per seed and mean ± standard error over complete seeds
  (its leaderboard's aggregation). Results state MLE-bench's test_set_feedback false and external_knowledge
  false (true when a run got hints from \`crucible hint\`).
  Examples:
    crucible bench --tasks suite --agents aira-greedy,aira-mcts --seeds 3 --budget 4m
    crucible bench --tasks wine,diabetes --agents aide-greedy --seeds 1 --steps 10 --json
    crucible bench --tasks mlebench:lite --data-dir ~/.cache/mle-bench/data --agents aira-greedy --seeds 3`,

  watch: `usage: crucible watch <run> [--json] [--interval 1s]
  Follows a run live until it ends: a bar for the time budget, one line per finished node, the best score
  so far and the LLM spend. A finished run is shown from its report folder. --json prints one JSON object
  per line: {"type":"node",...} per node, {"type":"status",...} when the status changes, {"type":"summary",...} at the end.
  Exit code 1 when the run failed or was terminated.
  Examples:
    crucible watch ${RUN_ID}
    crucible watch ${RUN_ID} --json | jq -c 'select(.type=="node") | [.id, .score]'
  When no worker has polled the run's queues for a while (CRUCIBLE_WORKER_IDLE_AFTER, default 90s), it
  says which worker is missing and what to start; when the server restarts, it reconnects and says so.`,

  attach: `usage: crucible attach <run> [--json]
  Starts a control and an exec worker in this process for a running run (on its exec queue) and follows
  it to its end, as \`crucible run\` does: for a run whose workers are gone, e.g. when the process of
  \`crucible run\` was killed. The run resumes from its last committed node; work in flight is retried.
  Run it on a machine that sees the task's folder (the embedded workers read the task data in place).
  Examples:
    crucible attach ${RUN_ID}`,

  ls: `usage: crucible ls [--task ID] [--agent NAME] [--policy greedy|mcts|evolutionary] [--status running|completed|failed|terminated|...]
                   [--min-score X] [--max-score X] [--since 2h] [--query "visibility query"] [--limit 50] [--json]
  Lists runs, newest first, from Temporal's visibility store (the Crucible search attributes): status,
  task, agent, nodes, best validation score, start time. Filters combine with AND; --query adds a raw
  Temporal visibility clause (e.g. "CrucibleCostUsd > 1").
  Examples:
    crucible ls --status running
    crucible ls --task breast-cancer --min-score 0.99 --since 1d
    crucible ls --json | jq -r '.[].runId'`,

  show: `usage: crucible show <run> [--json]
  A run's graph as a tree in the terminal (children under their first parent; score and hidden test score,
  or the bug reason), then its status (running) or summary (finished). --json prints status, nodes and summary.
  Example:
    crucible show ${RUN_ID}`,

  report: `${REPORT_USAGE}
Examples:
  crucible report ${RUN_ID}
  crucible report ${RUN_ID} --out /tmp/run.html
  crucible report --bench bench-20261127-112325-jyij`,

  pause: `usage: crucible pause <run> [--json]
  Starts no new actions; running ones finish and commit. The wall-clock budget still runs (extend it with
  \`crucible budget\`). Prints the run's status; --json prints the update's answer.
  Example:
    crucible pause ${RUN_ID}`,

  resume: `usage: crucible resume <run> [--json]
  Continues a paused run. Rejected (exit 2) when the run is not paused.
  Example:
    crucible resume ${RUN_ID}`,

  stop: `usage: crucible stop <run> [--reason text] [--json]
  Finishes gracefully: no new actions, running ones finish, then the final selection and the report from
  what exists (stop reason "stopped by user").
  Example:
    crucible stop ${RUN_ID} --reason "good enough"`,

  hint: `usage: crucible hint <run> "text" [--json]
  A note for the agent (at most 2,000 characters): every following prompt shows it, and the nodes made
  after it record its id.
  Example:
    crucible hint ${RUN_ID} "try gradient boosting with early stopping"`,

  budget: `usage: crucible budget <run> [--budget 30m] [--steps N] [--max-tokens N] [--max-cost USD] [--json]
  Extends or cuts a running run's budgets (totals from its start). A cut below what is used stops the run
  as that budget would. Rejected (exit 2) for zero or negative values.
  Examples:
    crucible budget ${RUN_ID} --budget 2h
    crucible budget ${RUN_ID} --steps 50 --max-cost 5`,

  export: `${EXPORT_USAGE}`,

  replay: `${REPLAY_USAGE}`,

  fork: `${FORK_USAGE}`,

  tasks: `usage: crucible tasks [--json]
       crucible tasks show <id|path> [--json]
       crucible tasks mlebench [--split lite|all|low|medium|high|split75|dev|...] [--data-dir DIR] [--json]
  Lists the bundled tasks (built by \`npm run setup\`), or shows one task: type, metric, rows, columns,
  medal thresholds and its description. A path may hold a Crucible task or an MLE-bench competition as
  \`mlebench prepare\` leaves it (the folder holding prepared/). \`tasks mlebench\` lists a split of the
  mlebench installed in CRUCIBLE_MLEBENCH_PYTHON, or of MLEBENCH_COMPETITIONS_DIR and MLEBENCH_SPLITS_DIR
  where both are set (lite: low.txt; all: every competition) and, for each competition, whether it is
  prepared in the data folder (--data-dir, else MLEBENCH_DATA_DIR, else mlebench's default), its mlebench
  grader and whether Crucible grades it natively. Exit 2 for an unknown split, a Python without mlebench,
  or no data folder.
  Examples:
    crucible tasks
    crucible tasks show spam
    crucible tasks show ~/.cache/mle-bench/data/spaceship-titanic --json
    crucible tasks mlebench --split lite --data-dir ~/.cache/mle-bench/data`,

  server: `usage: crucible server start|stop|status [--json]
  The background Temporal dev server; its database, log and pid live in the state folder (CRUCIBLE_HOME,
  default ./.crucible). status exits 3 when the server is not running.
  Examples:
    crucible server start
    crucible server status --json`,

  attributes: `usage: crucible attributes [--json]
  Registers Crucible's search attributes on the cluster at TEMPORAL_ADDRESS (the dev server gets them at
  start). Idempotent: existing attributes are left alone.
  Example:
    TEMPORAL_ADDRESS=temporal.example.com:7233 crucible attributes`,

  doctor: DOCTOR_USAGE,
};

/** The help of one command, with the exit codes; null for an unknown command. */
export function commandHelp(cmd: string): string | null {
  const text = COMMAND_HELP[cmd];
  return text === undefined ? null : `${text}\n${EXIT_CODES}`;
}

/** True when the arguments ask for help (before any positional `--` separator). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Steering a running run: `crucible pause|resume|stop|hint|budget <run>`. Each sends one update to the
 * run's workflow (its validator may reject it: nothing changes then) and prints the run's answer.
 * Exit codes: 0 accepted, 2 rejected or bad input (an unknown run, a run that is no longer running, a
 * malformed flag), 1 anything else (no server, say).
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { MAX_STEPS } from '../config/constants.js';
import { parseDuration } from '../config/duration.js';
import { hintUpdate, pauseUpdate, resumeUpdate, setBudgetUpdate, stopUpdate, type agentRun } from '../workflows/index.js';
import type { BudgetChange, SteerAck, RunStatus } from '../workflows/types.js';
import { UsageError } from './runInput.js';

export const STEER_COMMANDS = ['pause', 'resume', 'stop', 'hint', 'budget'] as const;
export type SteerCommand = (typeof STEER_COMMANDS)[number];

const USAGE: Record<SteerCommand, string> = {
  pause: 'crucible pause <run> [--json]',
  resume: 'crucible resume <run> [--json]',
  stop: 'crucible stop <run> [--reason text] [--json]',
  hint: 'crucible hint <run> "text" [--json]',
  budget: 'crucible budget <run> [--budget 30m] [--steps N] [--max-tokens N] [--max-cost USD] [--json]',
};

function number(flag: string, text: string): number {
  const n = Number(text.trim().replace(/^\$/, ''));
  if (text.trim() === '' || Number.isNaN(n)) throw new UsageError(`--${flag} must be a number (got "${text}")`);
  return n;
}

/** The update a command sends, from its arguments (syntax only: the run's validator checks the values). */
export function parseSteer(cmd: SteerCommand, args: string[]): { runId: string; json: boolean; send: (h: RunHandle) => Promise<SteerAck> } {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      reason: { type: 'string' },
      budget: { type: 'string' },
      steps: { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const json = values.json;
  const runId = positionals[0];
  const expected = cmd === 'hint' ? 2 : 1;
  const flags: Record<SteerCommand, string[]> = {
    pause: [], resume: [], hint: [], stop: ['reason'], budget: ['budget', 'steps', 'max-tokens', 'max-cost'],
  };
  const stray = Object.keys(values).filter((k) => k !== 'json' && !flags[cmd].includes(k));
  if (!runId || positionals.length !== expected || stray.length > 0) {
    throw new UsageError(`usage: ${USAGE[cmd]}${stray.length ? ` (--${stray[0]} does not apply)` : ''}`);
  }
  switch (cmd) {
    case 'pause': return { runId, json, send: (h) => h.executeUpdate(pauseUpdate) };
    case 'resume': return { runId, json, send: (h) => h.executeUpdate(resumeUpdate) };
    case 'stop': return { runId, json, send: (h) => h.executeUpdate(stopUpdate, { args: [values.reason ?? null] }) };
    case 'hint': return { runId, json, send: (h) => h.executeUpdate(hintUpdate, { args: [positionals[1]!] }) };
    case 'budget': {
      const change: BudgetChange = {};
      if (values.budget !== undefined) {
        try {
          change.wallMs = parseDuration(values.budget);
        } catch (err) {
          throw new UsageError(`--budget: ${(err as Error).message}`);
        }
      }
      if (values.steps !== undefined) change.maxSteps = number('steps', values.steps);
      if (values['max-tokens'] !== undefined) change.maxTokens = number('max-tokens', values['max-tokens']);
      if (values['max-cost'] !== undefined) change.maxCostUsd = number('max-cost', values['max-cost']);
      if (Object.keys(change).length === 0) throw new UsageError(`usage: ${USAGE.budget} (give at least one budget)`);
      return { runId, json, send: (h) => h.executeUpdate(setBudgetUpdate, { args: [change] }) };
    }
  }
}

type RunHandle = WorkflowHandle<typeof agentRun>;

/** One line of the status an update answers with. */
export function formatSteerStatus(s: RunStatus): string {
  const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  return [
    s.paused ? 'paused' : s.phase,
    `${s.nodes} nodes (${s.inFlight} running)`,
    `best ${s.bestScore ?? '—'}`,
    `time left ${minutes(s.left.wallMs)}`,
    ...(s.budget.maxSteps < MAX_STEPS ? [`steps left ${s.left.steps}`] : []),
    ...(s.left.tokens === null ? [] : [`tokens left ${s.left.tokens}`]),
    ...(s.left.costUsd === null ? [] : [`$ left ${s.left.costUsd.toFixed(4)}`]),
    ...(s.hints > 0 ? [`${s.hints} hint(s)`] : []),
  ].join(', ');
}

export async function cmdSteerRun(client: Client, cmd: SteerCommand, args: string[]): Promise<number> {
  const { runId, json, send } = parseSteer(cmd, args);
  const handle = client.workflow.getHandle<typeof agentRun>(runId);
  const desc = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw new UsageError(`no run "${runId}": list runs with \`crucible ls\``);
    throw err;
  });
  if (desc.status.name !== 'RUNNING') throw new UsageError(`run ${runId} is not running (${desc.status.name.toLowerCase()})`);
  let ack: SteerAck;
  try {
    ack = await send(handle);
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new UsageError(`rejected: ${err.cause?.message ?? err.message}`);
    if (err instanceof WorkflowNotFoundError) throw new UsageError(`run ${runId} is not running any more`);
    throw err;
  }
  if (json) console.log(JSON.stringify({ runId, command: cmd, ...ack }, null, 2));
  else console.log(`${ack.message}\n${formatSteerStatus(ack.status)}`);
  return 0;
}

import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../../src/cli/format.js';
import { COMMAND_HELP, commandHelp, wantsHelp } from '../../../src/cli/help.js';
import { listQuery } from '../../../src/cli/inspect.js';
import { UsageError } from '../../../src/cli/runInput.js';
import type { RunStatus } from '../../../src/workflows/types.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const BASE = `WorkflowType = 'agentRun' AND ExecutionStatus != 'ContinuedAsNew'`;

describe('crucible ls: filters become one visibility query', () => {
  it('lists runs (latest execution of each) with no filter', () => {
    expect(listQuery({})).toBe(BASE);
  });

  it('combines every filter with AND', () => {
    expect(listQuery({
      task: 'breast-cancer', agent: 'aira-mcts', policy: 'mcts', status: 'Running', minScore: '0.9', maxScore: '1', since: '2h',
      query: 'CrucibleCostUsd > 1',
    }, NOW)).toBe(
      `${BASE} AND CrucibleTask = 'breast-cancer' AND CrucibleAgent = 'aira-mcts' AND CruciblePolicy = 'mcts' AND ExecutionStatus = 'Running'` +
        ` AND CrucibleBestScore >= 0.9 AND CrucibleBestScore <= 1 AND StartTime > '2026-11-27T10:00:00.000Z' AND (CrucibleCostUsd > 1)`,
    );
  });

  it.each([
    [{ task: "x' OR 1=1" }, /--task "x' OR 1=1": expected letters/],
    [{ status: 'done' }, /--status "done": expected one of running, completed, failed/],
    [{ minScore: 'high' }, /--min-score must be a number \(got "high"\)/],
    [{ maxScore: '' }, /--max-score must be a number/],
    [{ since: 'yesterday' }, /--since: invalid duration "yesterday"/],
    [{ query: '  ' }, /--query is empty/],
  ])('refuses %j, naming the flag', (filters, message) => {
    expect(() => listQuery(filters)).toThrow(UsageError);
    expect(() => listQuery(filters)).toThrow(message);
  });
});

describe('crucible watch: the progress line', () => {
  const status: RunStatus = {
    phase: 'searching', nodes: 12, inFlight: 2, bestNodeId: 7, bestScore: 0.987654, startedAt: NOW - 150_000, deadline: NOW + 450_000,
    budget: { wallMs: 600_000, maxSteps: 40 }, continuedAsNew: 0,
    spend: { calls: 3, promptTokens: 1000, completionTokens: 200, costUsd: 0.0123, unpricedCalls: 0, latencyMs: 10 },
    stopReason: null, paused: false, hints: 0,
    used: { wallMs: 150_000, steps: 12, tokens: 1200, costUsd: 0.0123 }, left: { wallMs: 450_000, steps: 28, tokens: null, costUsd: null },
  };

  it('shows the time used as a bar, nodes of the step budget, the best node and the spend', () => {
    expect(formatProgress(status, NOW, 20)).toBe(
      '[#####---------------] 02:30 / 10:00  12 nodes of 40 (2 running)  best 0.98765 (#7)  1,200 tokens $0.0123',
    );
  });

  it('says when the run is paused or selecting, and when nothing works yet; the bar never overflows', () => {
    const line = formatProgress({ ...status, bestScore: null, bestNodeId: null, paused: true, phase: 'selecting', spend: { ...status.spend, calls: 0 } }, NOW + 3_600_000, 10);
    expect(line).toBe('[##########] 10:00 / 10:00  12 nodes of 40 (2 running)  no working node yet  PAUSED  selecting');
  });
});

describe('--help on every command', () => {
  const commands = ['demo', 'run', 'bench', 'watch', 'ls', 'show', 'report', 'pause', 'resume', 'stop', 'hint', 'budget',
    'export', 'replay', 'fork', 'tasks', 'server', 'attributes', 'doctor', 'attach'];

  it.each(commands)('%s has usage, an example, --json and the exit codes', (cmd) => {
    const help = commandHelp(cmd)!;
    expect(help).toMatch(/^usage: crucible /);
    expect(help).toMatch(/Examples?:\s+(TEMPORAL_ADDRESS=\S+ )?crucible /);
    expect(help).toContain('--json');
    expect(help).toContain('Exit codes: 0 success');
  });

  it('covers exactly the commands of the CLI', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual([...commands].sort());
  });

  it('finds --help or -h before a `--` separator only', () => {
    expect(wantsHelp(['run-1', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['run-1', '--', '--help'])).toBe(false);
    expect(wantsHelp(['run-1'])).toBe(false);
  });
});

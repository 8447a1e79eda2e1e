import { describe, expect, it } from 'vitest';
import {
  PlanError, agentAtLeast, boardPlace, libraryMetric, markdownTable, outputKind, problemOf, runnerArgs, signedGain, summaryLines,
  type AgentResult, type LibraryResult, type TaskRow,
} from '../../../bench/automl/plan.js';
import { requirementsStamp } from '../../../bench/automl/venv.js';

describe('what the libraries are asked to fit', () => {
  it('takes the problem from the task type and the number of classes', () => {
    expect(problemOf('tabular-regression', 0)).toBe('regression');
    expect(problemOf('tabular-classification', 2)).toBe('binary');
    expect(problemOf('image-classification', 10)).toBe('multiclass');
    expect(() => problemOf('text-classification', 1)).toThrow(PlanError);
  });

  it('reads the submission shape from the prediction columns and the metric', () => {
    expect(outputKind('auc', ['target'], 'binary')).toBe('positive-probability');
    expect(outputKind('logloss', ['affair'], 'binary')).toBe('positive-probability');
    expect(outputKind('accuracy', ['weather'], 'multiclass')).toBe('value');
    expect(outputKind('f1', ['target'], 'binary')).toBe('value');
    expect(outputKind('mae', ['mpg'], 'regression')).toBe('value');
    expect(outputKind('logloss', ['drizzle', 'fog', 'rain', 'snow', 'sun'], 'multiclass')).toBe('class-probabilities');
    expect(() => outputKind('rmse', ['a', 'b'], 'regression')).toThrow(/several regression targets/);
    expect(() => outputKind('auc', ['target'], 'multiclass')).toThrow(/binary target/);
    expect(() => outputKind('accuracy', [], 'binary')).toThrow(/no prediction column/);
  });

  it("maps Crucible's metrics to each library's names, multi-class variants included", () => {
    expect(libraryMetric('flaml', 'auc', 'binary')).toBe('roc_auc');
    expect(libraryMetric('flaml', 'auc', 'multiclass')).toBe('roc_auc_ovr');
    expect(libraryMetric('flaml', 'logloss', 'multiclass')).toBe('log_loss');
    expect(libraryMetric('flaml', 'f1', 'binary')).toBe('f1');
    expect(libraryMetric('flaml', 'f1', 'multiclass')).toBe('macro_f1');
    expect(libraryMetric('flaml', 'rmse', 'regression')).toBe('rmse');
    expect(libraryMetric('flaml', 'mae', 'regression')).toBe('mae');
    expect(libraryMetric('flaml', 'accuracy', 'multiclass')).toBe('accuracy');
    expect(libraryMetric('autogluon', 'rmse', 'regression')).toBe('root_mean_squared_error');
    expect(libraryMetric('autogluon', 'mae', 'regression')).toBe('mean_absolute_error');
    expect(libraryMetric('autogluon', 'f1', 'multiclass')).toBe('f1_macro');
    expect(() => libraryMetric('flaml', 'rmse', 'binary')).toThrow(/does not fit a binary task/);
    expect(() => libraryMetric('autogluon', 'accuracy', 'regression')).toThrow(/does not fit a regression task/);
  });

  it("passes every field to the runner's command line", () => {
    const args = runnerArgs({
      publicDir: '/t/public', train: '/t/public/train.csv', test: '/t/public/test.csv', sampleSubmission: '/t/public/s.csv',
      target: 'y', idColumn: 'id', problem: 'binary', metric: 'roc_auc', output: 'positive-probability', budgetSeconds: 60,
      nJobs: 1, seed: 3, workdir: '/w',
    });
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--budget')).toBe('60');
    expect(flag('--n-jobs')).toBe('1');
    expect(flag('--output')).toBe('positive-probability');
    expect(flag('--sample-submission')).toBe('/t/public/s.csv');
    expect(args.length).toBe(26);
  });
});

describe('the board', () => {
  it('places a score ahead of the entries it ties, for either direction', () => {
    expect(boardPlace(0.98, [0.99, 0.98, 0.97], 'maximize')).toEqual({ rank: 2, of: 4 });
    expect(boardPlace(1, [0.99, 0.98], 'maximize')).toEqual({ rank: 1, of: 3 });
    expect(boardPlace(55, [50, 56, 60], 'minimize')).toEqual({ rank: 2, of: 4 });
    expect(boardPlace(70, [50, 56, 60], 'minimize')).toEqual({ rank: 4, of: 4 });
  });

  it('signs the difference so that positive means the first is better', () => {
    expect(signedGain(0.9, 0.8, 'maximize')).toBeCloseTo(0.1);
    expect(signedGain(50, 55, 'minimize')).toBe(5);
    expect(signedGain(null, 55, 'minimize')).toBeNull();
  });
});

const lib = (score: number | null, over: Partial<LibraryResult> = {}): LibraryResult => ({
  library: 'flaml', metric: 'accuracy', info: null, score, medal: score === null ? null : 'bronze',
  place: score === null ? null : { rank: 5, of: 24 }, wallMs: 60_000, error: score === null ? 'exit 1: boom' : null, ...over,
});
const agent = (score: number | null, nodes = 10, buggyNodes = 2): AgentResult => ({
  preset: 'aira-greedy', seed: 1, nodes, buggyNodes, isolation: ['docker'], score, medal: score === null ? null : 'gold',
  place: score === null ? null : { rank: 1, of: 24 }, wallMs: 61_000, error: score === null ? 'no good node' : null,
});
const row = (task: string, direction: 'maximize' | 'minimize', libs: LibraryResult[], a: AgentResult | null): TaskRow => ({
  task, type: 'tabular-classification', metric: direction === 'maximize' ? 'accuracy' : 'logloss', direction, problem: 'binary',
  output: 'value', rows: { train: 100, test: 40, scored: 30 }, best: { team: 'gbm', score: 0.9 },
  defaults: [{ team: 'default_logreg', score: 0.8 }], thresholds: { gold: 0.9, silver: 0.85, bronze: 0.8, median: 0.7 },
  boardSize: 23, libraries: libs, agent: a, skipped: null,
});

describe('the results table', () => {
  const rows = [
    row('a', 'maximize', [lib(0.8)], agent(0.88)),
    row('b', 'minimize', [lib(0.4)], agent(0.5, 12, 0)),
    row('c', 'maximize', [lib(null)], agent(0.7)),
    row('d', 'maximize', [lib(0.9)], agent(null, 5, 5)),
  ];

  it('counts the tasks where the agent is at least the library, a failed library counting for the agent', () => {
    expect(agentAtLeast(rows, 'flaml')).toEqual({ wins: 2, of: 4 });
    expect(agentAtLeast([row('e', 'maximize', [lib(0.8)], agent(0.8))], 'flaml')).toEqual({ wins: 1, of: 1 });
    expect(agentAtLeast(rows, 'autogluon')).toEqual({ wins: 0, of: 0 });
  });

  it('shows each contender with its medal and place, the defaults, thresholds and the signed difference', () => {
    const md = markdownTable(rows, ['flaml'], true);
    const lines = md.split('\n');
    expect(lines[0]).toContain('| FLAML | agent | agent buggy |');
    expect(lines[0]).toContain('agent − FLAML');
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[2]).toContain('0.88 (gold, #1/24)');
    expect(lines[2]).toContain('0.8 (bronze, #5/24)');
    expect(lines[2]).toContain('default_logreg 0.8 (bronze), best of 1');
    expect(lines[2]).toContain('2/10 (20%)');
    expect(lines[2]).toContain('+0.08 (+10.0%)');
    expect(lines[3]).toContain('-0.1 (-25.0%)'); // logloss 0.5 against 0.4: worse
    expect(lines[4]).toContain('failed: exit 1: boom');
    expect(lines[2]).toContain('0.9 / 0.85 / 0.8');
    expect(lines[2]).toContain('60 / 61');
  });

  it('leaves the agent columns out when the agent did not run, and says "—" without default models', () => {
    const md = markdownTable([{ ...row('a', 'maximize', [lib(0.8)], null), defaults: [] }], ['flaml'], false);
    expect(md).not.toContain('agent');
    expect(md.split('\n')[2]).toContain('| — |');
  });

  it('sums up medals, agent ≥ library and the pooled buggy rate', () => {
    expect(summaryLines(rows, ['flaml'], true)).toEqual([
      'FLAML: a medal on 3 of 4 tasks.',
      'Agent: a medal on 3 of 4 tasks.',
      'Agent ≥ FLAML (hidden test score) on 2 of 4 tasks.',
      'Agent buggy nodes: 9 of 37 (24%) over all tasks.',
    ]);
  });
});

describe('venv stamp', () => {
  it('is the first 16 hex digits of the SHA-256, as scripts/setup.sh stamps its steps', () => {
    expect(requirementsStamp('flaml==2.8.0\n')).toMatch(/^[0-9a-f]{16}$/);
    expect(requirementsStamp('a')).toBe('ca978112ca1bbdca');
    expect(requirementsStamp('a')).not.toBe(requirementsStamp('b'));
  });
});

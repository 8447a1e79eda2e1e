import { describe, expect, it } from 'vitest';
import { MAX_STEPS } from '../../../src/config/constants.js';
import { emptySpend, type Spend } from '../../../src/core/spend.js';
import type { CarriedSearch } from '../../../src/workflows/carry.js';
import { MAX_HINT_CHARS, MAX_HINTS, MAX_WALL_MS } from '../../../src/workflows/run/steering.js';
import { RunState, type LoopCounts } from '../../../src/workflows/run/state.js';
import type { AgentRunInput, CarriedState } from '../../../src/workflows/types.js';
import type { RunBudget } from '../../../src/core/run.js';

const T0 = 1_735_689_600_000;
const RUN = 'run-1';

/** A run input with what RunState reads (budget, carried, fork); the rest only travels on. */
function inputOf(budget: Partial<RunBudget> = {}, extra: Partial<AgentRunInput> = {}): AgentRunInput {
  return { seed: 3, execTimeoutMs: 60_000, execTaskQueue: 'exec', budget: { wallMs: 600_000, maxSteps: 20, ...budget }, ...extra } as AgentRunInput;
}

/** A RunState on a clock the test moves, with loop counts the test sets. */
function setup(input: AgentRunInput = inputOf()) {
  const clock = { now: T0 };
  const counts: LoopCounts = { nodes: 0, steps: 0, inFlight: 0, best: null };
  const run = new RunState(input, { runId: RUN, now: () => clock.now, counts: () => counts });
  return { run, clock, counts };
}

const spendOf = (promptTokens: number, costUsd = 0): Spend => ({ ...emptySpend(), calls: 1, promptTokens, costUsd });
const search = { graph: { direction: 'maximize', nodes: [] } } as unknown as CarriedSearch;

describe('RunState: a fresh run', () => {
  it('starts searching at the clock, with the budget, no spend, no hints, not paused, able to launch', () => {
    const { run } = setup(inputOf({ maxTokens: 1_000 }));
    expect(run.startedAt).toBe(T0);
    expect(run.deadline).toBe(T0 + 600_000);
    expect(run.phase).toBe('searching');
    expect(run.stopReason).toBeNull();
    expect(run.spend).toStrictEqual(emptySpend());
    expect(run.hints).toEqual([]);
    expect(run.paused).toBe(false);
    expect(run.mayLaunch).toBe(true);
    expect(run.continuedAsNew).toBe(0);
    expect(run.archivedUpTo).toBe(0);
    expect(run.spendLimit()).toBeNull();
  });

  it('does not share the budget object with its input', () => {
    const input = inputOf();
    const { run } = setup(input);
    run.setBudget({ maxSteps: 40 });
    expect(input.budget.maxSteps).toBe(20);
    expect(run.budget.maxSteps).toBe(40);
  });
});

describe('RunState: status', () => {
  it('shows used and left budgets from the clock, the loop counts and the spend', () => {
    const { run, clock, counts } = setup(inputOf({ maxTokens: 1_000, maxCostUsd: 2 }));
    Object.assign(counts, { nodes: 4, steps: 6, inFlight: 2, best: { id: 3, score: 0.9 } });
    run.addSpend(spendOf(300, 0.5));
    clock.now = T0 + 100_000;
    expect(run.status()).toStrictEqual({
      phase: 'searching', nodes: 4, inFlight: 2, bestNodeId: 3, bestScore: 0.9, startedAt: T0, deadline: T0 + 600_000,
      budget: { wallMs: 600_000, maxSteps: 20, maxTokens: 1_000, maxCostUsd: 2 }, continuedAsNew: 0, spend: spendOf(300, 0.5),
      stopReason: null, paused: false,
      used: { wallMs: 100_000, steps: 6, tokens: 300, costUsd: 0.5 },
      left: { wallMs: 500_000, steps: 14, tokens: 700, costUsd: 1.5 },
      hints: 0,
    });
  });

  it('has nothing left of time and steps once stopped, and null for limits not set', () => {
    const { run } = setup();
    run.halt('stopped by user');
    const { left, stopReason } = run.status();
    expect(stopReason).toBe('stopped by user');
    expect(left).toStrictEqual({ wallMs: 0, steps: 0, tokens: null, costUsd: null });
  });
});

describe('RunState: pause and resume', () => {
  it('pause holds launches back and says how many keep running; resume lets them go', () => {
    const { run, counts } = setup();
    counts.inFlight = 2;
    run.checkPause();
    const ack = run.pause();
    expect(ack.message).toBe(`paused run ${RUN}: no new actions start; 2 running will finish`);
    expect(ack.status.paused).toBe(true);
    expect(run.changed).toBe(true);
    expect(run.mayLaunch).toBe(false);
    expect(() => run.checkPause()).toThrow(`run ${RUN} is already paused`);
    run.changed = false;
    run.checkResume();
    expect(run.resume().message).toBe(`resumed run ${RUN}`);
    expect(run.changed).toBe(true);
    expect(run.mayLaunch).toBe(true);
    expect(() => run.checkResume()).toThrow(`run ${RUN} is not paused`);
  });

  it('a stop ends a pause', () => {
    const { run } = setup();
    run.pause();
    expect(run.halt('token budget')).toBe(true);
    expect(run.paused).toBe(false);
    expect(run.mayLaunch).toBe(false);
  });

  it('cannot pause or resume a run that is stopping or finishing', () => {
    const { run } = setup();
    run.pause();
    run.requestStop(null);
    expect(() => run.checkResume()).toThrow(`run ${RUN} is finishing (stopped by user): it cannot be resumed`);
    const other = setup().run;
    other.phase = 'selecting';
    expect(() => other.checkPause()).toThrow(`run ${RUN} is finishing (selecting): it cannot be paused`);
  });
});

describe('RunState: stop', () => {
  it('a user stop is requested by the update and takes effect when the loop reacts, with its note', () => {
    const { run, counts } = setup();
    counts.inFlight = 1;
    run.checkStop('  enough  ');
    expect(run.requestStop('  enough  ').message).toBe(`stopping run ${RUN}: 1 running action(s) finish, then the final selection and report`);
    expect(run.changed).toBe(true);
    expect(run.mayLaunch).toBe(false);
    // Requested, not yet stopped: the status shows no reason until the loop takes it up.
    expect(run.stopReason).toBeNull();
    expect(() => run.checkStop(null)).toThrow(`run ${RUN} is already stopping (stopped by user)`);
    expect(run.react()).toStrictEqual({ stopped: 'stopped by user', maxSteps: null });
    expect(run.stopReason).toBe('stopped by user');
    expect(run.stopNote).toBe('enough');
    expect(run.outcome()).toMatchObject({ stopReason: 'stopped by user', stopNote: 'enough' });
    expect(run.react()).toStrictEqual({ stopped: null, maxSteps: null });
  });

  it('a blank note is no note', () => {
    const { run } = setup();
    run.requestStop('   ');
    run.react();
    expect(run.stopNote).toBeUndefined();
    expect(run.outcome()).not.toHaveProperty('stopNote');
  });

  it('rejects a note that is not a string, a second stop, and a stop while finishing', () => {
    const { run } = setup();
    expect(() => run.checkStop(42)).toThrow('stop: the reason must be a string');
    run.halt('cost budget');
    expect(() => run.checkStop()).toThrow(`run ${RUN} is already stopping (cost budget)`);
    const other = setup().run;
    other.phase = 'finished';
    expect(() => other.checkStop()).toThrow(`run ${RUN} is already finishing (finished)`);
  });

  it('the first reason wins', () => {
    const { run } = setup();
    expect(run.halt('token budget')).toBe(true);
    expect(run.halt('wall-clock budget')).toBe(false);
    expect(run.stopReason).toBe('token budget');
    expect(run.outcome().stopReason).toBe('token budget');
  });

  it('a run that ends without a stop ends on its step budget', () => {
    expect(setup().run.outcome().stopReason).toBe('step budget');
  });

  it('the token and the cost limit are reached by the spend added', () => {
    const { run } = setup(inputOf({ maxTokens: 1_000, maxCostUsd: 1 }));
    expect(run.addSpend(spendOf(600, 0.25))).toBeNull();
    expect(run.addSpend(spendOf(400, 0.25))).toBe('token budget');
    const cost = setup(inputOf({ maxCostUsd: 1 })).run;
    expect(cost.addSpend(spendOf(10_000_000, 0.99))).toBeNull();
    expect(cost.addSpend(spendOf(0, 0.01))).toBe('cost budget');
    expect(cost.spend.promptTokens).toBe(10_000_000);
  });

  it('records the first fatal error only, and reports it in the outcome', () => {
    const { run } = setup();
    expect(run.fail('401 bad key')).toBe(true);
    expect(run.fail('later')).toBe(false);
    expect(run.outcome().error).toBe('401 bad key');
  });

  it('the deadline passes once, at the clock, and is not awaited after', () => {
    const { run, clock } = setup();
    clock.now = T0 + 599_999;
    expect(run.deadlinePassed()).toBe(false);
    expect(run.awaitsDeadline).toBe(true);
    clock.now = T0 + 600_000;
    expect(run.deadlinePassed()).toBe(true);
    expect(run.deadlinePassed()).toBe(false);
    expect(run.awaitsDeadline).toBe(false);
  });
});

describe('RunState: setBudget', () => {
  it('moves the deadline at once and tells the loop the new step budget', () => {
    const { run, clock } = setup();
    run.checkSetBudget({ wallMs: 1_200_000 });
    const ack = run.setBudget({ wallMs: 1_200_000 });
    expect(ack.message).toBe(`budget of run ${RUN} is now time 20:00, 20 steps`);
    expect(ack.status.deadline).toBe(T0 + 1_200_000);
    expect(run.deadline).toBe(T0 + 1_200_000);
    clock.now = T0 + 700_000;
    expect(run.react()).toStrictEqual({ stopped: null, maxSteps: 20 });
    expect(run.deadlinePassed()).toBe(false);
    // Once taken up, the loop is told nothing more.
    expect(run.react()).toStrictEqual({ stopped: null, maxSteps: null });
  });

  it('raises and lowers the steps, keeping the other fields', () => {
    const { run } = setup(inputOf({ maxTokens: 5_000 }));
    run.setBudget({ maxSteps: 50 });
    expect(run.react().maxSteps).toBe(50);
    run.setBudget({ maxSteps: 5 });
    expect(run.react().maxSteps).toBe(5);
    expect(run.budget).toStrictEqual({ wallMs: 600_000, maxSteps: 5, maxTokens: 5_000 });
    expect(run.status().left.steps).toBe(5);
  });

  it('a deadline cut into the past is left to the deadline check: no step budget for the loop', () => {
    const { run, clock } = setup();
    clock.now = T0 + 300_000;
    run.setBudget({ wallMs: 60_000 });
    expect(run.react()).toStrictEqual({ stopped: null, maxSteps: null });
    expect(run.deadlinePassed()).toBe(true);
  });

  it('a limit the spend has already reached stops the run at once', () => {
    const { run } = setup();
    run.addSpend(spendOf(2_000, 0.5));
    run.setBudget({ maxTokens: 1_000 });
    expect(run.react()).toStrictEqual({ stopped: 'token budget', maxSteps: null });
    expect(run.stopReason).toBe('token budget');
    const cost = setup().run;
    cost.addSpend(spendOf(10, 0.5));
    cost.setBudget({ maxCostUsd: 0.5 });
    expect(cost.react().stopped).toBe('cost budget');
  });

  it('a user stop taken up with a budget change wins over the limit', () => {
    const { run } = setup();
    run.addSpend(spendOf(2_000));
    run.setBudget({ maxTokens: 1_000 });
    run.requestStop('done');
    expect(run.react()).toStrictEqual({ stopped: 'stopped by user', maxSteps: null });
  });

  it('the validator rejects bad changes and changes to a stopping run', () => {
    const { run } = setup();
    expect(() => run.checkSetBudget({})).toThrow(/setBudget: nothing to change/);
    expect(() => run.checkSetBudget({ steps: 3 })).toThrow('setBudget: unknown field steps');
    expect(() => run.checkSetBudget({ maxSteps: 0 })).toThrow('setBudget: maxSteps must be greater than zero (got 0)');
    expect(() => run.checkSetBudget({ maxSteps: MAX_STEPS + 1 })).toThrow(/maxSteps must be an integer from 1/);
    expect(() => run.checkSetBudget({ wallMs: MAX_WALL_MS + 1 })).toThrow(/wallMs must be at most/);
    expect(() => run.checkSetBudget({ maxTokens: 1.5 })).toThrow('setBudget: maxTokens must be an integer (got 1.5)');
    expect(() => run.checkSetBudget(null)).toThrow(/expected an object/);
    run.halt('wall-clock budget');
    expect(() => run.checkSetBudget({ maxSteps: 3 })).toThrow(`run ${RUN} is finishing (wall-clock budget): it cannot change its budget`);
  });
});

describe('RunState: hints', () => {
  it('numbers hints from 1, trims them, stamps them with the clock', () => {
    const { run, clock } = setup();
    clock.now = T0 + 5;
    run.checkHint('  try target encoding ');
    const ack = run.addHint('  try target encoding ');
    expect(ack.message).toBe(`hint 1 added to run ${RUN}: the next operator calls will see it`);
    expect(ack.status.hints).toBe(1);
    run.addHint('and lightgbm');
    expect(run.hints).toStrictEqual([{ id: 1, text: 'try target encoding', at: T0 + 5 }, { id: 2, text: 'and lightgbm', at: T0 + 5 }]);
    expect(run.outcome().hints).toHaveLength(2);
  });

  it('rejects a hint that is not a string, blank or too long, past MAX_HINTS, or to a stopping run', () => {
    const { run } = setup();
    expect(() => run.checkHint(null)).toThrow('hint: the text must be a string (got null)');
    expect(() => run.checkHint(7)).toThrow('hint: the text must be a string (got number)');
    expect(() => run.checkHint('  ')).toThrow('hint: the text must not be empty');
    expect(() => run.checkHint('x'.repeat(MAX_HINT_CHARS + 1))).toThrow(`hint: the text has ${MAX_HINT_CHARS + 1} characters; at most ${MAX_HINT_CHARS} are allowed`);
    expect(() => run.checkHint(` ${'x'.repeat(MAX_HINT_CHARS)} `)).not.toThrow();
    for (let i = 0; i < MAX_HINTS; i++) run.addHint(`hint ${i}`);
    expect(() => run.checkHint('one more')).toThrow(`run ${RUN} already has ${MAX_HINTS} hints, the most it takes`);
    const stopping = setup().run;
    stopping.requestStop(null);
    expect(() => stopping.checkHint('late')).toThrow(`run ${RUN} is finishing (stopped by user): it cannot take hints`);
  });
});

describe('RunState: draining for continue-as-new', () => {
  it('drains once suggested, holds launches back, and continues when nothing runs', () => {
    const { run } = setup();
    run.drainIf(false);
    expect(run.draining).toBe(false);
    run.drainIf(true);
    expect(run.draining).toBe(true);
    expect(run.mayLaunch).toBe(false);
    expect(run.readyToContinue(true)).toBe(false);
    expect(run.readyToContinue(false)).toBe(true);
  });

  it('does not drain a stopping run, nor continue one with a stop requested', () => {
    const stopped = setup().run;
    stopped.halt('token budget');
    stopped.drainIf(true);
    expect(stopped.draining).toBe(false);
    const requested = setup().run;
    requested.drainIf(true);
    requested.requestStop(null);
    expect(requested.readyToContinue(false)).toBe(false);
  });
});

describe('RunState: carried across continue-as-new', () => {
  it('carries the state on, and the next execution reads back the same state', () => {
    const { run, clock } = setup(inputOf({ maxTokens: 9_000 }, { fork: { fromRunId: 'src', nodes: [] } }));
    run.addSpend(spendOf(1_234, 0.5));
    run.addHint('first');
    run.setBudget({ maxSteps: 99 });
    run.pause();
    run.requestStop('while continuing');
    clock.now = T0 + 50_000;
    const next = JSON.parse(JSON.stringify(run.carryOn(inputOf({ maxTokens: 9_000 }), search, 17))) as AgentRunInput;
    expect(next.fork).toBeUndefined();
    expect(next.budget).toStrictEqual({ wallMs: 600_000, maxSteps: 99, maxTokens: 9_000 });
    expect(next.carried).toStrictEqual({
      search, startedAt: T0, archivedUpTo: 17, continuedAsNew: 1, spend: spendOf(1_234, 0.5), hints: [{ id: 1, text: 'first', at: T0 }],
      paused: true, stopRequested: { note: 'while continuing' }, forkedFrom: { runId: 'src', atNode: 0 },
    } satisfies CarriedState);

    const resumed = setup(next);
    const r = resumed.run;
    expect(r.startedAt).toBe(T0);
    expect(r.continuedAsNew).toBe(1);
    expect(r.archivedUpTo).toBe(17);
    expect(r.spend).toStrictEqual(spendOf(1_234, 0.5));
    expect(r.hints).toStrictEqual([{ id: 1, text: 'first', at: T0 }]);
    expect(r.paused).toBe(true);
    expect(r.budget.maxSteps).toBe(99);
    // The carried stop takes effect at the first reaction of the next execution.
    expect(r.react().stopped).toBe('stopped by user');
    expect(r.outcome()).toMatchObject({ stopNote: 'while continuing', forkedFrom: { runId: 'src', atNode: 0 }, continuedAsNew: 1 });
    // Carried on again, what was carried stays.
    resumed.clock.now = T0 + 90_000;
    expect(r.carryOn(next, search, 20).carried).toMatchObject({ startedAt: T0, continuedAsNew: 2, archivedUpTo: 20 });
  });

  it('carries no stop request or fork origin where there is none', () => {
    const carried = setup().run.carryOn(inputOf(), search, 0).carried!;
    expect(Object.keys(carried).sort()).toEqual(['archivedUpTo', 'continuedAsNew', 'hints', 'paused', 'search', 'spend', 'startedAt']);
  });
});

import type { OperatorBackend, OperatorRequest, OperatorResult, ParentContext } from '../types.js';
import { budgetFor, type Budget } from './budget.js';
import { recombine } from './crossover.js';
import type { FaultRates } from '../../config/offlineFaults.js';
import { drawFault } from './faults.js';
import { readGenome, withoutFault, type Genome } from './genome.js';
import { mutate } from './mutate.js';
import { crossoverPlan, debugPlan, draftPlan, improvePlan, restartPlan, triedMutations } from './plan.js';
import { renderFor } from './render.js';
import { repair } from './repair.js';
import { createRng, type Rng } from './rng.js';
import { sampleGenome } from './sample.js';
import { offlineTask, type OfflineTask } from './task.js';

/**
 * Fault injection, for tests only (faults.ts): the probability that a Draft, and that an Improve or a
 * Crossover, plants a realistic bug. Both default to 0; Debug never plants one, so debug chains end.
 */
export type OfflineBackendOptions = Partial<FaultRates>;

interface Context {
  request: OperatorRequest;
  task: OfflineTask;
  budget: Budget;
  rng: Rng;
  /** A separate stream: whether a fault is planted never changes which pipeline a seed samples. */
  faultRng: Rng;
  faultRate: number;
}

function parentAt(request: OperatorRequest, i: number): ParentContext {
  const parent = request.parents[i];
  if (!parent) throw new Error(`${request.op} needs ${i === 0 ? 'a parent' : 'two parents'}`);
  return parent;
}

/** The pipeline in a parent's code, any planted fault's record dropped unread; null when it carries none. */
function parentPipeline(parent: ParentContext, task: OfflineTask): Genome | null {
  const genome = readGenome(parent.code, task.type);
  return genome && withoutFault(genome);
}

function withFault(genome: Genome, ctx: Context): Genome {
  return { ...genome, fault: drawFault(ctx.faultRng, ctx.faultRate) };
}

/** A fresh pipeline, for parents whose code carries no genome this generator can read. */
function restart(ctx: Context, parents: ParentContext[]): OperatorResult {
  const { op } = ctx.request;
  const { task } = ctx;
  const genome = withFault(sampleGenome(task.type, ctx.rng, ctx.budget), ctx);
  return { plan: restartPlan(genome, task, op, parents), code: renderFor(genome, task) };
}

/** One mutation of a parent; `note` explains why a crossover fell back to it. */
function improve(ctx: Context, parent: ParentContext, parentGenome: Genome, note?: string): OperatorResult {
  const { task } = ctx;
  const mutation = mutate(parentGenome, task.type, ctx.rng, ctx.budget, triedMutations(parent.nodeId, ctx.request.memory));
  const genome = withFault(mutation.genome, ctx);
  return { plan: improvePlan(genome, task, parent, mutation, note), code: renderFor(genome, task) };
}

function crossover(ctx: Context): OperatorResult {
  const { task } = ctx;
  const [a, b] = [parentAt(ctx.request, 0), parentAt(ctx.request, 1)];
  const [ga, gb] = [parentPipeline(a, task), parentPipeline(b, task)];
  if (ga && gb) {
    const mix = recombine(ga, gb, ctx.rng);
    const genome = withFault(mix.genome, ctx);
    return { plan: crossoverPlan(genome, task, a, b, mix), code: renderFor(genome, task) };
  }
  const note = (missing: ParentContext): string =>
    `Node ${missing.nodeId} carries no crucible-genome line this generator can read, so this crossover mutates its other parent instead.`;
  if (ga) return improve(ctx, a, ga, note(b));
  if (gb) return improve(ctx, b, gb, note(a));
  return restart(ctx, [a, b]);
}

function debug(ctx: Context): OperatorResult {
  const { task } = ctx;
  const parent = parentAt(ctx.request, 0);
  const parentGenome = parentPipeline(parent, task);
  if (!parentGenome) return restart(ctx, [parent]);
  const fixed = repair(parentGenome, task, parent.code, parent.bugReason, parent.output, ctx.rng, ctx.budget);
  return { plan: debugPlan(fixed.genome, task, parent, fixed), code: renderFor(fixed.genome, task) };
}

/** The whole generator as a pure function: the same request always gives byte-identical output. */
export function generateOffline(request: OperatorRequest, options: OfflineBackendOptions = {}): OperatorResult {
  const { seed, op } = request;
  // A task that is not one table of rows to predict throws UnfitTaskError here, before any work.
  const task = offlineTask(request.task);
  const ctx: Context = {
    request,
    task,
    budget: budgetFor(request.remainingSeconds),
    rng: createRng(seed, op),
    faultRng: createRng(seed, `${op}/fault`),
    faultRate: op === 'draft' ? (options.draftFaultRate ?? 0) : op === 'debug' ? 0 : (options.improveFaultRate ?? 0),
  };
  switch (op) {
    case 'draft': {
      const genome = withFault(sampleGenome(task.type, ctx.rng, ctx.budget), ctx);
      return { plan: draftPlan(genome, task), code: renderFor(genome, task) };
    }
    case 'improve': {
      const parent = parentAt(request, 0);
      const parentGenome = parentPipeline(parent, task);
      return parentGenome ? improve(ctx, parent, parentGenome) : restart(ctx, [parent]);
    }
    case 'crossover':
      return crossover(ctx);
    case 'debug':
      return debug(ctx);
  }
}

/** The offline operator backend: a deterministic program generator, not an LLM. */
export class OfflineBackend implements OperatorBackend {
  readonly name = 'offline';

  constructor(private readonly options: OfflineBackendOptions = {}) {}

  run(request: OperatorRequest): Promise<OperatorResult> {
    return Promise.resolve(generateOffline(request, this.options));
  }
}

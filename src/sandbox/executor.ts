/**
 * The base of every sandbox (process.ts, docker.ts, and any later one). A sandbox implements
 * runSolution; callers only ever call execute, which seals the workspace once the run has ended
 * (workspace.ts), so no sandbox can hand the worker an unsealed workspace. The protected member makes
 * the type nominal: only a subclass of Executor is an Executor, never an object of the same shape.
 */
import type { ExecIsolation } from '../core/node.js';
import type { ExecResult, ExecSpec, SolutionResult } from './types.js';
import { sealWorkspace, withNotes } from './workspace.js';

export abstract class Executor {
  abstract readonly name: string;

  /**
   * Runs the solution in spec.workDir. Resolves only once nothing the solution started can change the
   * workspace any more (its process tree dead, its container gone).
   */
  protected abstract runSolution(spec: ExecSpec, signal?: AbortSignal): Promise<SolutionResult>;

  /** The isolation its solutions run under (a sandbox may probe the host for it on first use). */
  abstract isolation(): Promise<{ mode: ExecIsolation }>;

  /**
   * Runs the solution, then seals its workspace; the seal's notes end the result's stderr, and the
   * result says the isolation it ran under. Not to be overridden.
   */
  async execute(spec: ExecSpec, signal?: AbortSignal): Promise<ExecResult> {
    const result = await this.runSolution(spec, signal);
    const sealed = withNotes(result, await sealWorkspace(spec.workDir));
    return { ...sealed, isolation: (await this.isolation()).mode };
  }
}

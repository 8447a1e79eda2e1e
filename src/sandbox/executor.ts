/**
 * The base of every sandbox (process.ts, docker.ts, and any later one). A sandbox implements
 * runSolution; callers only ever call execute, which seals the workspace once the run has ended
 * (workspace.ts), so no sandbox can hand the worker an unsealed workspace. The protected member makes
 * the type nominal: only a subclass of Executor is an Executor, never an object of the same shape.
 */
import type { ExecResult, ExecSpec } from './types.js';
import { sealWorkspace, withNotes } from './workspace.js';

export abstract class Executor {
  abstract readonly name: string;

  /**
   * Runs the solution in spec.workDir. Resolves only once nothing the solution started can change the
   * workspace any more (its process tree dead, its container gone).
   */
  protected abstract runSolution(spec: ExecSpec, signal?: AbortSignal): Promise<ExecResult>;

  /** Runs the solution, then seals its workspace; the seal's notes end the result's stderr. Not to be overridden. */
  async execute(spec: ExecSpec, signal?: AbortSignal): Promise<ExecResult> {
    const result = await this.runSolution(spec, signal);
    return withNotes(result, await sealWorkspace(spec.workDir));
  }
}

/** What every executor (executor.ts) is given and returns. */
import type { ExecIsolation } from '../core/node.js';
import type { SandboxEnvironment } from './environments.js';

export interface ExecSpec {
  /** Python source of the solution. */
  code: string;
  /** Read-only public data the solution reads (the task's public/ folder). */
  dataDir: string;
  /** Fresh, empty folder: the solution's cwd, where it writes submission.csv and metrics.json. */
  workDir: string;
  /** Wall-clock limit; the whole process tree is killed when it passes. */
  timeoutMs: number;
  /** Bytes of stdout and of stderr kept each (head and tail); the middle is dropped while streaming. */
  maxOutputBytes: number;
  /** Extra environment for the solution (never secrets). */
  env?: Record<string, string>;
  /**
   * Metadata naming who runs this execution (e.g. `crucible.run`, `crucible.node`, `crucible.worker`).
   * The docker executor puts them on the container as labels, so leftovers can be traced and swept.
   */
  labels?: Record<string, string>;
  /** The Python environment to run in (environments.ts); `base` when absent. */
  environment?: SandboxEnvironment;
}

export interface CappedOutput {
  text: string;
  /** Bytes dropped from the middle. */
  droppedBytes: number;
}

export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  oomKilled: boolean;
  cancelled: boolean;
  durationMs: number;
  stdout: CappedOutput;
  stderr: CappedOutput;
  /**
   * What the solution ran under, set by the docker and process executors: the image, or the
   * interpreter, and the environment's name (e.g. `mlebench: crucible-sandbox-mlebench:latest`).
   */
  environment?: string;
  /** The isolation the solution ran under (Executor.isolation, stamped by Executor.execute). */
  isolation: ExecIsolation;
}

/** What a sandbox's own run returns; Executor.execute adds the isolation. */
export type SolutionResult = Omit<ExecResult, 'isolation'>;

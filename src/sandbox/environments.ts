/**
 * The Python environments solutions run in, one per kind of task:
 *  - `base`: numpy, pandas, scikit-learn (sandbox/packages.txt in the image, scripts/requirements.txt in
 *    the project venv). The bundled tasks and CI run here.
 *  - `mlebench`: MLE-bench's agent image's packages at its versions (sandbox/mlebench-requirements.txt:
 *    torch, LightGBM, XGBoost, CatBoost, timm, transformers, librosa, opencv, ...). Several GB, so it
 *    is built only on request: `npm run setup -- --mlebench`. MLE-bench competitions run here.
 * An executor asked for an environment it does not have runs the solution in `base` and says so in the
 * solution's stderr (fallbackNote), so a missing torch is never a mystery to the agent or the reader.
 */
import { existsSync } from 'node:fs';
import { mlebenchEnvironmentPython, pythonPath } from '../config/paths.js';

export const SANDBOX_ENVIRONMENTS = ['base', 'mlebench'] as const;
export type SandboxEnvironment = (typeof SANDBOX_ENVIRONMENTS)[number];

/** MLE-bench competitions (a task with `mlebench` set) run in the MLE-bench environment. */
export function environmentFor(task: { mlebench?: unknown }): SandboxEnvironment {
  return task.mlebench === undefined ? 'base' : 'mlebench';
}

/** Docker images, built by scripts/sandbox-image.sh (`--profile mlebench` for the second); `latest` follows the newest recipe. */
export const ENVIRONMENT_IMAGES: Record<SandboxEnvironment, string> = {
  base: 'crucible-sandbox:latest',
  mlebench: 'crucible-sandbox-mlebench:latest',
};

/** PATH inside a container of each image: the MLE-bench image's venv (/opt/mlebench-venv) comes first. */
export const IMAGE_PATHS: Record<SandboxEnvironment, string> = {
  base: '/usr/local/bin:/usr/bin:/bin',
  mlebench: '/opt/mlebench-venv/bin:/usr/local/bin:/usr/bin:/bin',
};

/** The process sandbox's interpreter for each environment (venvs made by scripts/setup.sh). */
export function environmentPythons(): Record<SandboxEnvironment, string> {
  return { base: pythonPath(), mlebench: mlebenchEnvironmentPython() };
}

/** How to build each environment where it is missing. */
export const BUILD_COMMANDS: Record<SandboxEnvironment, string> = {
  base: 'npm run setup',
  mlebench: 'npm run setup -- --mlebench',
};

/** The line that ends stderr (and the worker's log, once) when a solution ran in `base` instead of the environment asked for. */
export function fallbackNote(wanted: SandboxEnvironment, missing: string): string {
  return `crucible sandbox: the ${wanted} environment is not built here (${missing} is missing), so this ran in the base ` +
    `environment (numpy, pandas, scikit-learn, scipy, pillow only); build it with \`${BUILD_COMMANDS[wanted]}\``;
}

/** Fallback notes already logged by this process: a worker says each once, not per execution. */
const warned = new Set<string>();

export function warnOnce(note: string, warn: (message: string) => void = console.warn): void {
  if (warned.has(note)) return;
  warned.add(note);
  warn(note);
}

/**
 * Which environment a run's solutions get from the process sandbox on this machine, in one line, for
 * a run's start; Docker workers say the same per execution through fallbackNote.
 */
export function describeEnvironment(wanted: SandboxEnvironment, pythons = environmentPythons()): string {
  if (existsSync(pythons[wanted])) return `Sandbox environment: ${wanted} (${pythons[wanted]}; Docker image ${ENVIRONMENT_IMAGES[wanted]})`;
  return `Sandbox environment: base, not ${wanted}: ${pythons[wanted]} is missing; build the ${wanted} environment with \`${BUILD_COMMANDS[wanted]}\``;
}

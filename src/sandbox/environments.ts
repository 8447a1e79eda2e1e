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
import Docker from 'dockerode';
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
 * One line for a run's start: whether this machine has the environment the task asks for, in the
 * process sandbox (its venv) and in Docker (its image), and how to build what is missing. Remote
 * exec workers report their own fallbacks per execution (fallbackNote).
 */
export async function describeEnvironment(wanted: SandboxEnvironment, docker: Docker = new Docker()): Promise<string> {
  const python = environmentPythons()[wanted];
  const image = ENVIRONMENT_IMAGES[wanted];
  const hasVenv = existsSync(python);
  const hasImage = await docker.getImage(image).inspect().then(() => true, () => false);
  const where = `process sandbox ${hasVenv ? python : `${python} missing`}; Docker ${hasImage ? image : `${image} missing`}`;
  if (hasVenv && hasImage) return `Sandbox environment: ${wanted} (${where}).`;
  return `Sandbox environment: ${wanted} where built, else base (${where}); build it with \`${BUILD_COMMANDS[wanted]}\`.`;
}

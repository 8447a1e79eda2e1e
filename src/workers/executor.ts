/** Which sandbox an exec worker uses, and the clean-up of containers left by crashed workers. */
import os from 'node:os';
import Docker from 'dockerode';
import { DEFAULT_SANDBOX_IMAGE, DockerExecutor, WORKER_LABEL, dockerAvailable, sweepContainers } from '../sandbox/docker.js';
import { ProcessExecutor } from '../sandbox/process.js';
import type { Executor } from '../sandbox/executor.js';

export type ExecutorKind = 'auto' | 'docker' | 'process';

export interface ExecutorChoice {
  kind: ExecutorKind;
  /** GPU ids this worker owns; its containers get exactly these. */
  gpus?: string[];
  image?: string;
  cpus?: number;
  memoryBytes?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A container is live while the worker that started it is: same host and its pid still running.
 * Containers of another host's workers (an engine shared across hosts) are left to those workers.
 */
export function ownerAlive(labels: Record<string, string>): boolean {
  const owner = labels[WORKER_LABEL] ?? '';
  const at = owner.lastIndexOf(':');
  if (at < 0) return false;
  if (owner.slice(0, at) !== os.hostname()) return true;
  const pid = Number(owner.slice(at + 1));
  return pid !== process.pid && processAlive(pid);
}

async function imageExists(image: string): Promise<boolean> {
  return new Docker().getImage(image).inspect().then(() => true, () => false);
}

/**
 * Docker when an engine answers and the sandbox image exists (the default), else the process sandbox
 * (bubblewrap and cgroups where available; it says which isolation it has, loudly when weak).
 * Asking for docker explicitly makes a missing engine an error instead of a silent downgrade.
 */
export async function chooseExecutor(choice: ExecutorChoice, log: (msg: string) => void = console.warn): Promise<Executor> {
  const processExecutor = () => new ProcessExecutor({ cpus: choice.cpus, memoryBytes: choice.memoryBytes });
  if (choice.kind === 'process') return processExecutor();
  if (!(await dockerAvailable())) {
    if (choice.kind === 'docker') {
      throw new Error('--executor docker: no Docker engine answers; start one with scripts/docker-engine.sh');
    }
    if (choice.gpus?.length) throw new Error('GPU exec workers need the Docker executor; no Docker engine answers');
    log('No Docker engine answers: solutions run in the process sandbox (bubblewrap where available).');
    return processExecutor();
  }
  const image = choice.image ?? DEFAULT_SANDBOX_IMAGE;
  if (!(await imageExists(image))) {
    if (choice.kind === 'docker' || choice.gpus?.length) throw new Error(`sandbox image ${image} not found: build it with scripts/sandbox-image.sh`);
    log(`Sandbox image ${image} not found (build it with scripts/sandbox-image.sh): solutions run in the process sandbox (bubblewrap where available).`);
    return processExecutor();
  }
  const executor = new DockerExecutor({
    image, cpus: choice.cpus, memoryBytes: choice.memoryBytes, gpus: choice.gpus,
  });
  const removed = await sweepContainers(executor.docker, async (labels) => ownerAlive(labels));
  if (removed > 0) log(`Removed ${removed} sandbox container(s) left by a worker that is gone.`);
  return executor;
}

/** Names shared by the client, the workers and the dev server. */
export const CONTROL_TASK_QUEUE = 'crucible-control';
export const EXEC_CPU_TASK_QUEUE = 'crucible-exec-cpu';
export const EXEC_GPU_TASK_QUEUE = 'crucible-exec-gpu';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TEMPORAL_PORT = 7233;
/** The step budget of a run given none: in effect unlimited (prompts then show no steps left). */
export const MAX_STEPS = 100_000;

export function temporalAddress(): string {
  return process.env.TEMPORAL_ADDRESS ?? `localhost:${DEFAULT_TEMPORAL_PORT}`;
}

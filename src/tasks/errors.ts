/**
 * A task that cannot be used: unknown id, missing or malformed task.yaml, missing files, bad
 * leaderboard. The message names the file and the field, so the CLI can print it as is and exit
 * non-zero.
 */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskError';
  }
}

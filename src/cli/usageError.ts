/** Bad input from the user: the CLI prints it and exits with code 2; nothing is started. */
export class UsageError extends Error {
  override name = 'UsageError';
}

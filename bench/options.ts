/** Option handling shared by the benchmark scripts: bad options exit 2 with the option named, nothing started. */

export class OptionError extends Error {}

export function positiveInt(name: string, text: string, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > max) {
    throw new OptionError(`--${name} must be an integer from 1 to ${max} (got "${text}")`);
  }
  return Number(text);
}

/** The parsed options, or exit 2 with `bench: <message>` for an option error. */
export function parseOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof OptionError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`bench: ${(err as Error).message}`);
      process.exit(2);
    }
    throw err;
  }
}

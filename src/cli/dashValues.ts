/**
 * `--budget -5m` as `--budget=-5m`: node's parseArgs takes a value that starts with a dash for an
 * option of its own and fails with "argument is ambiguous", which hides what was wrong with the value.
 * A token of a dash and a digit is never an option here, so it is attached to the option before it,
 * and the option's own check says what it expects.
 */
export function attachDashValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

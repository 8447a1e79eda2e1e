/**
 * `crucible tasks mlebench [--split lite] [--data-dir DIR] [--json]`: an MLE-bench split's
 * competitions and, for each, whether it is prepared in the data folder, its mlebench grader and
 * whether Crucible grades it natively (src/tasks/sources/mlebenchRegistry.ts finds the registry,
 * mlebenchSplit.ts reads the split).
 */
import { parseArgs } from 'node:util';
import type { SplitListing } from '../tasks/sources/mlebenchRegistry.js';
import { splitListing, splitSource } from './mlebenchSplit.js';
import { UsageError } from './runInput.js';

export const TASKS_MLEBENCH_USAGE = 'usage: crucible tasks mlebench [--split lite|all|low|medium|high|split75|dev|...] [--data-dir DIR] [--json]';

export async function cmdTasksMlebench(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { split: { type: 'string', default: 'lite' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new UsageError(TASKS_MLEBENCH_USAGE);
  const listing = splitListing(await splitSource(values['data-dir']), values.split);
  console.log(values.json ? JSON.stringify(listing, null, 2) : formatListing(listing));
  return 0;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function formatListing(l: SplitListing): string {
  const width = Math.max(11, ...l.competitions.map((c) => c.id.length));
  const graderWidth = Math.max(6, ...l.competitions.map((c) => (c.grader ?? '—').length));
  const row = (id: string, prepared: string, grader: string, native: string) => `${id.padEnd(width)}  ${prepared.padEnd(8)}  ${grader.padEnd(graderWidth)}  ${native}`;
  return [
    row('competition', 'prepared', 'grader', 'native grader'),
    ...l.competitions.map((c) => row(c.id, yesNo(c.prepared), c.grader ?? '—', yesNo(c.nativeGrader))),
    `${l.split}: ${l.competitions.length} competitions, ${l.prepared} prepared in ${l.dataDir}`,
    `registry: ${l.competitionsDir} (${l.python === null ? 'MLEBENCH_COMPETITIONS_DIR' : `the mlebench of ${l.python}`})`,
    ...(l.prepared < l.competitions.length ? [`prepare one with \`mlebench prepare -c <competition> --data-dir ${l.dataDir}\``] : []),
  ].join('\n');
}

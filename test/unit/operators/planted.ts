import { FAULT_KINDS } from '../../../src/operators/offline/index.js';

/**
 * A solution's code with its genome line's record of a planted fault removed: what Debug would see if
 * nothing recorded the fault, so a test can show that Debug works from the error alone.
 */
export function stripFaultRecord(code: string): string {
  const record = new RegExp(`,"fault":"(${FAULT_KINDS.join('|')})"`);
  if (!record.test(code.split('\n')[0] ?? '')) throw new Error('the genome line records no planted fault');
  const [first = '', ...rest] = code.split('\n');
  return [first.replace(record, ''), ...rest].join('\n');
}

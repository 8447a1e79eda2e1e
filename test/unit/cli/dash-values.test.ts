import { describe, expect, it } from 'vitest';
import { attachDashValues } from '../../../src/cli/dashValues.js';

describe('attachDashValues', () => {
  it('attaches a value that starts with a dash and a digit to the option before it', () => {
    expect(attachDashValues(['run', '--budget', '-5m', '--steps', '3'])).toEqual(['run', '--budget=-5m', '--steps', '3']);
    expect(attachDashValues(['run', '--seed', '-1'])).toEqual(['run', '--seed=-1']);
  });

  it('leaves options, flags, given values and a trailing option alone', () => {
    expect(attachDashValues(['run', '--detach', '--budget', '5m'])).toEqual(['run', '--detach', '--budget', '5m']);
    expect(attachDashValues(['run', '--budget=-5m', '-1'])).toEqual(['run', '--budget=-5m', '-1']);
    expect(attachDashValues(['run', '--json', '-h'])).toEqual(['run', '--json', '-h']);
    expect(attachDashValues(['run', '--budget'])).toEqual(['run', '--budget']);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000], ['10m', 600_000], ['1h30m', 5_400_000], ['2d', 172_800_000], ['45', 45_000], ['0', 0], ['250ms', 250],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '10 minutes', '5x', '-1m', '1m garbage'])('rejects "%s" with the accepted forms', (text) => {
    expect(() => parseDuration(text)).toThrow(/expected forms like 90s, 10m/);
  });

  it('formats as mm:ss or h:mm:ss', () => {
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});

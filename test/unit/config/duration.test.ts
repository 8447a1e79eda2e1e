import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';
import { resolvePreset } from '../../../src/config/presets.js';

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

describe('presets', () => {
  it('carry the paper defaults', () => {
    expect(resolvePreset('aira-greedy').policy).toEqual({ kind: 'greedy', numDrafts: 5, debugProb: 1, maxDebugDepth: 20 });
    expect(resolvePreset('aide-greedy').policy).toEqual({ kind: 'greedy', numDrafts: 5, debugProb: 0.5, maxDebugDepth: 3 });
  });

  it('name the choices when the preset is unknown', () => {
    expect(() => resolvePreset('nope')).toThrow(/unknown agent preset "nope": choose one of aide-greedy, aira-greedy/);
  });

  it('hand out copies, so a run cannot change a preset', () => {
    resolvePreset('aira-greedy').policy.debugProb = 0;
    expect(resolvePreset('aira-greedy').policy.debugProb).toBe(1);
  });
});

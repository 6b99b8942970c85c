import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { UsageError } from './errors.js';

describe('parseDuration', () => {
  it('reads durations as helm writes them', () => {
    expect(parseDuration('90s', '--timeout')).toBe(90_000);
    expect(parseDuration('5m', '--timeout')).toBe(300_000);
    expect(parseDuration('1h2m3s', '--timeout')).toBe(3_723_000);
  });

  it('names the flag of a bad one', () => {
    for (const bad of ['', '5', 'five minutes', '0s', '-1m']) {
      expect(() => parseDuration(bad, '--timeout'), bad).toThrow(UsageError);
    }
    expect(() => parseDuration('5x', '--timeout')).toThrow('--timeout "5x" is not a duration');
  });
});

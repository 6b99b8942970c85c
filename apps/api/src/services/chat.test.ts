import { describe, expect, it } from 'vitest';
import { RateLimiter } from './chat.js';

describe('RateLimiter', () => {
  it('allows `limit` hits per window per key, then reports the wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([limiter.take(1), limiter.take(1), limiter.take(1)]).toEqual([0, 0, 0]);
    expect(limiter.take(1)).toBe(60);
    expect(limiter.take(2)).toBe(0); // other users are unaffected
    now += 30_000;
    expect(limiter.take(1)).toBe(30);
  });

  it('slides: hits older than the window stop counting', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 10_000, () => now);
    limiter.take(7);
    now = 6_000;
    limiter.take(7);
    expect(limiter.take(7)).toBeGreaterThan(0);
    now = 10_001; // the first hit left the window
    expect(limiter.take(7)).toBe(0);
    expect(limiter.take(7)).toBeGreaterThan(0);
  });

  it('does not count rejected attempts against the user', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1_000, () => now);
    limiter.take(1);
    for (let i = 0; i < 5; i++) limiter.take(1);
    now = 1_001;
    expect(limiter.take(1)).toBe(0);
  });
});

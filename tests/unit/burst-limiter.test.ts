import { describe, expect, it } from 'vitest';
import { BurstLimiter } from '../../src/lib/http/burst-limiter.ts';

describe('BurstLimiter', () => {
  const limits = { limit: 3, windowMs: 60_000, maxKeys: 2 };

  it('allows the limit in a window, refuses the next, and allows again once the window ends', () => {
    const limiter = new BurstLimiter(limits);
    expect([1, 2, 3, 4].map(() => limiter.allow('sam', 1_000))).toEqual([true, true, true, false]);
    expect(limiter.retryAfterSeconds('sam', 31_000)).toBe(30);
    expect(limiter.allow('sam', 60_999)).toBe(false);
    expect(limiter.allow('sam', 61_000)).toBe(true);
  });

  it('counts each key on its own', () => {
    const limiter = new BurstLimiter(limits);
    for (let n = 0; n < 3; n++) limiter.allow('sam', 0);
    expect(limiter.allow('sam', 0)).toBe(false);
    expect(limiter.allow('ana', 0)).toBe(true);
  });

  it('holds at most maxKeys keys, refusing new ones until old windows are swept', () => {
    const limiter = new BurstLimiter(limits);
    expect(limiter.allow('a', 0)).toBe(true);
    expect(limiter.allow('b', 0)).toBe(true);
    expect(limiter.allow('c', 0)).toBe(false);
    expect(limiter.retryAfterSeconds('c', 0)).toBe(60);
    expect(limiter.size).toBe(2);
    expect(limiter.allow('c', 60_000)).toBe(true);
    expect(limiter.size).toBe(1);
  });
});

/**
 * A ceiling on bursts, held in memory: at most `limit` hits per key in each window of `windowMs`.
 * For cheap writes where a database-backed limit would double the cost of every request; each
 * instance counts on its own, so with N instances a key gets up to N times the limit. Memory stays
 * bounded: expired windows are swept, and past `maxKeys` new keys are refused until some expire.
 */
export interface BurstLimits {
  limit: number;
  windowMs: number;
  maxKeys: number;
}

export class BurstLimiter {
  private readonly windows = new Map<string, { count: number; until: number }>();
  private sweptAt = 0;

  private readonly limits: BurstLimits;

  constructor(limits: BurstLimits) {
    this.limits = limits;
  }

  /** Counts a hit and says whether it is within the limit. */
  allow(key: string, now: number): boolean {
    this.sweep(now);
    const window = this.windows.get(key);
    if (window && window.until > now) {
      if (window.count >= this.limits.limit) return false;
      window.count += 1;
      return true;
    }
    if (!window && this.windows.size >= this.limits.maxKeys) return false;
    this.windows.set(key, { count: 1, until: now + this.limits.windowMs });
    return true;
  }

  /** Seconds until a refused key may write again: its window's end, or a whole window when all keys are taken. */
  retryAfterSeconds(key: string, now: number): number {
    const window = this.windows.get(key);
    if (window && window.until > now) return Math.ceil((window.until - now) / 1000);
    return Math.ceil(this.limits.windowMs / 1000);
  }

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < this.limits.windowMs) return;
    this.sweptAt = now;
    for (const [key, window] of this.windows) if (window.until <= now) this.windows.delete(key);
  }
}

/**
 * Which beacon views count, against cheap inflation: one view of an article per network per 30
 * minutes, at most 30 views a minute per network, and a ceiling on how many networks are held at
 * once (memory stays bounded; past it nothing more is counted until entries expire). Networks
 * are opaque keys (the caller passes a salted hash); entries are swept once a minute.
 */
export interface ViewLimits {
  perMinute: number;
  sameArticleMs: number;
  maxRemembered: number;
}

export const VIEW_LIMITS: ViewLimits = { perMinute: 30, sameArticleMs: 30 * 60_000, maxRemembered: 100_000 };

export class ViewLimiter {
  private readonly networks = new Map<string, { count: number; until: number }>();
  private readonly seen = new Map<string, number>();
  private sweptAt = 0;

  private readonly limits: ViewLimits;

  constructor(limits: ViewLimits = VIEW_LIMITS) {
    this.limits = limits;
  }

  /** Whether this view counts; remembers it when it does. */
  counts(network: string, article: string, now: number): boolean {
    this.sweep(now);
    const read = `${network}|${article}`;
    if ((this.seen.get(read) ?? 0) > now) return false;
    const entry = this.networks.get(network);
    if (entry && entry.until > now) {
      if (entry.count >= this.limits.perMinute) return false;
      entry.count += 1;
    } else {
      if (this.networks.size >= this.limits.maxRemembered || this.seen.size >= this.limits.maxRemembered) return false;
      this.networks.set(network, { count: 1, until: now + 60_000 });
    }
    this.seen.set(read, now + this.limits.sameArticleMs);
    return true;
  }

  /** How many entries are held (for tests). */
  get size(): number {
    return this.networks.size + this.seen.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [key, entry] of this.networks) if (entry.until <= now) this.networks.delete(key);
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
  }
}

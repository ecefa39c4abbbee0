/**
 * Fixed-window rate limits kept in the database, so every app instance counts together.
 * One statement per hit: the row is created, counted or restarted atomically.
 */
import { lt } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import { rateLimits } from '../../../db/schema.ts';

export interface RateLimitRule {
  /** What is being limited, e.g. "capture:ip". */
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window restarts (when refused). */
  retryAfterSeconds: number;
  /** When the window that counted this hit began: what `forgiveRateLimitHit` needs. */
  windowStart: number;
}

export async function hitRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  now = Date.now(),
): Promise<RateLimitResult> {
  const key = `${rule.name}:${subject}`;
  const windowFloor = now - rule.windowMs;
  const result = await db.$client.execute({
    sql: `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
          ON CONFLICT(key) DO UPDATE SET
            count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END,
            window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
          RETURNING count, window_start`,
    args: [key, now, windowFloor, windowFloor],
  });
  const row = result.rows[0]!;
  const count = Number(row['count']);
  const windowStart = Number(row['window_start']);
  return {
    allowed: count <= rule.limit,
    retryAfterSeconds: Math.max(1, Math.ceil((windowStart + rule.windowMs - now) / 1000)),
    windowStart,
  };
}

/**
 * Takes back one hit, for an attempt counted up front that turned out not to be what the rule
 * limits (a right password). Counting first keeps the limit exact under concurrent requests; a hit
 * from a window that has since restarted is left alone.
 */
export async function forgiveRateLimitHit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  windowStart: number,
): Promise<void> {
  await db.$client.execute({
    sql: 'UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0',
    args: [`${rule.name}:${subject}`, windowStart],
  });
}

/** Drops counters whose window ended long ago. */
export async function pruneRateLimits(db: Database, olderThanMs: number, now = Date.now()): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, now - olderThanMs));
}

export function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

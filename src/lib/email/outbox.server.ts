/**
 * The durable outbox. `enqueueEmail` runs inside the caller's transaction, so a message exists if
 * and only if the change that caused it committed. `deliverDueEmails` is the worker's step: it
 * leases a batch in one UPDATE (so two workers, in one process or on two machines, never hold the
 * same message), sends each with its idempotency key, and records the outcome. A worker that dies
 * mid-send leaves a lease that expires; the next worker resends with the same key, and the
 * provider drops the duplicate. Every message has an expiry (its one-time link's, or
 * BODY_RETENTION_MS): a worker that finds one past it records it as failed and sends nothing, and
 * the retention job (../retention.ts) erases its body then.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect.ts';
import { outbox, users } from '../../../db/schema.ts';
import { EmailHeaderError, headerValue, headerValues } from './headers.server.ts';
import { EmailDeliveryError, type EmailTransport } from './transport.server.ts';

export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 60_000;
/** A message without a one-time link keeps its body this long after it is queued. */
export const BODY_RETENTION_MS = 30 * 86_400_000;
/** Every message, sent or failed, is deleted this long after it is queued. */
export const ROW_RETENTION_MS = 90 * 86_400_000;
/** What a message that expired before it could be delivered records as its error. */
export const EXPIRED_BEFORE_DELIVERY = 'expired: not sent, its link or its keeping period ended before delivery';

export interface EmailToQueue {
  idempotencyKey: string;
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** The member it is for, when it is for one: their account's deletion deletes it. */
  userId?: string | undefined;
  /**
   * When the one-time link it carries stops working: it is never delivered after that, and its
   * body is erased then. Without one, the body is kept BODY_RETENTION_MS.
   */
  linkExpiresAt?: Date | undefined;
  /** The broadcast or sequence step it belongs to (`b-<id>`, `s-<id>`), for the coach's numbers. */
  campaign?: string | undefined;
}

/**
 * Queues a message; a second call with the same idempotency key changes nothing. Its subject and
 * headers are stored on one line. A recipient address that cannot be sent (a line break in a
 * legacy row) is stored as failed, with why, rather than failing the change that caused it.
 */
export async function enqueueEmail(executor: Executor, email: EmailToQueue, now = new Date()): Promise<void> {
  const refused = refusedAddress(email.to);
  await executor
    .insert(outbox)
    .values({
      idempotencyKey: email.idempotencyKey,
      kind: email.kind,
      toAddress: email.to,
      subject: headerValue('Subject', email.subject),
      html: email.html,
      text: email.text,
      headers: headerValues(email.headers ?? {}),
      userId: email.userId ?? null,
      campaign: email.campaign ?? null,
      expiresAt: email.linkExpiresAt ?? new Date(now.getTime() + BODY_RETENTION_MS),
      nextAttemptAt: now,
      createdAt: now,
      ...(refused ? { status: 'failed' as const, lastError: refused } : {}),
    })
    .onConflictDoNothing({ target: outbox.idempotencyKey });
}

/** Why a recipient cannot be sent to as it is (a line break, a control character), or null. */
function refusedAddress(to: string): string | null {
  try {
    headerValue('To', to);
    return null;
  } catch (error) {
    if (error instanceof EmailHeaderError) return error.message;
    throw error;
  }
}

/**
 * Queues a message for the member `account` (a condition on users) selects, with their id, in one
 * statement that writes a row only if there is such a member: a caller that must not show whether
 * there is one (does this address have an account?) runs the same statement either way.
 */
export async function enqueueEmailForAccount(
  executor: Pick<Database, 'run'>,
  account: SQL,
  email: Omit<EmailToQueue, 'userId'>,
  now = new Date(),
): Promise<void> {
  const expiresAt = email.linkExpiresAt ?? new Date(now.getTime() + BODY_RETENTION_MS);
  // As enqueueEmail: subject and headers on one line, a recipient that cannot be sent stored as failed.
  const refused = refusedAddress(email.to);
  await executor.run(sql`
    INSERT INTO ${outbox} (idempotency_key, kind, to_address, subject, html, text, headers, user_id, expires_at,
                           next_attempt_at, created_at, status, last_error)
    SELECT ${email.idempotencyKey}, ${email.kind}, ${email.to}, ${headerValue('Subject', email.subject)}, ${email.html},
           ${email.text}, ${JSON.stringify(headerValues(email.headers ?? {}))}, ${users.id}, ${expiresAt.getTime()},
           ${now.getTime()}, ${now.getTime()}, ${refused ? 'failed' : 'pending'}, ${refused}
      FROM ${users} WHERE ${account}
    ON CONFLICT (idempotency_key) DO NOTHING`);
}

/** Wait before attempt n+1: 30 s, 1 min, 2 min … capped at one hour, with ±20 % jitter. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

export interface DeliveryOptions {
  db: Database;
  transport: EmailTransport;
  from: string;
  workerId: string;
  now?: Date;
  batchSize?: number;
  /** Once aborted, no further message of the batch is sent; those left keep the lease (see releaseLeases). */
  signal?: AbortSignal;
}

export async function deliverDueEmails({
  db,
  transport,
  from,
  workerId,
  now = new Date(),
  batchSize = 20,
  signal,
}: DeliveryOptions): Promise<DeliveryReport> {
  const nowMs = now.getTime();
  const claimed = await db.$client.execute({
    sql: `UPDATE outbox
             SET status = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
           WHERE id IN (SELECT id FROM outbox
                         WHERE (status = 'pending' AND next_attempt_at <= ?)
                            OR (status = 'sending' AND lease_expires_at < ?)
                         ORDER BY next_attempt_at LIMIT ?)
       RETURNING id, idempotency_key, to_address, subject, html, text, headers, attempts, expires_at`,
    args: [workerId, nowMs + LEASE_MS, nowMs, nowMs, batchSize],
  });

  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  for (const row of claimed.rows) {
    if (signal?.aborted) break;
    const id = Number(row['id']);
    const attempts = Number(row['attempts']);
    const mine = and(eq(outbox.id, id), eq(outbox.leaseOwner, workerId), eq(outbox.status, 'sending'));
    const expiresAt = row['expires_at'] === null ? undefined : Number(row['expires_at']);
    if (expiresAt !== undefined && expiresAt <= nowMs) {
      // A dead link (or a message past its keeping period) helps no one: record it, send nothing.
      await db
        .update(outbox)
        .set({ status: 'failed', lastError: EXPIRED_BEFORE_DELIVERY, leaseOwner: null, leaseExpiresAt: null })
        .where(mine);
      report.failed++;
      continue;
    }
    try {
      const providerId = await transport.send(
        {
          from,
          to: String(row['to_address']),
          subject: String(row['subject']),
          html: String(row['html']),
          text: String(row['text']),
          headers: JSON.parse(String(row['headers'])) as Record<string, string>,
        },
        String(row['idempotency_key']),
      );
      await db
        .update(outbox)
        .set({
          status: 'sent',
          sentAt: new Date(nowMs),
          providerMessageId: providerId,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: null,
        })
        .where(mine);
      report.sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = attempts >= MAX_ATTEMPTS || (error instanceof EmailDeliveryError && !error.retryable);
      await db
        .update(outbox)
        .set({
          status: giveUp ? 'failed' : 'pending',
          lastError: message.slice(0, 1000),
          nextAttemptAt: new Date(nowMs + (giveUp ? 0 : retryDelayMs(attempts))),
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        .where(mine);
      if (giveUp) report.failed++;
      else report.retried++;
    }
  }
  return report;
}

/**
 * Gives back the messages a worker still holds, for a worker that stops: they are due again at
 * once for any worker, with no lease to wait out. One that was mid-send may have reached the
 * provider; it is sent again under the same idempotency key, which the provider delivers once.
 * The attempt it was leased for still counts. Returns how many were released.
 */
export async function releaseLeases(db: Database, workerId: string, now = new Date()): Promise<number> {
  const released = await db
    .update(outbox)
    .set({ status: 'pending', leaseOwner: null, leaseExpiresAt: null, nextAttemptAt: now })
    .where(and(eq(outbox.leaseOwner, workerId), eq(outbox.status, 'sending')))
    .returning({ id: outbox.id });
  return released.length;
}

/** Counts by status, for the health of the mail system. */
export async function outboxCounts(db: Database): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: outbox.status, count: sql<number>`count(*)` })
    .from(outbox)
    .groupBy(outbox.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/**
 * The durable outbox. `enqueueEmail` runs inside the caller's transaction, so a message exists if
 * and only if the change that caused it committed. `deliverDueEmails` is the worker's step: it
 * leases a batch in one UPDATE (so two workers, in one process or on two machines, never hold the
 * same message), sends each with its idempotency key, and records the outcome. A worker that dies
 * mid-send leaves a lease that expires; the next worker resends with the same key, and the
 * provider drops the duplicate.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../../../../db/connect.ts';
import { outbox } from '../../../../db/schema.ts';
import { EmailHeaderError, headerValue, headerValues } from './headers.ts';
import { EmailDeliveryError, type EmailTransport } from './transport.ts';

export const MAX_ATTEMPTS = 8;
export const LEASE_MS = 60_000;

export interface EmailToQueue {
  idempotencyKey: string;
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

/** Anything drizzle can run statements on: the database or an open transaction. */
export type Executor = Pick<Database, 'insert' | 'update' | 'select' | 'delete'>;

/**
 * Queues a message; a second call with the same idempotency key changes nothing. Its subject and
 * headers are stored on one line. A recipient address that cannot be sent (a line break in a
 * legacy row) is stored as failed, with why, rather than failing the change that caused it.
 */
export async function enqueueEmail(executor: Executor, email: EmailToQueue, now = new Date()): Promise<void> {
  let refused: string | null = null;
  try {
    headerValue('To', email.to);
  } catch (error) {
    if (!(error instanceof EmailHeaderError)) throw error;
    refused = error.message;
  }
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
      nextAttemptAt: now,
      ...(refused ? { status: 'failed' as const, lastError: refused } : {}),
    })
    .onConflictDoNothing({ target: outbox.idempotencyKey });
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
}

export async function deliverDueEmails({
  db,
  transport,
  from,
  workerId,
  now = new Date(),
  batchSize = 20,
}: DeliveryOptions): Promise<DeliveryReport> {
  const nowMs = now.getTime();
  const claimed = await db.$client.execute({
    sql: `UPDATE outbox
             SET status = 'sending', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1
           WHERE id IN (SELECT id FROM outbox
                         WHERE (status = 'pending' AND next_attempt_at <= ?)
                            OR (status = 'sending' AND lease_expires_at < ?)
                         ORDER BY next_attempt_at LIMIT ?)
       RETURNING id, idempotency_key, to_address, subject, html, text, headers, attempts`,
    args: [workerId, nowMs + LEASE_MS, nowMs, nowMs, batchSize],
  });

  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  for (const row of claimed.rows) {
    const id = Number(row['id']);
    const attempts = Number(row['attempts']);
    const mine = and(eq(outbox.id, id), eq(outbox.leaseOwner, workerId), eq(outbox.status, 'sending'));
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

/** Counts by status, for the health of the mail system. */
export async function outboxCounts(db: Database): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: outbox.status, count: sql<number>`count(*)` })
    .from(outbox)
    .groupBy(outbox.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

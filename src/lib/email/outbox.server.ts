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
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect.ts';
import { broadcasts, campaignStats, outbox, users } from '../../../db/schema.ts';
import { hitRateLimit } from '../http/rate-limit.server.ts';
import { campaignKind, campaignOf } from '../marketing/campaigns.ts';
import { personalise } from '../marketing/personalise.ts';
import { EmailHeaderError, headerValue, headerValues } from './headers.server.ts';
import { EmailDeliveryError, type EmailTransport, type OutgoingEmail } from './transport.server.ts';

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
           WHERE id IN (${SINGLE_DUE_SQL})
       RETURNING id, idempotency_key, to_address, subject, html, text, headers, attempts, expires_at, campaign`,
    args: [workerId, nowMs + LEASE_MS, nowMs, nowMs, batchSize],
  });

  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const contents = new CampaignContents(db);
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
        await composeOutgoing(contents, from, messageOfRow(row)),
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
 * The single messages due, for `deliverDueEmails`: pending and due, or held by a lease that ran
 * out. Only rows outside a batch, through the partial index outbox_single_due, so a broadcast's
 * thousands of queued rows are never walked past.
 */
const SINGLE_DUE_SQL = `SELECT id FROM outbox INDEXED BY outbox_single_due
                         WHERE batch_key IS NULL
                           AND ((status = 'pending' AND next_attempt_at <= ?)
                             OR (status = 'sending' AND lease_expires_at < ?))
                         ORDER BY next_attempt_at LIMIT ?`;

/** The next batch due (its key), through the partial index outbox_batch_due. */
const BATCH_DUE_SQL = `SELECT batch_key FROM outbox INDEXED BY outbox_batch_due
                        WHERE batch_key IS NOT NULL
                          AND ((status = 'pending' AND next_attempt_at <= ?)
                            OR (status = 'sending' AND lease_expires_at < ?))
                        ORDER BY next_attempt_at LIMIT 1`;

/** A statement written with `?` placeholders, with its arguments, as a drizzle SQL fragment. */
function bound(text: string, args: unknown[]): SQL {
  const parts = text.split('?');
  const chunks: SQL[] = [sql.raw(parts[0]!)];
  parts.slice(1).forEach((part, index) => chunks.push(sql`${args[index]}`, sql.raw(part)));
  return sql.join(chunks);
}

/** The statements that find due messages, for tests that check their query plans. */
export const DUE_QUERIES = { single: SINGLE_DUE_SQL, batch: BATCH_DUE_SQL };

interface RowMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  campaign: string | null;
}

const messageOfRow = (row: Record<string, unknown>): RowMessage => ({
  to: String(row['to_address']),
  subject: String(row['subject']),
  html: String(row['html']),
  text: String(row['text']),
  headers: (typeof row['headers'] === 'string' ? JSON.parse(row['headers']) : (row['headers'] ?? {})) as Record<
    string,
    string
  >,
  campaign: row['campaign'] === null || row['campaign'] === undefined ? null : String(row['campaign']),
});

/** The address in a List-Unsubscribe header (`<https://…>`), or undefined. */
export function unsubscribeUrlOf(headers: Record<string, string>): string | undefined {
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'list-unsubscribe')?.[1];
  return value?.match(/<(https?:[^>]+)>/)?.[1];
}

/**
 * The rendered HTML and text of the broadcasts whose rows are being sent, read once each: a
 * broadcast's rows hold no body of their own (html and text are '') but the broadcast's, rendered
 * once when it was queued, with a placeholder for each recipient's unsubscribe link.
 */
export class CampaignContents {
  private readonly cache = new Map<string, { html: string; text: string } | null>();
  private readonly db: Pick<Database, 'select'>;

  constructor(db: Pick<Database, 'select'>) {
    this.db = db;
  }

  async of(campaign: string | null): Promise<{ html: string; text: string } | null> {
    const kind = campaign ? campaignKind(campaign) : undefined;
    if (!campaign || kind?.kind !== 'broadcast') return null;
    if (!this.cache.has(campaign)) {
      const [row] = await this.db
        .select({ html: broadcasts.html, text: broadcasts.text })
        .from(broadcasts)
        .where(eq(broadcasts.id, kind.id));
      this.cache.set(campaign, row?.html && row.text !== null ? { html: row.html, text: row.text } : null);
    }
    return this.cache.get(campaign) ?? null;
  }
}

/**
 * A row's body as its recipient gets it: a broadcast's row takes the broadcast's rendering, and
 * every body has the placeholder replaced by the unsubscribe link of the row's List-Unsubscribe
 * header. What the worker sends and what the local mail viewer shows.
 */
export async function composeBody(
  contents: CampaignContents,
  message: Pick<RowMessage, 'html' | 'text' | 'headers' | 'campaign'>,
): Promise<{ html: string; text: string }> {
  let body = { html: message.html, text: message.text };
  if (body.html === '' && body.text === '' && message.campaign) {
    const shared = await contents.of(message.campaign);
    if (!shared)
      throw new EmailDeliveryError(`not sent: the content of campaign ${message.campaign} is missing`, false);
    body = shared;
  }
  const url = unsubscribeUrlOf(message.headers);
  return url ? personalise(body, url) : body;
}

async function composeOutgoing(contents: CampaignContents, from: string, message: RowMessage): Promise<OutgoingEmail> {
  const body = await composeBody(contents, message);
  return {
    from,
    to: message.to,
    subject: message.subject,
    headers: message.headers,
    campaign: message.campaign,
    ...body,
  };
}

export interface BatchDeliveryReport {
  /** Batches the provider accepted. */
  batches: number;
  sent: number;
  /** Messages withdrawn before their first attempt: the address was suppressed, unsubscribed or switched off. */
  dropped: number;
  /** Messages of batches that will be tried again, whole, under the same key. */
  retried: number;
  failed: number;
  /** Messages of batches the provider refused as a batch, to go one by one. */
  single: number;
  /** Broadcasts that have nothing left to send. */
  finished: number;
}

export interface BatchDeliveryOptions {
  db: Database;
  transport: EmailTransport;
  from: string;
  workerId: string;
  /** The time; read before each batch, as the run may last more than the rate's second. */
  clock?: () => Date;
  /** Batch calls per second, for every process together (EMAIL_SEND_RATE). */
  ratePerSecond: number;
  /** The most batches this run sends (default: one second's worth). */
  maxBatches?: number;
  signal?: AbortSignal;
}

/** Why a message of a batch is not sent, checked before the batch's first attempt. */
const DROP_REASONS = {
  suppressed: 'not sent: the provider reported this address as bounced or complaining',
  unsubscribed: 'not sent: the reader unsubscribed before it went out',
  switchedOff: "not sent: the member switched the coach's newsletters off before it went out",
  expired: EXPIRED_BEFORE_DELIVERY,
} as const;

/** The cross-process rule that keeps batch calls within the provider's rate. */
export const batchRateRule = (ratePerSecond: number) => ({ name: 'email:batch', limit: ratePerSecond, windowMs: 1000 });

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The worker's step for batches (a broadcast's rows, 100 to a batch, fixed when it was queued).
 * Each batch is claimed whole in one UPDATE, so two workers never hold the same one. Before its
 * first attempt, rows whose address has since been suppressed, unsubscribed or switched off are
 * marked failed with why; what remains is composed per recipient and sent in one call under the
 * batch's key, so a retry (after a crash, a lease taken over, a 429 or a 5xx) sends exactly the same
 * batch and the provider delivers it once. A batch the provider refuses as a whole (422, strict
 * validation: nothing was sent) loses its key and its rows go one by one through deliverDueEmails.
 * Calls are spaced to `ratePerSecond` across every process, with the rate_limits table.
 */
export async function deliverDueBatches({
  db,
  transport,
  from,
  workerId,
  clock = () => new Date(),
  ratePerSecond,
  maxBatches = ratePerSecond,
  signal,
}: BatchDeliveryOptions): Promise<BatchDeliveryReport> {
  const report: BatchDeliveryReport = {
    batches: 0,
    sent: 0,
    dropped: 0,
    retried: 0,
    failed: 0,
    single: 0,
    finished: 0,
  };
  const contents = new CampaignContents(db);
  for (let n = 0; n < maxBatches && !signal?.aborted; n++) {
    const claim = await claimBatch(db, workerId, clock(), report);
    if (!claim) break;
    if (claim.rows.length === 0) continue;
    // The batch is held; wait for a slot of the rate, which every process shares. A window that
    // does not end (the clock stands still, or the run is stopping) gives the batch back, unsent.
    let allowed = false;
    for (let tries = 0; tries < 5 && !signal?.aborted; tries++) {
      const permit = await hitRateLimit(db, batchRateRule(ratePerSecond), 'all', clock().getTime());
      if ((allowed = permit.allowed)) break;
      const windowEnd = permit.windowStart + 1000;
      await sleep(Math.max(10, windowEnd - clock().getTime()), signal);
      if (clock().getTime() < windowEnd) break;
    }
    if (!allowed) {
      await giveBack(db, workerId, claim);
      break;
    }
    await sendBatch(db, transport, from, workerId, clock(), claim, contents, report);
  }
  report.finished = await finishBroadcasts(db, clock());
  return report;
}

/** A claimed batch not sent, due again at once, its attempt not counted (its withdrawals stand). */
async function giveBack(db: Database, workerId: string, batch: ClaimedBatch): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'pending', leaseOwner: null, leaseExpiresAt: null, attempts: sql`${outbox.attempts} - 1` })
    .where(
      and(
        inArray(
          outbox.id,
          batch.rows.map((row) => row.id),
        ),
        eq(outbox.leaseOwner, workerId),
        eq(outbox.status, 'sending'),
      ),
    );
}

interface ClaimedBatch {
  key: string;
  campaign: string | null;
  attempts: number;
  rows: { id: number; message: RowMessage }[];
}

/**
 * Claims the next due batch whole and, on its first attempt, withdraws the rows that must no longer
 * go, in one transaction: a batch is never sent with rows that a crash between the two left in.
 */
async function claimBatch(
  db: Database,
  workerId: string,
  now: Date,
  report: BatchDeliveryReport,
): Promise<ClaimedBatch | undefined> {
  const nowMs = now.getTime();
  return db.transaction(async (tx) => {
    const claimed = await tx.run(sql`
      UPDATE outbox
         SET status = 'sending', lease_owner = ${workerId}, lease_expires_at = ${nowMs + LEASE_MS},
             attempts = attempts + 1
       WHERE batch_key = (${bound(BATCH_DUE_SQL, [nowMs, nowMs])})
         AND ((status = 'pending' AND next_attempt_at <= ${nowMs}) OR (status = 'sending' AND lease_expires_at < ${nowMs}))
      RETURNING id, batch_key, campaign, to_address, subject, html, text, headers, attempts, expires_at`);
    if (claimed.rows.length === 0) return undefined;
    const first = claimed.rows[0]!;
    const batch: ClaimedBatch = {
      key: String(first['batch_key']),
      campaign: first['campaign'] === null ? null : String(first['campaign']),
      attempts: Math.max(...claimed.rows.map((row) => Number(row['attempts']))),
      rows: [...claimed.rows]
        .sort((a, b) => Number(a['id']) - Number(b['id']))
        .map((row) => ({ id: Number(row['id']), message: messageOfRow(row) })),
    };
    if (batch.attempts > 1) return batch;
    // First attempt: withdraw what must no longer go. Later attempts resend the batch as it was.
    const withdrawn = await tx.all<{ id: number; why: keyof typeof DROP_REASONS }>(sql`
      SELECT o.id AS id,
             CASE WHEN o.expires_at IS NOT NULL AND o.expires_at <= ${nowMs} THEN 'expired'
                  WHEN EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = lower(o.to_address)) THEN 'suppressed'
                  WHEN EXISTS (SELECT 1 FROM leads l WHERE l.email = lower(o.to_address) AND l.status = 'unsubscribed')
                    THEN 'unsubscribed'
                  WHEN EXISTS (SELECT 1 FROM users u WHERE u.email = lower(o.to_address) AND u.email_coach = 0)
                    THEN 'switchedOff'
             END AS why
        FROM outbox o
       WHERE o.batch_key = ${batch.key} AND o.lease_owner = ${workerId} AND o.status = 'sending'`);
    const drops = withdrawn.filter((row) => row.why);
    for (const why of Object.keys(DROP_REASONS) as (keyof typeof DROP_REASONS)[]) {
      const ids = drops.filter((row) => row.why === why).map((row) => Number(row.id));
      if (ids.length === 0) continue;
      await tx
        .update(outbox)
        .set({ status: 'failed', lastError: DROP_REASONS[why], leaseOwner: null, leaseExpiresAt: null })
        .where(and(inArray(outbox.id, ids), eq(outbox.leaseOwner, workerId)));
    }
    report.dropped += drops.length;
    const dropped = new Set(drops.map((row) => Number(row.id)));
    batch.rows = batch.rows.filter((row) => !dropped.has(row.id));
    return batch;
  });
}

async function sendBatch(
  db: Database,
  transport: EmailTransport,
  from: string,
  workerId: string,
  now: Date,
  batch: ClaimedBatch,
  contents: CampaignContents,
  report: BatchDeliveryReport,
): Promise<void> {
  const ids = batch.rows.map((row) => row.id);
  const mine = and(inArray(outbox.id, ids), eq(outbox.leaseOwner, workerId), eq(outbox.status, 'sending'));
  let providerIds: string[];
  try {
    const emails = await Promise.all(batch.rows.map((row) => composeOutgoing(contents, from, row.message)));
    providerIds = await transport.sendBatch(emails, batch.key);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const status = error instanceof EmailDeliveryError ? error.status : undefined;
    if (status === 422 || status === 409) {
      // Refused as a batch (strict validation: none of it was sent). One by one, each under its own
      // key, the messages the provider would take go out and the one it refuses fails alone.
      await db
        .update(outbox)
        .set({
          batchKey: null,
          status: 'pending',
          nextAttemptAt: now,
          lastError: message,
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        .where(mine);
      report.single += ids.length;
      return;
    }
    const giveUp = batch.attempts >= MAX_ATTEMPTS || (error instanceof EmailDeliveryError && !error.retryable);
    await db.transaction(async (tx) => {
      const changed = await tx
        .update(outbox)
        .set({
          status: giveUp ? 'failed' : 'pending',
          lastError: message,
          nextAttemptAt: new Date(now.getTime() + (giveUp ? 0 : retryDelayMs(batch.attempts))),
          leaseOwner: null,
          leaseExpiresAt: null,
        })
        .where(mine)
        .returning({ id: outbox.id });
      if (giveUp && batch.campaign) await countCampaign(tx, batch.campaign, 'failed', changed.length, now);
    });
    if (giveUp) report.failed += ids.length;
    else report.retried += ids.length;
    return;
  }
  await db.transaction(async (tx) => {
    let sent = 0;
    for (const [index, row] of batch.rows.entries()) {
      const changed = await tx
        .update(outbox)
        .set({
          status: 'sent',
          sentAt: now,
          providerMessageId: providerIds[index] ?? null,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: null,
        })
        .where(and(eq(outbox.id, row.id), eq(outbox.leaseOwner, workerId), eq(outbox.status, 'sending')))
        .returning({ id: outbox.id });
      sent += changed.length;
    }
    // Only the lease holder counts: a worker whose lease was taken over records nothing.
    if (batch.campaign) await countCampaign(tx, batch.campaign, 'sent', sent, now);
    report.sent += sent;
  });
  report.batches++;
}

/** Adds `n` to one of a campaign's counters. */
export async function countCampaign(
  executor: Executor,
  campaign: string,
  counter: 'sent' | 'failed' | 'delivered' | 'bounced' | 'complained',
  n: number,
  now: Date,
): Promise<void> {
  if (n <= 0) return;
  await executor
    .insert(campaignStats)
    .values({ campaign, [counter]: n, updatedAt: now })
    .onConflictDoUpdate({
      target: campaignStats.campaign,
      set: { [counter]: sql`${campaignStats[counter]} + ${n}`, updatedAt: now },
    });
}

/**
 * A broadcast still sending whose rows have all gone (sent, failed or withdrawn) is sent: checked
 * after every run, so one whose last batch went before its queueing ended is finished too.
 */
export async function finishBroadcasts(db: Database, now: Date): Promise<number> {
  const open = await db.select({ id: broadcasts.id }).from(broadcasts).where(eq(broadcasts.status, 'sending'));
  let finished = 0;
  for (const { id } of open) {
    const campaign = campaignOf.broadcast(id);
    const [left] = await db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.campaign, campaign), inArray(outbox.status, ['pending', 'sending'])))
      .limit(1);
    if (left) continue;
    const done = await db
      .update(broadcasts)
      .set({ status: 'sent', finishedAt: now, updatedAt: now })
      .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'sending')))
      .returning({ id: broadcasts.id });
    finished += done.length;
  }
  return finished;
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

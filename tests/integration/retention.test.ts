/**
 * Keeping no more than needed, on a real database with the clock as an argument: one-time links
 * are never delivered dead and their messages lose their bodies when they die, other messages keep
 * their bodies 30 days and their rows 90, expired account links, lead confirmation hashes and
 * sessions are removed, and the clean-up can run any number of times.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, prepareDatabase } from '../../db/connect.ts';
import * as schema from '../../db/schema.ts';
import { emailTokens, leads, outbox, sessions } from '../../db/schema.ts';
import { requestLoginLink, requestPasswordReset, signUp } from '../../src/lib/auth/accounts.server.ts';
import type { AppContext } from '../../src/lib/app/context.server.ts';
import { testAppContext } from '../setup/app-context.ts';
import { deliverDueEmails, enqueueEmail, EXPIRED_BEFORE_DELIVERY } from '../../src/lib/email/outbox.server.ts';
import { EmailDeliveryError, type EmailTransport, type OutgoingEmail } from '../../src/lib/email/transport.server.ts';
import { captureLead, confirmLead } from '../../src/lib/leads/leads.server.ts';
import { ERASED_HTML, ERASED_TEXT, pruneRetainedData } from '../../src/lib/data/retention.server.ts';
import { createSession } from '../../src/lib/auth/session.server.ts';
import { tablesInSchema } from '../setup/source-inventory.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

/** The PDF's page count as the server would pass it. */
const SHEET_PAGES = 4;
const SITE = 'https://coach.example';
const T = new Date('2026-11-26T10:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const after = (ms: number) => new Date(T.getTime() + ms);

let test: TestDatabase;
let delivered: OutgoingEmail[];
const recording: EmailTransport = {
  name: 'local',
  async send(email) {
    delivered.push(email);
    return `id-${delivered.length}`;
  },
  sendBatch: () => Promise.reject(new Error('not used here')),
};
const refusing: EmailTransport = {
  name: 'local',
  async send() {
    throw new EmailDeliveryError('the provider refused this address', false);
  },
  sendBatch: () => Promise.reject(new EmailDeliveryError('the provider refused this address', false)),
};

const auth = (now: Date): AppContext => testAppContext({ db: test.db, siteUrl: SITE, now });
const leadCtx = (now: Date): AppContext =>
  testAppContext({
    db: test.db,
    secret: 'a-test-secret-that-is-at-least-32-characters',
    siteUrl: SITE,
    now,
  });
const deliver = (now: Date, transport = recording) =>
  deliverDueEmails({ db: test.db, transport, from: 'Coach <coach@example.com>', workerId: 'w', now });
const messages = () => test.db.select().from(outbox).orderBy(outbox.id);
const byKind = async (kind: string) => (await messages()).filter((row) => row.kind === kind);
const tokenIn = (text: string, path: string) => new RegExp(`${path}\\?token=([\\w.-]+)`).exec(text)![1]!;

/** Every row of every table of the schema, as text. */
async function everything(): Promise<string> {
  const tables = tablesInSchema();
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) dump[table] = (await test.db.$client.execute(`SELECT * FROM "${table}"`)).rows;
  return JSON.stringify(dump);
}

beforeEach(() => {
  test = openTestDatabase();
  delivered = [];
});

describe('one-time links in email', () => {
  it('are queued with their link’s lifetime and for their member', async () => {
    await signUp(auth(T), { email: 'ann@example.com', password: 'a phrase long enough', name: 'Ann', timeZone: 'UTC' });
    await requestPasswordReset(auth(T), 'ann@example.com');
    await requestLoginLink(auth(T), 'ann@example.com');
    await captureLead(leadCtx(T), { email: 'reader@example.com' }, SHEET_PAGES);
    const [user] = await test.db.select().from(schema.users);
    const lifetimes = (await messages()).map((row) => [row.kind, row.expiresAt!.getTime() - T.getTime(), row.userId]);
    expect(lifetimes).toEqual([
      ['auth.verify', 48 * 60 * MINUTE, user!.id],
      ['auth.reset', 60 * MINUTE, user!.id],
      ['auth.login', 15 * MINUTE, user!.id],
      ['lead.confirm', 48 * 60 * MINUTE, null],
    ]);
    // The links in the email die when the message does.
    const tokens = await test.db.select().from(emailTokens);
    for (const token of tokens) expect((await byKind(`auth.${token.purpose}`))[0]!.expiresAt).toEqual(token.expiresAt);
  });

  it('are never delivered dead, and lose their body (and the raw token) when the link dies', async () => {
    await signUp(auth(T), { email: 'ann@example.com', password: 'a phrase long enough', name: 'Ann', timeZone: 'UTC' });
    await requestLoginLink(auth(T), 'ann@example.com');
    const [login] = await byKind('auth.login');
    const token = tokenIn(login!.text, '/auth/link');

    // The worker was down for 16 minutes: the sign-in link is dead, the verification link is not.
    expect(await deliver(after(16 * MINUTE))).toEqual({ sent: 1, retried: 0, failed: 1 });
    expect(delivered.map((email) => email.subject)).toEqual(['Confirm your email address']);
    expect(delivered.some((email) => email.text.includes(token))).toBe(false);
    expect((await byKind('auth.login'))[0]).toMatchObject({ status: 'failed', lastError: EXPIRED_BEFORE_DELIVERY });

    const report = await pruneRetainedData(test.db, after(16 * MINUTE));
    expect(report).toMatchObject({ expired: 0, erased: 1, deletedLinks: 1 });
    expect((await byKind('auth.login'))[0]).toMatchObject({
      status: 'failed',
      html: ERASED_HTML,
      text: ERASED_TEXT,
      headers: {},
      erasedAt: after(16 * MINUTE),
    });
    expect(await everything()).not.toContain(token);
    // The verification email keeps its body (and its live link) until its own link dies.
    const [verify] = await byKind('auth.verify');
    expect(verify!.text).toContain('/auth/verify?token=');
    expect((await test.db.select().from(emailTokens)).map((row) => row.purpose)).toEqual(['verify']);

    await pruneRetainedData(test.db, after(48 * 60 * MINUTE - 1));
    expect((await byKind('auth.verify'))[0]!.erasedAt).toBeNull();
    await pruneRetainedData(test.db, after(48 * 60 * MINUTE));
    expect((await byKind('auth.verify'))[0]).toMatchObject({
      status: 'sent',
      text: ERASED_TEXT,
      erasedAt: after(48 * 60 * MINUTE),
    });
    expect(await test.db.select().from(emailTokens)).toEqual([]);
  });

  it('still waiting when the link dies, are marked failed by the clean-up even with no worker running', async () => {
    await signUp(auth(T), { email: 'bo@example.com', password: 'a phrase long enough', name: 'Bo', timeZone: 'UTC' });
    await requestPasswordReset(auth(T), 'bo@example.com');
    expect(await pruneRetainedData(test.db, after(60 * MINUTE))).toMatchObject({ expired: 1, erased: 1 });
    const [reset] = await byKind('auth.reset');
    expect(reset).toMatchObject({ status: 'failed', lastError: EXPIRED_BEFORE_DELIVERY, text: ERASED_TEXT });
    // The worker comes back: the verification link still works and goes; the dead reset link does not.
    await deliver(after(61 * MINUTE));
    expect(delivered.map((email) => email.subject)).toEqual(['Confirm your email address']);
    expect((await byKind('auth.reset'))[0]!.status).toBe('failed');
  });

  it('for the cheat sheet: the confirmation is not sent after 48 hours, and its hash goes a week later', async () => {
    await captureLead(leadCtx(T), { email: 'late@example.com' }, SHEET_PAGES);
    const [confirm] = await byKind('lead.confirm');
    const token = tokenIn(confirm!.text, '/cheat-sheet/confirm');
    expect(await deliver(after(48 * 60 * MINUTE))).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(delivered).toEqual([]);

    // For a week an old link is told it has expired, then it is simply not a link any more.
    await pruneRetainedData(test.db, after(48 * 60 * MINUTE + 7 * DAY - 1));
    expect(await confirmLead(leadCtx(after(49 * 60 * MINUTE)), token, SHEET_PAGES)).toEqual({ status: 'expired' });
    expect(await pruneRetainedData(test.db, after(48 * 60 * MINUTE + 7 * DAY))).toMatchObject({ clearedLeadTokens: 1 });
    const [lead] = await test.db.select().from(leads);
    expect(lead).toMatchObject({ status: 'pending', confirmTokenHash: null, confirmExpiresAt: null });
    expect(await confirmLead(leadCtx(after(8 * DAY)), token, SHEET_PAGES)).toEqual({ status: 'invalid' });
  });

  it('for the cheat sheet: the download email is not sent once its 7-day link is dead', async () => {
    await captureLead(leadCtx(T), { email: 'early@example.com' }, SHEET_PAGES);
    await deliver(after(MINUTE));
    const [confirm] = await byKind('lead.confirm');
    const confirmed = await confirmLead(
      leadCtx(after(2 * MINUTE)),
      tokenIn(confirm!.text, '/cheat-sheet/confirm'),
      SHEET_PAGES,
    );
    expect(confirmed.status).toBe('confirmed');
    const [delivery] = await byKind('lead.delivery');
    expect(delivery!.expiresAt).toEqual(after(2 * MINUTE + 7 * DAY));
    delivered = [];
    expect(await deliver(after(2 * MINUTE + 7 * DAY))).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(delivered).toEqual([]);
    expect((await byKind('lead.delivery'))[0]).toMatchObject({ status: 'failed', lastError: EXPIRED_BEFORE_DELIVERY });
  });
});

describe('other messages', () => {
  const message = (n: number) => ({
    idempotencyKey: `note:${n}`,
    kind: 'tracker-reminder',
    to: `member${n}@example.com`,
    subject: `Reminder ${n}`,
    html: `<p>Private reminder ${n}</p>`,
    text: `Private reminder ${n}`,
    headers: { 'List-Unsubscribe': `<${SITE}/email/off?token=secret-${n}>` },
  });

  it('keep their body 30 days and their row 90, sent or failed, with the outcome for the coach', async () => {
    await enqueueEmail(test.db, message(1), T);
    await deliver(after(1000));
    await enqueueEmail(test.db, message(2), T);
    await deliver(after(2000), refusing);
    expect((await messages()).map((row) => row.status)).toEqual(['sent', 'failed']);

    expect(await pruneRetainedData(test.db, after(30 * DAY - 1))).toMatchObject({ erased: 0, deletedMessages: 0 });
    expect((await messages()).map((row) => row.text)).toEqual(['Private reminder 1', 'Private reminder 2']);

    expect(await pruneRetainedData(test.db, after(30 * DAY))).toMatchObject({ expired: 0, erased: 2 });
    const kept = await messages();
    expect(
      kept.map(({ status, subject, toAddress, lastError, text, headers }) => ({
        status,
        subject,
        toAddress,
        lastError,
        text,
        headers,
      })),
    ).toEqual([
      {
        status: 'sent',
        subject: 'Reminder 1',
        toAddress: 'member1@example.com',
        lastError: null,
        text: ERASED_TEXT,
        headers: {},
      },
      {
        status: 'failed',
        subject: 'Reminder 2',
        toAddress: 'member2@example.com',
        lastError: 'the provider refused this address',
        text: ERASED_TEXT,
        headers: {},
      },
    ]);
    expect(await everything()).not.toContain('secret-1');

    // Running again changes nothing.
    const before = await everything();
    expect(await pruneRetainedData(test.db, after(30 * DAY))).toEqual({
      expired: 0,
      erased: 0,
      deletedMessages: 0,
      deletedLinks: 0,
      clearedLeadTokens: 0,
      deletedSessions: 0,
      deletedEmailEvents: 0,
    });
    expect(await everything()).toEqual(before);

    expect(await pruneRetainedData(test.db, after(90 * DAY - 1))).toMatchObject({ deletedMessages: 0 });
    expect(await pruneRetainedData(test.db, after(90 * DAY))).toMatchObject({ deletedMessages: 2 });
    expect(await messages()).toEqual([]);
  });

  it('are not sent once past their keeping period, should a worker find one still waiting', async () => {
    await enqueueEmail(test.db, message(3), T);
    expect(await deliver(after(30 * DAY))).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(delivered).toEqual([]);
  });
});

describe('sessions', () => {
  it('are deleted when they expire, and live ones stay', async () => {
    await signUp(auth(T), { email: 'cy@example.com', password: 'a phrase long enough', name: 'Cy', timeZone: 'UTC' });
    const [user] = await test.db.select().from(schema.users);
    const old = await createSession(test.db, user!.id, 'old', T);
    const fresh = await createSession(test.db, user!.id, 'fresh', after(DAY));
    expect(await pruneRetainedData(test.db, after(30 * DAY))).toMatchObject({ deletedSessions: 1 });
    expect((await test.db.select().from(sessions)).map((row) => row.id)).toEqual([fresh.session.id]);
    expect(old.session.id).not.toBe(fresh.session.id);
  });
});

describe('the email provider’s events', () => {
  it('are deleted 90 days after they were received; suppressions stay', async () => {
    await test.db.insert(schema.emailEvents).values([
      { id: 'msg_old', type: 'email.bounced', email: 'gone@example.com', createdAt: T },
      { id: 'msg_new', type: 'email.delivered', email: 'here@example.com', createdAt: after(DAY) },
    ]);
    await test.db
      .insert(schema.emailSuppressions)
      .values({ email: 'gone@example.com', reason: 'bounce', createdAt: T });
    expect(await pruneRetainedData(test.db, after(90 * DAY - 1))).toMatchObject({ deletedEmailEvents: 0 });
    expect(await pruneRetainedData(test.db, after(90 * DAY))).toMatchObject({ deletedEmailEvents: 1 });
    expect((await test.db.select().from(schema.emailEvents)).map((row) => row.id)).toEqual(['msg_new']);
    expect(await test.db.select().from(schema.emailSuppressions)).toHaveLength(1);
  });
});

describe('migration 0008 on a database with mail in it', () => {
  it('gives each message already queued the expiry of its kind, and links members’ mail to them', async () => {
    // The migrations before 0008, applied to a new file, then the mail an older version queued.
    const folder = mkdtempSync(join(tmpdir(), 'otfu-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalFile = join(folder, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((entry) => entry.tag.startsWith('0008_'));
    expect(at).toBeGreaterThan(0);
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    const file = join(mkdtempSync(join(tmpdir(), 'otfu-db-')), 'old.db');
    const old = openDatabase({ url: pathToFileURL(file).href });
    await prepareDatabase(old, folder);
    const queued = T.getTime();
    await old.$client.execute({
      sql: "INSERT INTO users (id, email, password_hash) VALUES ('u1', 'ann@example.com', 'x')",
      args: [],
    });
    for (const [n, kind, to] of [
      [1, 'auth.login', 'ann@example.com'],
      [2, 'auth.reset', 'ann@example.com'],
      [3, 'auth.verify', 'ann@example.com'],
      [4, 'lead.confirm', 'ann@example.com'],
      [5, 'lead.delivery', 'ann@example.com'],
      [6, 'tracker-reminder', 'ann@example.com'],
      [7, 'comment-reply', 'someone@example.com'],
    ] as const)
      await old.$client.execute({
        sql: `INSERT INTO outbox (idempotency_key, kind, to_address, subject, html, text, next_attempt_at, created_at)
              VALUES (?, ?, ?, 's', 'h', 't', ?, ?)`,
        args: [`k${n}`, kind, to, queued, queued],
      });

    await prepareDatabase(old);
    const migrated = (
      await old.$client.execute(
        'SELECT kind, expires_at - created_at AS life, user_id, erased_at FROM outbox ORDER BY id',
      )
    ).rows.map((row) => [row['kind'], row['life'], row['user_id'], row['erased_at']]);
    old.$client.close();
    expect(migrated).toEqual([
      ['auth.login', 15 * MINUTE, 'u1', null],
      ['auth.reset', 60 * MINUTE, 'u1', null],
      ['auth.verify', 2 * DAY, 'u1', null],
      ['lead.confirm', 2 * DAY, null, null],
      ['lead.delivery', 7 * DAY, null, null],
      ['tracker-reminder', 30 * DAY, 'u1', null],
      ['comment-reply', 30 * DAY, null, null],
    ]);
  });
});

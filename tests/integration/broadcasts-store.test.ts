/**
 * Broadcasts straight from a database: drafts, read-only once scheduled or sent, a test to the
 * coach (one message, limited), scheduling in the coach's time zone with every refusal at once and
 * nothing written, unscheduling, queueing (rendered once, batches of at most 100, each recipient's
 * own unsubscribe link, a queue stopped midway finishing when run again), the "new article" offers,
 * and the time 50,000 recipients take to queue (printed, not asserted).
 */
import { and, eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { appSettings, broadcasts, campaignStats, leads, outbox, users } from '../../db/schema.ts';
import type { AppContext } from '../../src/lib/app/context.server.ts';
import { Refusal } from '../../src/lib/app/refusal.ts';
import { readEmailOffToken } from '../../src/lib/email/preferences.server.ts';
import {
  announcementOffers,
  BroadcastProblems,
  draftAnnouncement,
  getBroadcast,
  queueDueBroadcasts,
  saveDraft,
  scheduleBroadcast,
  scheduledInstant,
  sendTest,
  TEST_EMAILS_PER_HOUR,
  unscheduleBroadcast,
  type BroadcastContent,
} from '../../src/lib/marketing/broadcasts.server.ts';
import { setSenderSettings } from '../../src/lib/marketing/sender.server.ts';
import { UNSUBSCRIBE_PLACEHOLDER } from '../../src/lib/marketing/personalise.ts';
import { testAppContext } from '../setup/app-context.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const SITE = 'https://otfu.example';
let test: TestDatabase;
let clock: Date;
let ctx: AppContext;

const content = (overrides: Partial<BroadcastContent> = {}): BroadcastContent => ({
  subject: 'Three follow-ups that work',
  preview: 'And one that never does',
  bodyMarkdown: '## Hello\n\nRead [the guide](https://otfu.example/articles/a-guide).',
  audience: { kind: 'everyone' },
  ...overrides,
});

async function addLeads(n: number, prefix = 'reader') {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(6, '0')}`,
    email: `${prefix}-${String(i).padStart(6, '0')}@example.com`,
    status: 'confirmed' as const,
    newsletterConsent: true,
    sourceArticle: 'article-x',
    consentText: 'Send me the cheat sheet, tips and occasional newsletters.',
    consentAt: new Date('2026-11-01T00:00:00Z'),
    confirmedAt: new Date('2026-11-01T00:00:00Z'),
    createdAt: new Date('2026-11-01T00:00:00Z'),
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await test.db.insert(leads).values(rows.slice(start, start + 500));
  }
}

async function coach() {
  await test.db.insert(users).values({
    id: 'coach-1',
    email: 'coach@example.com',
    passwordHash: 'x',
    role: 'coach',
    timeZone: 'America/New_York',
    emailVerifiedAt: new Date('2026-01-01T00:00:00Z'),
    emailCoach: false, // the coach's own switch does not stop their tests
  });
  return { id: 'coach-1', email: 'coach@example.com' };
}

const refusalOf = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('expected a refusal');
};

const snapshot = async () =>
  JSON.stringify([
    await test.db.select().from(broadcasts),
    await test.db.select({ n: sql<number>`count(*)` }).from(outbox),
  ]);

beforeEach(async () => {
  test = openTestDatabase();
  clock = new Date('2026-12-01T12:00:00Z');
  ctx = { ...testAppContext({ db: test.db, siteUrl: SITE }), clock: () => clock };
  await setSenderSettings(test.db, { postalAddress: '12 Harbour Street, Leith', footerNote: '' });
});

describe('drafts', () => {
  it('saves and changes a draft; once scheduled it is read-only, and unscheduling makes it a draft again', async () => {
    const id = await saveDraft(test.db, undefined, content({ subject: '', bodyMarkdown: '' }), clock);
    await saveDraft(test.db, id, content(), clock);
    expect((await getBroadcast(test.db, id))!).toMatchObject({
      status: 'draft',
      subject: 'Three follow-ups that work',
    });
    await addLeads(3);
    await scheduleBroadcast(ctx, id, content(), { date: '2026-12-02', time: '09:30', timeZone: 'UTC' }, undefined);
    const refused = await refusalOf(saveDraft(test.db, id, content({ subject: 'Changed' }), clock));
    expect(refused).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/unschedule it/) });
    await unscheduleBroadcast(test.db, id, clock);
    expect((await getBroadcast(test.db, id))!).toMatchObject({ status: 'draft', scheduledAt: null });
    await saveDraft(test.db, id, content({ subject: 'Changed' }), clock);
  });

  it('a sent broadcast refuses changes and unscheduling; an unknown one is not found', async () => {
    const id = await saveDraft(test.db, undefined, content(), clock);
    await test.db.update(broadcasts).set({ status: 'sent' }).where(eq(broadcasts.id, id));
    expect(await refusalOf(saveDraft(test.db, id, content(), clock))).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/already been sent/),
    });
    expect(await refusalOf(unscheduleBroadcast(test.db, id, clock))).toMatchObject({ kind: 'conflict' });
    expect(await refusalOf(saveDraft(test.db, 'nope', content(), clock))).toMatchObject({ kind: 'not-found' });
  });

  it('refuses a body with HTML, a script or a javascript: link, and writes nothing', async () => {
    const before = await snapshot();
    for (const body of ['<script>alert(1)</script>', '[x](javascript:alert(1))', 'Hi <b>there</b>']) {
      const refused = await refusalOf(saveDraft(test.db, undefined, content({ bodyMarkdown: body }), clock));
      expect(refused).toBeInstanceOf(BroadcastProblems);
      expect((refused as BroadcastProblems).problems['body']).toBeTruthy();
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('a test to the coach', () => {
  it('queues one single message to the coach, with their own newsletter link, and is limited', async () => {
    const me = await coach();
    const id = await saveDraft(test.db, undefined, content(), clock);
    await sendTest(ctx, me, id);
    const [row] = await test.db.select().from(outbox);
    expect(row).toMatchObject({
      kind: 'broadcast.test',
      toAddress: 'coach@example.com',
      batchKey: null,
      subject: '[Test] Three follow-ups that work',
    });
    expect(row!.html).toContain('utm_campaign=b-');
    expect(row!.html).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
    const link = /<(https:[^>]+)>/.exec(row!.headers['List-Unsubscribe']!)![1]!;
    expect(readEmailOffToken(ctx.secret, new URL(link).searchParams.get('token')!)).toEqual({
      kind: 'newsletter',
      userId: 'coach-1',
    });
    for (let i = 1; i < TEST_EMAILS_PER_HOUR; i++) await sendTest(ctx, me, id);
    expect(await refusalOf(sendTest(ctx, me, id))).toMatchObject({ kind: 'too-many' });
  });

  it('refuses a draft without a subject or a body', async () => {
    const me = await coach();
    const id = await saveDraft(test.db, undefined, content({ subject: '', bodyMarkdown: '' }), clock);
    const refused = (await refusalOf(sendTest(ctx, me, id))) as BroadcastProblems;
    expect(Object.keys(refused.problems).sort()).toEqual(['body', 'subject']);
    expect(await test.db.select().from(outbox)).toEqual([]);
  });
});

describe('scheduling', () => {
  it('reads the time on the coach’s clock', () => {
    expect(scheduledInstant({ date: '2026-12-02', time: '09:30', timeZone: 'America/New_York' }, clock)).toEqual({
      ok: true,
      at: new Date('2026-12-02T14:30:00Z'),
    });
    expect(scheduledInstant({ date: '2026-12-01', time: '06:59', timeZone: 'America/New_York' }, clock)).toMatchObject({
      ok: false,
      problems: { time: expect.stringMatching(/has passed/) },
    });
    expect(scheduledInstant({ date: '2026-12-01', time: '07:01', timeZone: 'America/New_York' }, clock)).toMatchObject({
      ok: true,
    });
    expect(scheduledInstant({ date: 'tomorrow', time: '9', timeZone: 'UTC' }, clock)).toMatchObject({
      ok: false,
      problems: { date: expect.any(String), time: expect.any(String) },
    });
  });

  it('refuses every problem at once and writes nothing: subject, body, nobody, past, no postal address', async () => {
    const id = await saveDraft(test.db, undefined, content(), clock);
    await setSenderSettings(test.db, { postalAddress: '', footerNote: '' });
    const before = await snapshot();
    const refused = (await refusalOf(
      scheduleBroadcast(
        ctx,
        id,
        content({ subject: ' ', bodyMarkdown: '<script>x</script>' }),
        { date: '2026-11-30', time: '09:00', timeZone: 'UTC' },
        undefined,
      ),
    )) as BroadcastProblems;
    expect(refused.problems).toEqual({
      subject: 'Write a subject line.',
      body: expect.stringMatching(/Markdown/),
      audienceKind: expect.stringMatching(/Nobody/),
      time: expect.stringMatching(/has passed/),
      sender: expect.stringMatching(/postal address/),
    });
    expect(await snapshot()).toBe(before);
  });

  it('sends now: scheduled at once, queued by the next run', async () => {
    await addLeads(3);
    const id = await saveDraft(test.db, undefined, content(), clock);
    await scheduleBroadcast(ctx, id, content(), 'now', undefined);
    expect(await queueDueBroadcasts(ctx)).toEqual({ broadcasts: 1, queued: 3 });
  });
});

describe('queueing', () => {
  it('waits for its time, renders once, queues each recipient in batches of 100 with their own link', async () => {
    await addLeads(250);
    await test.db.insert(users).values({
      id: 'member-1',
      email: 'zz-member@example.com',
      passwordHash: 'x',
      emailVerifiedAt: clock,
    });
    const id = await saveDraft(test.db, undefined, content(), clock);
    await scheduleBroadcast(ctx, id, content(), { date: '2026-12-01', time: '13:00', timeZone: 'UTC' }, undefined);
    expect(await queueDueBroadcasts(ctx)).toEqual({ broadcasts: 0, queued: 0 });
    clock = new Date('2026-12-01T13:00:00Z');
    expect(await queueDueBroadcasts(ctx)).toEqual({ broadcasts: 1, queued: 251 });
    const broadcast = (await getBroadcast(test.db, id))!;
    expect(broadcast).toMatchObject({ status: 'sending', recipients: 251 });
    expect(broadcast.html).toContain(UNSUBSCRIBE_PLACEHOLDER);
    expect(broadcast.html).toContain('12 Harbour Street');
    const rows = await test.db
      .select()
      .from(outbox)
      .where(eq(outbox.campaign, `b-${id}`));
    expect(rows).toHaveLength(251);
    const batches = new Map<string, number>();
    for (const row of rows) batches.set(row.batchKey!, (batches.get(row.batchKey!) ?? 0) + 1);
    expect([...batches.entries()].sort()).toEqual([
      [`bc:${id}:0`, 100],
      [`bc:${id}:1`, 100],
      [`bc:${id}:2`, 51],
    ]);
    const lead = rows.find((row) => row.toAddress === 'reader-000007@example.com')!;
    expect(lead).toMatchObject({
      kind: 'broadcast',
      html: '',
      text: '',
      subject: 'Three follow-ups that work',
      idempotencyKey: `bc:${id}:l-reader-000007`,
      status: 'pending',
      expiresAt: new Date(clock.getTime() + 30 * 86_400_000),
    });
    expect(lead.headers['List-Unsubscribe']).toMatch(/^<https:\/\/otfu\.example\/unsubscribe\?token=/);
    expect(lead.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const member = rows.find((row) => row.toAddress === 'zz-member@example.com')!;
    expect(member.idempotencyKey).toBe(`bc:${id}:u-member-1`);
    const token = new URL(/<(.+)>/.exec(member.headers['List-Unsubscribe']!)![1]!).searchParams.get('token')!;
    expect(readEmailOffToken(ctx.secret, token)).toEqual({ kind: 'newsletter', userId: 'member-1' });
    expect(await test.db.select().from(campaignStats)).toMatchObject([{ campaign: `b-${id}`, sent: 0 }]);
    // Queued: read-only, and nothing more to queue.
    expect(await refusalOf(unscheduleBroadcast(test.db, id, clock))).toMatchObject({ kind: 'conflict' });
    expect(await queueDueBroadcasts(ctx)).toEqual({ broadcasts: 0, queued: 0 });
  });

  it('an audience of nobody by the time it is due is marked sent with no recipients', async () => {
    await addLeads(1);
    const id = await saveDraft(test.db, undefined, content(), clock);
    await scheduleBroadcast(ctx, id, content(), 'now', undefined);
    await test.db.update(leads).set({ status: 'unsubscribed' });
    await queueDueBroadcasts(ctx);
    expect(await getBroadcast(test.db, id)).toMatchObject({ status: 'sent', recipients: 0 });
  });

  it('a queue stopped midway is taken up again after its claim expires and finishes without a duplicate', async () => {
    await addLeads(450);
    const id = await saveDraft(test.db, undefined, content(), clock);
    await scheduleBroadcast(ctx, id, content(), 'now', undefined);
    // Stop after the first page of 200 (a process killed between transactions).
    const stop = new AbortController();
    let pages = 0;
    const counting: AppContext = {
      ...ctx,
      clock: () => {
        pages += 1;
        if (pages >= 2) stop.abort();
        return clock;
      },
    };
    await queueDueBroadcasts(counting, { signal: stop.signal, pageSize: 200 });
    const written = await test.db.select({ n: sql<number>`count(*)` }).from(outbox);
    expect(written[0]!.n).toBeGreaterThan(0);
    expect(written[0]!.n).toBeLessThan(450);
    expect(await getBroadcast(test.db, id)).toMatchObject({ status: 'queueing' });
    // Another run right away leaves it to its owner; after the claim expires it finishes.
    expect(await queueDueBroadcasts(ctx, { pageSize: 200 })).toEqual({ broadcasts: 0, queued: 0 });
    clock = new Date(clock.getTime() + 61_000);
    await queueDueBroadcasts(ctx, { pageSize: 200 });
    const rows = await test.db.select().from(outbox);
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((row) => row.toAddress)).size).toBe(450);
    const sizes = new Map<string, number>();
    for (const row of rows) sizes.set(row.batchKey!, (sizes.get(row.batchKey!) ?? 0) + 1);
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(100);
    expect(sizes.size).toBe(5);
    expect(await getBroadcast(test.db, id)).toMatchObject({ status: 'sending', recipients: 450 });
  });

  it('queues 50,000 recipients (the time is printed, not asserted)', { timeout: 120_000 }, async () => {
    await addLeads(50_000);
    const id = await saveDraft(test.db, undefined, content(), clock);
    await scheduleBroadcast(ctx, id, content(), 'now', undefined);
    const started = performance.now();
    const report = await queueDueBroadcasts(ctx);
    const seconds = (performance.now() - started) / 1000;
    console.log(`Queued ${report.queued} recipients in ${seconds.toFixed(2)} s`);
    expect(report.queued).toBe(50_000);
    const [batches] = await test.db
      .select({ n: sql<number>`count(DISTINCT batch_key)` })
      .from(outbox)
      .where(and(eq(outbox.campaign, `b-${id}`)));
    expect(batches!.n).toBe(500);
  });
});

describe('new-article announcements', () => {
  const card = (id: string, pubDate: string) => ({
    id,
    title: `Title of ${id}`,
    description: `What ${id} says *in short*.`,
    pubDate: new Date(pubDate),
  });

  it('offers only articles published after the feature was first used, until one is drafted', async () => {
    const cards = [card('old', '2026-11-01T00:00:00Z'), card('new', '2026-12-03T00:00:00Z')];
    expect(await announcementOffers(test.db, cards, clock)).toEqual([]); // "new" is not published yet
    const [setting] = await test.db.select().from(appSettings).where(eq(appSettings.key, 'email.announcements'));
    expect(setting!.value).toEqual({ since: clock.getTime() });
    clock = new Date('2026-12-04T00:00:00Z');
    expect((await announcementOffers(test.db, cards, clock)).map((c) => c.id)).toEqual(['new']);
    const id = await draftAnnouncement(ctx, cards[1]!);
    expect(await draftAnnouncement(ctx, cards[1]!)).toBe(id);
    expect(await getBroadcast(test.db, id)).toMatchObject({
      subject: 'Title of new',
      articleSlug: 'new',
      bodyMarkdown: expect.stringContaining('(https://otfu.example/articles/new)'),
      status: 'draft',
    });
    expect(await announcementOffers(test.db, cards, clock)).toEqual([]);
  });
});

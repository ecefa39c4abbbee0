/**
 * A member's data in every table, exported and then deleted, on a real database. The tables are
 * read from db/schema.ts: a new table fails these tests until it has a deletion decision and is
 * exported (or left out of the export with a reason).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { deleteAccountData, exportAccountData } from '../../src/lib/data/account-data.server.ts';
import { hitRateLimit } from '../../src/lib/http/rate-limit.server.ts';
import { hashToken } from '../../src/lib/auth/tokens.server.ts';
import { tablesInSchema } from '../setup/source-inventory.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const TABLES = tablesInSchema();

/** What deleting an account does to each table (the README says the same). */
const DELETION: Record<string, string> = {
  users: 'deleted',
  sessions: 'deleted',
  email_tokens: 'deleted',
  leads: 'deleted: theirs and any with their address',
  outbox: 'deleted: to their address or for them, and the reply emails their replies caused',
  rate_limits: 'deleted: counters keyed by their id or their hashed address',
  opportunities: 'deleted',
  conversations: 'deleted',
  touches: 'deleted',
  tracker_settings: 'deleted',
  comments:
    'deleted; a thread of theirs that others replied to keeps its place as a deleted comment, without words or author',
  comment_likes: 'deleted: their likes, and the likes of their comments',
  comment_reports: 'a report they made about another comment stays, without them; reports of theirs go with them',
  moderation_log: 'kept without naming them (what the coach did)',
  draft_reviews: 'deleted; answers they gave as a coach stay without them',
  billing_customers: 'deleted (the Stripe customer is deleted in Stripe first)',
  subscriptions: 'deleted',
  entitlements: 'deleted',
  app_settings: 'holds nothing about a member: site-wide settings',
  stripe_events: 'holds nothing about a member: event ids, types and outcomes',
  article_views: 'holds nothing about a member: views per article and day',
  funnel_daily: 'holds nothing about a member: counts per article and day',
  broadcasts: "holds nothing about a member: the coach's emails and how many they went to",
  sequence_steps: "holds nothing about a member: the coach's nurture sequence",
  campaign_stats: 'holds nothing about a member: counts per email campaign',
  campaign_views: 'holds nothing about a member: views per email campaign and day',
  email_suppressions: 'deleted: a bounce or complaint of their address',
  email_events: 'deleted: delivery events of email to their address',
};

/** How to find the member's rows in each table that can hold them (`:id`, `:email`, `:hash`). */
const MEMBER_ROWS: Record<string, string> = {
  users: 'SELECT * FROM users WHERE id = :id OR email = :email',
  sessions: 'SELECT * FROM sessions WHERE user_id = :id',
  email_tokens: 'SELECT * FROM email_tokens WHERE user_id = :id',
  leads: 'SELECT * FROM leads WHERE user_id = :id OR email = :email',
  outbox: 'SELECT * FROM outbox WHERE to_address = :email OR user_id = :id',
  rate_limits: "SELECT * FROM rate_limits WHERE key LIKE '%:' || :id OR key LIKE '%:' || :hash",
  opportunities: 'SELECT * FROM opportunities WHERE user_id = :id',
  conversations: 'SELECT * FROM conversations WHERE user_id = :id',
  touches: 'SELECT * FROM touches WHERE user_id = :id',
  tracker_settings: 'SELECT * FROM tracker_settings WHERE user_id = :id',
  comments: 'SELECT * FROM comments WHERE user_id = :id',
  comment_likes: 'SELECT * FROM comment_likes WHERE user_id = :id',
  comment_reports: 'SELECT * FROM comment_reports WHERE user_id = :id',
  moderation_log: 'SELECT * FROM moderation_log WHERE target_user_id = :id OR actor_id = :id',
  draft_reviews: 'SELECT * FROM draft_reviews WHERE user_id = :id',
  billing_customers: 'SELECT * FROM billing_customers WHERE user_id = :id',
  subscriptions: 'SELECT * FROM subscriptions WHERE user_id = :id',
  entitlements: 'SELECT * FROM entitlements WHERE user_id = :id',
  email_suppressions: 'SELECT * FROM email_suppressions WHERE email = :email',
  email_events: 'SELECT * FROM email_events WHERE email = :email',
};

/** Where each table with a member's rows is in their export, and a value of theirs it must show. */
const EXPORT: Record<string, { path: string; shows: string } | { excluded: string }> = {
  users: { path: 'account', shows: 'Mira Quillfeather' },
  sessions: { path: 'sessions', shows: 'MiraBrowser/1.0' },
  email_tokens: { path: 'pendingEmailLinks', shows: 'reset' },
  leads: { path: 'cheatSheet', shows: 'quill-campaign' },
  outbox: { path: 'emails', shows: '3 follow-ups due today' },
  opportunities: { path: 'tracker.opportunities', shows: 'Quillfeather Corp' },
  conversations: { path: 'tracker.conversations', shows: 'talked about quills' },
  touches: { path: 'tracker.touches', shows: 'Thanks from Mira' },
  tracker_settings: { path: 'tracker.settings', shows: '2026-11-25' },
  comments: { path: 'comments', shows: 'Mira’s story about follow-ups' },
  comment_likes: { path: 'commentLikes', shows: 'otto-thread' },
  comment_reports: { path: 'commentReports', shows: 'off-topic' },
  moderation_log: { path: 'moderation', shows: 'block' },
  draft_reviews: { path: 'reviews', shows: 'Shorter is better, Mira' },
  billing_customers: { path: 'billing.stripeCustomerId', shows: 'cus_mira' },
  subscriptions: { path: 'billing.subscriptions', shows: 'sub_mira' },
  entitlements: { path: 'billing.entitlement', shows: 'active' },
  email_suppressions: { path: 'emailDelivery.suppression', shows: 'complaint' },
  email_events: { path: 'emailDelivery.events', shows: 'email.complained' },
  rate_limits: {
    excluded: 'counters of recent attempts (a number and a time), kept at most two days and keyed by a hash',
  },
};

const MIRA = {
  id: 'mira-id-7q3k',
  email: 'mira.quill@example.com',
  name: 'Mira Quillfeather',
  country: 'DE',
  region: 'BY',
};
const OTTO = { id: 'otto-id-5w2p', email: 'otto@example.com', name: 'Otto Other' };
const COACH = { id: 'coach-id-9z4m', email: 'coach@example.com', name: 'Casey Coach' };
const NOW = new Date('2026-11-26T10:00:00Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let test: TestDatabase;
const rows = async (query: string, args: Record<string, string> = {}) =>
  (await test.db.$client.execute({ sql: query, args })).rows;
const memberArgs = (who: { id: string; email: string }) => ({
  id: who.id,
  email: who.email,
  hash: hashToken(who.email),
});

/** Every row of every table, as text: what "nothing of theirs remains" is checked against. */
async function everything(): Promise<string> {
  const dump: Record<string, unknown[]> = {};
  for (const table of TABLES) dump[table] = await rows(`SELECT * FROM "${table}"`);
  return JSON.stringify(dump);
}

/** Mira has rows in every table that can hold a member's; Otto and the coach are around her. */
async function seed(): Promise<void> {
  const s = schema;
  const db = test.db;
  await db.insert(s.users).values(
    [MIRA, OTTO, COACH].map((who) => ({
      ...who,
      passwordHash: `hash-of-${who.id}`,
      role: who === COACH ? ('coach' as const) : ('member' as const),
      // The email whose link Mira signed up from: hers, so in her export.
      signupCampaign: who === MIRA ? 'b-mira-signup' : null,
      emailVerifiedAt: NOW,
      createdAt: NOW,
    })),
  );
  await db.insert(s.sessions).values([
    {
      id: 'mira-session',
      secretHash: 'mira-secret-hash',
      userId: MIRA.id,
      expiresAt: at(60 * 24),
      userAgent: 'MiraBrowser/1.0',
      lastSeenAt: NOW,
    },
    { id: 'otto-session', secretHash: 'otto-secret-hash', userId: OTTO.id, expiresAt: at(60 * 24), lastSeenAt: NOW },
  ]);
  await db
    .insert(s.emailTokens)
    .values({ tokenHash: 'mira-reset-token-hash', userId: MIRA.id, purpose: 'reset', expiresAt: at(60) });
  await db.insert(s.leads).values([
    {
      id: 'mira-lead',
      email: MIRA.email,
      status: 'confirmed',
      utmCampaign: 'quill-campaign',
      consentText: 'Send me the cheat sheet.',
      consentAt: NOW,
      confirmedAt: NOW,
      userId: MIRA.id,
    },
    { id: 'otto-lead', email: OTTO.email, status: 'pending', consentText: 'Send me the cheat sheet.', consentAt: NOW },
  ]);
  await db.insert(s.opportunities).values({
    id: 'mira-entry',
    userId: MIRA.id,
    kind: 'interview',
    company: 'Quillfeather Corp',
    contactName: 'Priya',
    lastActivityAt: NOW,
  });
  await db.insert(s.conversations).values({
    id: 'mira-round',
    opportunityId: 'mira-entry',
    userId: MIRA.id,
    at: NOW,
    specificDetail: 'talked about quills',
  });
  await db.insert(s.touches).values({
    id: 'mira-touch',
    opportunityId: 'mira-entry',
    userId: MIRA.id,
    type: 'sent',
    at: NOW,
    subject: 'Thanks from Mira',
  });
  await db
    .insert(s.trackerSettings)
    .values({ userId: MIRA.id, calendarTokenHash: 'mira-calendar-hash', lastReminderOn: '2026-11-25' });
  const comment = (id: string, userId: string, parentId: string | null, body: string) => ({
    id,
    articleSlug: 'thank-you-note-within-24-hours',
    userId,
    parentId,
    body,
    html: `<p>${body}</p>`,
    status: 'published' as const,
    createdAt: NOW,
  });
  await db.insert(s.comments).values([
    // Otto replied to this one: it keeps its place.
    comment('mira-thread', MIRA.id, null, 'Mira’s story about follow-ups'),
    comment('otto-reply', OTTO.id, 'mira-thread', 'Otto answers the story'),
    comment('mira-alone', MIRA.id, null, 'Mira’s second story, nobody answered'),
    comment('otto-thread', OTTO.id, null, 'Otto’s own story'),
    comment('mira-reply', MIRA.id, 'otto-thread', 'Mira replies to Otto'),
  ]);
  await db.insert(s.commentLikes).values([
    { commentId: 'otto-thread', userId: MIRA.id },
    { commentId: 'otto-thread', userId: COACH.id },
    { commentId: 'mira-thread', userId: OTTO.id },
  ]);
  await test.db.$client.execute(
    'UPDATE comments SET like_count = (SELECT count(*) FROM comment_likes WHERE comment_id = comments.id)',
  );
  await db.insert(s.commentReports).values([
    {
      id: 'mira-report',
      commentId: 'otto-thread',
      userId: MIRA.id,
      reason: 'off-topic',
      note: 'Not about follow-ups.',
    },
    { id: 'otto-report', commentId: 'mira-alone', userId: OTTO.id, reason: 'spam' },
  ]);
  await test.db.$client.execute("UPDATE comments SET open_reports = 1 WHERE id IN ('otto-thread', 'mira-alone')");
  await db.insert(s.moderationLog).values([
    { actorId: COACH.id, action: 'block', targetUserId: MIRA.id },
    { actorId: COACH.id, action: 'hide', commentId: 'mira-alone', targetUserId: MIRA.id },
    { actorId: COACH.id, action: 'approve', commentId: 'otto-thread', targetUserId: OTTO.id },
  ]);
  await db.insert(s.billingCustomers).values({ userId: MIRA.id, stripeCustomerId: 'cus_mira' });
  await db
    .insert(s.subscriptions)
    .values({ id: 'sub_mira', userId: MIRA.id, stripeCustomerId: 'cus_mira', status: 'active', interval: 'month' });
  await db.insert(s.entitlements).values({ userId: MIRA.id, status: 'active', subscriptionId: 'sub_mira' });
  await db.insert(s.draftReviews).values({
    id: 'mira-review',
    userId: MIRA.id,
    opportunityId: 'mira-entry',
    step: 'thank-you',
    subject: 'Thank you',
    body: 'Dear Priya',
    status: 'answered',
    coachComment: 'Shorter is better, Mira',
    reviewerId: COACH.id,
  });
  await db.insert(s.stripeEvents).values({ id: 'evt_1', type: 'invoice.paid', outcome: 'applied: active' });
  await db.insert(s.articleViews).values({ day: '2026-11-26', article: 'thank-you-note-within-24-hours', views: 3 });
  await db.insert(s.funnelDaily).values({ day: '2026-11-25', article: '', captures: 2, members: 1 });
  await db.insert(s.appSettings).values({ key: 'comments.holdFirst', value: true });
  await db.insert(s.emailSuppressions).values([
    { email: MIRA.email, reason: 'complaint', campaign: 'b-spring', createdAt: NOW },
    { email: OTTO.email, reason: 'bounce', detail: 'Permanent: General', createdAt: NOW },
  ]);
  await db.insert(s.emailEvents).values([
    { id: 'msg_mira_1', type: 'email.complained', email: MIRA.email, campaign: 'b-spring', createdAt: NOW },
    { id: 'msg_otto_1', type: 'email.bounced', email: OTTO.email, createdAt: NOW },
  ]);
  await db.insert(s.outbox).values([
    {
      idempotencyKey: `reminder:${MIRA.id}:2026-11-26`,
      kind: 'tracker-reminder',
      toAddress: MIRA.email,
      userId: MIRA.id,
      subject: '3 follow-ups due today',
      html: '<p>Hi Mira Quillfeather</p>',
      text: 'Hi Mira Quillfeather',
      nextAttemptAt: NOW,
      expiresAt: at(60 * 24 * 30),
    },
    {
      // Otto's email about Mira's reply: names and quotes her.
      idempotencyKey: 'comment-reply:mira-reply',
      kind: 'comment-reply',
      toAddress: OTTO.email,
      userId: OTTO.id,
      subject: 'Mira Quillfeather replied to your comment',
      html: '<p>Mira replies to Otto</p>',
      text: 'Mira replies to Otto',
      nextAttemptAt: NOW,
    },
    {
      idempotencyKey: 'lead-confirm:otto-lead:abc',
      kind: 'lead.confirm',
      toAddress: OTTO.email,
      subject: 'Confirm your email to get the cheat sheet',
      html: '<p>Confirm</p>',
      text: 'Confirm',
      nextAttemptAt: NOW,
    },
  ]);
  for (const [name, subject] of [
    ['password:member', MIRA.id],
    ['capture:address', hashToken(MIRA.email)],
    ['password:member', OTTO.id],
    ['capture:ip', '198.51.100.7'],
  ] as const)
    await hitRateLimit(db, { name, limit: 10, windowMs: 3_600_000 }, subject, NOW.getTime());
}

beforeEach(async () => {
  test = openTestDatabase();
  await seed();
});

describe('every table has a decision', () => {
  it('for deleting an account, and for the export', () => {
    expect(Object.keys(DELETION).sort(), 'say what deleting an account does to each new table').toEqual(
      [...TABLES].sort(),
    );
    const holdsMembers = TABLES.filter((table) => !DELETION[table]!.startsWith('holds nothing'));
    expect(Object.keys(MEMBER_ROWS).sort(), 'say how to find a member’s rows in each table').toEqual(
      holdsMembers.sort(),
    );
    expect(Object.keys(EXPORT).sort(), 'export each new table with a member’s rows, or say why not').toEqual(
      holdsMembers.sort(),
    );
  });

  it('and the member here has rows in every table that can hold a member’s', async () => {
    for (const [table, query] of Object.entries(MEMBER_ROWS))
      expect((await rows(query, memberArgs(MIRA))).length, `Mira has rows in ${table}`).toBeGreaterThan(0);
  });
});

describe('the export', () => {
  it('has the member’s rows of every table, under the name the README gives', async () => {
    const user = (await test.db.select().from(schema.users)).find((row) => row.id === MIRA.id)!;
    const data = (await exportAccountData(test.db, user, NOW)) as unknown as Record<string, unknown>;
    for (const [table, where] of Object.entries(EXPORT)) {
      if ('excluded' in where) continue;
      const section = where.path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], data);
      expect(section, `${table} is in the export as ${where.path}`).toBeTruthy();
      if (Array.isArray(section)) expect(section.length, `${where.path} lists ${table}`).toBeGreaterThan(0);
      expect(JSON.stringify(section), `${where.path} shows ${table}`).toContain(where.shows);
    }
  });

  it('has every column of the member’s own row but the password hash', async () => {
    const user = (await test.db.select().from(schema.users)).find((row) => row.id === MIRA.id)!;
    const { account } = await exportAccountData(test.db, user, NOW);
    const shown = JSON.stringify(account);
    for (const [column, value] of Object.entries(user)) {
      if (column === 'passwordHash' || value === null || typeof value === 'boolean') continue;
      const text = value instanceof Date ? value.toISOString() : String(value);
      expect(shown, `the export shows users.${column}`).toContain(JSON.stringify(text).slice(1, -1));
    }
    expect(account).toMatchObject({ holidayCountry: 'DE', holidayRegion: 'BY' });
  });

  it('has nobody else’s data and none of the member’s secrets', async () => {
    const user = (await test.db.select().from(schema.users)).find((row) => row.id === MIRA.id)!;
    const text = JSON.stringify(await exportAccountData(test.db, user, NOW));
    for (const secret of [
      'hash-of-mira',
      'mira-secret-hash',
      'mira-reset-token-hash',
      'mira-calendar-hash',
      'Hi Mira Quillfeather',
    ])
      expect(text).not.toContain(secret);
    for (const other of [OTTO.id, OTTO.email, 'Otto answers', 'Otto’s own story', 'otto-report', 'spam', 'approve'])
      expect(text).not.toContain(other);
    const parsed = JSON.parse(text) as { tracker: { settings: { calendarFeed: boolean }[] } };
    expect(parsed.tracker.settings).toEqual([{ calendarFeed: true, lastReminderOn: '2026-11-25' }]);
  });
});

describe('deleting an account', () => {
  it('leaves nothing with their id, address, name, hashed address or billing ids, in any table', async () => {
    const otherLeft = await everything();
    expect(otherLeft).toContain(MIRA.email);
    await deleteAccountData(test.db, MIRA, NOW);
    const left = await everything();
    for (const trace of [
      MIRA.id,
      MIRA.email,
      MIRA.name,
      'Mira',
      hashToken(MIRA.email),
      'cus_mira',
      'sub_mira',
      'Quillfeather',
      'quill',
    ])
      expect(left, `nothing left mentions ${trace}`).not.toContain(trace);
    for (const [table, query] of Object.entries(MEMBER_ROWS))
      expect(await rows(query, memberArgs(MIRA)), `${table} has none of Mira’s rows`).toEqual([]);
  });

  it('keeps what others wrote in its place, anonymous, and everyone else’s data as it was', async () => {
    const before = await Promise.all(Object.values(MEMBER_ROWS).map((query) => rows(query, memberArgs(OTTO))));
    await deleteAccountData(test.db, MIRA, NOW);

    const byId = Object.fromEntries(
      (await rows('SELECT id, user_id, parent_id, status, body, html, like_count, open_reports FROM comments')).map(
        (row) => [String(row['id']), row],
      ),
    );
    expect(Object.keys(byId).sort()).toEqual(['mira-thread', 'otto-reply', 'otto-thread']);
    expect(byId['mira-thread']).toMatchObject({ user_id: null, status: 'deleted', body: '', html: '', like_count: 0 });
    expect(byId['otto-reply']).toMatchObject({ user_id: OTTO.id, parent_id: 'mira-thread', status: 'published' });
    // Mira's like is gone from Otto's comment; the coach's stays. Her report stays open, without her.
    expect(byId['otto-thread']).toMatchObject({ like_count: 1, open_reports: 1 });
    expect(await rows('SELECT comment_id, user_id, reason, resolved_at FROM comment_reports')).toEqual([
      { comment_id: 'otto-thread', user_id: null, reason: 'off-topic', resolved_at: null },
    ]);
    expect(await rows('SELECT action, comment_id, target_user_id FROM moderation_log ORDER BY id')).toEqual([
      { action: 'block', comment_id: null, target_user_id: null },
      { action: 'hide', comment_id: 'mira-alone', target_user_id: null },
      { action: 'approve', comment_id: 'otto-thread', target_user_id: OTTO.id },
    ]);
    // The email about Mira's reply went with it; Otto's own email stays.
    expect((await rows('SELECT idempotency_key FROM outbox')).map((row) => row['idempotency_key'])).toEqual([
      'lead-confirm:otto-lead:abc',
    ]);
    expect(await rows('SELECT key FROM rate_limits ORDER BY key')).toEqual([
      { key: 'capture:ip:198.51.100.7' },
      { key: `password:member:${OTTO.id}` },
    ]);

    // Otto's rows are as they were, but for the like she gave his comment and the email above.
    const after = await Promise.all(Object.values(MEMBER_ROWS).map((query) => rows(query, memberArgs(OTTO))));
    const withoutLikes = (list: Record<string, unknown>[]) => list.map(({ like_count: _, ...row }) => row);
    for (const [n, table] of Object.keys(MEMBER_ROWS).entries()) {
      // His like of her comment and his report of her other comment went with them.
      if (table === 'comment_likes' || table === 'comment_reports') expect(after[n]).toEqual([]);
      else if (table === 'outbox')
        expect(after[n]).toEqual(before[n]!.filter((row) => row['kind'] !== 'comment-reply'));
      else if (table === 'comments') expect(withoutLikes(after[n]!)).toEqual(withoutLikes(before[n]!));
      else expect(after[n], `Otto’s ${table}`).toEqual(before[n]);
    }
    for (const table of ['app_settings', 'stripe_events', 'article_views', 'funnel_daily'])
      expect((await rows(`SELECT * FROM ${table}`)).length, `${table} keeps its counts`).toBe(1);
  });

  it('is all or nothing: a failure half-way leaves every row in place', async () => {
    const before = await everything();
    // A trigger makes the last statement (the user row) fail, as a lost connection would.
    await test.db.$client.execute(
      "CREATE TRIGGER refuse_user_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    await expect(deleteAccountData(test.db, MIRA, NOW)).rejects.toThrow();
    expect(await everything()).toEqual(before);
  });
});

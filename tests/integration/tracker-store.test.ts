/**
 * The tracker's data layer and its morning reminders against a real database: plans stored and
 * rewritten with every change, one member never reaching another's rows, one reminder per day
 * and per step, and every hot query served by an index.
 */
import { asc, eq, fillPlaceholders } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { conversations, entitlements, opportunities, outbox, trackerSettings, users } from '../../db/schema.ts';
import { setCoachingLimits } from '../../src/lib/coaching/entitlements.server.ts';
import {
  addConversation,
  createOpportunity,
  deleteOpportunity,
  deleteTouch,
  loadOpportunity,
  logTouch,
  replanAll,
  setStage,
  updateOpportunity,
  type Member,
} from '../../src/lib/tracker/entries.server.ts';
import {
  calendarSteps,
  countDueSteps,
  dueBetweenQuery,
  homeSummary,
  homeTotalsQuery,
  listDueSteps,
  listOpportunities,
} from '../../src/lib/tracker/listing.server.ts';
import { followUpUid } from '../../src/lib/tracker/calendar.ts';
import type { StepId } from '../../src/lib/tracker/model.ts';
import { runReminders } from '../../src/lib/tracker/reminders.server.ts';
import { readEmailOffToken, turnEmailOff } from '../../src/lib/email/preferences.server.ts';
import { testAppContext } from '../setup/app-context.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';
import { storedBucket } from '../../src/lib/tracker/view.ts';
import { endOfLocalDay, localDate } from '../../src/lib/time/zoned-time.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
let test: TestDatabase;

beforeEach(() => {
  test = openTestDatabase();
});

async function addMember(id: string, timeZone = 'Europe/London', verified = true): Promise<Member> {
  await test.db.insert(users).values({
    id,
    email: `${id}@example.com`,
    passwordHash: 'x',
    name: id,
    timeZone,
    emailVerifiedAt: verified ? new Date('2026-01-01T00:00:00Z') : null,
  });
  return { id, timeZone };
}

const fields = (company = 'Northwind') => ({
  kind: 'interview' as const,
  company,
  roleTitle: 'Product Designer',
  contactName: 'Priya Shah',
  contactRole: 'Hiring manager',
  contactEmail: 'priya@northwind.example',
  notes: '',
});
const conversation = (iso: string, decisionBy: string | null = null) => ({
  at: new Date(iso),
  decisionBy,
  timingNote: '',
  specificDetail: 'design critiques',
  valueIdea: '',
});
const stored = async (id: string) => (await test.db.select().from(opportunities).where(eq(opportunities.id, id)))[0]!;

describe('stored plans', () => {
  it('follows the playbook through sending, a reply and a new round', async () => {
    const sam = await addMember('sam');
    // Thursday 26 Nov 2026, 14:00 in London; they said they would decide by Friday 4 Dec.
    const id = await createOpportunity(
      test.db,
      sam,
      fields(),
      conversation('2026-11-26T14:00:00Z', '2026-12-04'),
      new Date('2026-11-26T15:00:00Z'),
    );
    let row = await stored(id);
    expect(row.planStep).toBe('thank-you');
    expect(row.planDueAt?.toISOString()).toBe('2026-11-27T14:00:00.000Z');
    expect(row.planReason).toContain('24 hours after your interview');

    await logTouch(test.db, sam, id, {
      type: 'sent',
      step: 'thank-you',
      at: new Date('2026-11-26T18:00:00Z'),
      decisionBy: null,
      subject: 'Thank you',
      body: 'Hi',
    });
    row = await stored(id);
    expect(row.planStep).toBe('first-check-in');
    // The working day after Friday 4 Dec is Monday 7 Dec, to the end of that day in London.
    expect(row.planDueAt?.toISOString()).toBe('2026-12-07T23:59:59.999Z');

    await logTouch(test.db, sam, id, {
      type: 'reply',
      step: null,
      at: new Date('2026-12-07T10:00:00Z'),
      decisionBy: null,
      subject: '',
      body: 'Still deciding',
    });
    row = await stored(id);
    expect(row.planState).toBe('paused');
    expect(row.planDueAt).toBeNull();

    await addConversation(test.db, sam, id, conversation('2026-12-10T09:00:00Z'));
    row = await stored(id);
    expect(row.planStep).toBe('thank-you');
    expect(row.planDueAt?.toISOString()).toBe('2026-12-11T09:00:00.000Z');

    await setStage(test.db, sam, id, 'offer');
    row = await stored(id);
    expect(row.planState).toBe('ended');
    expect(row.planDueAt).toBeNull();
  });

  it('replans every entry in the new zone when the member moves', async () => {
    const sam = await addMember('sam', 'UTC');
    const id = await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T14:00:00Z', '2026-12-04'));
    await logTouch(test.db, sam, id, {
      type: 'sent',
      step: 'thank-you',
      at: new Date('2026-11-26T18:00:00Z'),
      decisionBy: null,
      subject: '',
      body: '',
    });
    expect((await stored(id)).planDueAt?.toISOString()).toBe('2026-12-07T23:59:59.999Z');
    await replanAll(test.db, { id: 'sam', timeZone: 'America/New_York' });
    expect((await stored(id)).planDueAt?.toISOString()).toBe('2026-12-08T04:59:59.999Z');
  });

  it('undoing a mistaken "mark as sent" brings the step back', async () => {
    const sam = await addMember('sam');
    const id = await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T14:00:00Z'));
    await logTouch(test.db, sam, id, {
      type: 'sent',
      step: 'thank-you',
      at: new Date('2026-11-26T16:00:00Z'),
      decisionBy: null,
      subject: '',
      body: '',
    });
    const detail = await loadOpportunity(test.db, sam, id);
    expect(await deleteTouch(test.db, sam, detail!.touches[0]!.id)).toBe(true);
    expect((await stored(id)).planStep).toBe('thank-you');
  });
});

describe('the calendar feed’s follow-ups', () => {
  const sent = (step: StepId | null, iso: string) => ({
    type: 'sent' as const,
    step,
    at: new Date(iso),
    decisionBy: null,
    subject: '',
    body: '',
  });

  it('names each follow-up by its round, its step and the ones sent before it, whatever its date', async () => {
    let sam = await addMember('sam', 'UTC');
    const id = await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T14:00:00Z'));
    const current = async () => {
      const rows = await listDueSteps(test.db, sam);
      expect(rows).toHaveLength(1);
      return { ...rows[0]!, uid: followUpUid(rows[0]!) };
    };
    const rounds = async () =>
      (
        await test.db
          .select({ id: conversations.id })
          .from(conversations)
          .where(eq(conversations.opportunityId, id))
          .orderBy(asc(conversations.at))
      ).map((row) => row.id);
    const [firstRound] = await rounds();

    const thankYou = await current();
    expect(thankYou.uid).toBe(`${id}/${firstRound}/thank-you/0@own-the-follow-up`);

    await logTouch(test.db, sam, id, sent('thank-you', '2026-11-26T18:00:00Z'), new Date('2026-11-26T18:00:00Z'));
    const checkIn = await current();
    expect(checkIn.planStep).toBe('first-check-in');
    expect(checkIn.uid).not.toBe(thankYou.uid);

    // The member moves: the check-in's due date moves with the zone, and stays the same event.
    sam = { id: 'sam', timeZone: 'America/New_York' };
    await replanAll(test.db, sam, new Date('2026-11-27T09:00:00Z'));
    const moved = await current();
    expect(moved.planDueAt!.getTime()).not.toBe(checkIn.planDueAt!.getTime());
    expect(moved.uid).toBe(checkIn.uid);
    expect(moved.updatedAt!.getTime()).toBeGreaterThan(checkIn.updatedAt!.getTime());

    // Their reply gives a date: still the same check-in, now due after that date.
    await logTouch(test.db, sam, id, {
      ...sent(null, '2026-11-30T15:00:00Z'),
      type: 'reply',
      decisionBy: '2026-12-15',
    });
    const afterReply = await current();
    expect(afterReply.planStep).toBe('first-check-in');
    expect(afterReply.planDueAt!.getTime()).toBeGreaterThan(moved.planDueAt!.getTime());
    expect(afterReply.uid).toBe(checkIn.uid);

    await logTouch(test.db, sam, id, sent('first-check-in', '2026-12-16T15:00:00Z'));
    const nudge = await current();
    expect(nudge).toMatchObject({ planStep: 'persistent-check-in', stepsSent: 0 });
    await logTouch(test.db, sam, id, sent('persistent-check-in', '2026-12-23T15:00:00Z'));
    const secondNudge = await current();
    expect(secondNudge).toMatchObject({ planStep: 'persistent-check-in', stepsSent: 1 });
    expect(secondNudge.uid).not.toBe(nudge.uid);

    // Another interview: a new round, whose thank-you is not the first one.
    await addConversation(test.db, sam, id, conversation('2027-01-05T14:00:00Z'));
    const [, secondRound] = await rounds();
    const nextThankYou = await current();
    expect(nextThankYou.uid).toBe(`${id}/${secondRound}/thank-you/0@own-the-follow-up`);
    const uids = [thankYou, checkIn, nudge, secondNudge, nextThankYou].map((item) => item.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('counts the open due steps past what the feed holds', async () => {
    const sam = await addMember('sam');
    const ids: string[] = [];
    for (const company of ['A', 'B', 'C'])
      ids.push(await createOpportunity(test.db, sam, fields(company), conversation('2026-11-26T14:00:00Z')));
    await test.db.update(opportunities).set({ archivedAt: new Date() }).where(eq(opportunities.id, ids[2]!));
    expect(await countDueSteps(test.db, sam)).toBe(2);
    expect(await calendarSteps(test.db, sam)).toMatchObject({ leftOut: 0, steps: [{}, {}] });
    expect(await listDueSteps(test.db, sam, 1)).toHaveLength(1);
  });
});

describe('one member, one tracker', () => {
  it("answers another member's ids as if they did not exist, and changes nothing", async () => {
    const sam = await addMember('sam');
    const eve = await addMember('eve');
    const id = await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T14:00:00Z'));
    const before = await stored(id);
    const touch = { type: 'sent' as const, step: null, at: new Date(), decisionBy: null, subject: '', body: '' };

    expect(await loadOpportunity(test.db, eve, id)).toBeUndefined();
    expect(await updateOpportunity(test.db, eve, id, fields('Hacked'))).toBe(false);
    expect(await setStage(test.db, eve, id, 'closed')).toBe(false);
    expect(await logTouch(test.db, eve, id, touch)).toBe(false);
    expect(await addConversation(test.db, eve, id, conversation('2026-11-27T09:00:00Z'))).toBe(false);
    expect(await deleteOpportunity(test.db, eve, id)).toBe(false);
    expect(await listOpportunities(test.db, eve, { q: 'Northwind' })).toEqual([]);
    expect(await listDueSteps(test.db, eve)).toEqual([]);

    await logTouch(test.db, sam, id, touch);
    const samTouch = (await loadOpportunity(test.db, sam, id))!.touches[0]!;
    expect(await deleteTouch(test.db, eve, samTouch.id)).toBe(false);

    const after = await stored(id);
    expect(after.company).toBe(before.company);
    expect(after.stage).toBe('open');
    expect((await loadOpportunity(test.db, sam, id))!.touches).toHaveLength(1);
  });

  it('searches the member’s own entries, with % and _ matched literally', async () => {
    const sam = await addMember('sam');
    await createOpportunity(test.db, sam, fields('100% Remote Co'), conversation('2026-11-26T14:00:00Z'));
    await createOpportunity(test.db, sam, fields('Acme'), conversation('2026-11-26T14:00:00Z'));
    expect((await listOpportunities(test.db, sam, { q: '100%' })).map((row) => row.company)).toEqual([
      '100% Remote Co',
    ]);
    expect(await listOpportunities(test.db, sam, { q: '%' })).toHaveLength(1);
    expect(await listOpportunities(test.db, sam, { q: 'acme designer' })).toHaveLength(1);
  });

  it('deletes an entry with its conversations and touches', async () => {
    const sam = await addMember('sam');
    const id = await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T14:00:00Z'));
    expect(await deleteOpportunity(test.db, sam, id)).toBe(true);
    const left = await test.db.$client.execute(
      'SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM touches) AS n',
    );
    expect(Number(left.rows[0]!['n'])).toBe(0);
  });
});

describe('the home lists', () => {
  it('puts each entry where the playbook’s bucketOf would, with exact totals past the shown few', async () => {
    const sam = await addMember('sam', 'America/New_York');
    const now = new Date('2026-11-26T15:00:00Z');
    // 30 entries with due steps spread from 10 days ago to 20 days ahead, timed and day steps.
    for (let index = 0; index < 30; index++) {
      const id = await createOpportunity(test.db, sam, fields(`Co ${index}`), conversation('2026-11-01T15:00:00Z'));
      const dueAt = new Date(now.getTime() + (index - 10) * 86_400_000 + (index % 3) * 3_600_000);
      await test.db
        .update(opportunities)
        .set({ planState: 'step', planStep: 'thank-you', planPrecision: index % 2 ? 'time' : 'day', planDueAt: dueAt })
        .where(eq(opportunities.id, id));
    }
    const endOfToday = endOfLocalDay(localDate(now, sam.timeZone), sam.timeZone);
    const { stages, ...home } = await homeSummary(test.db, sam, now, endOfToday, { overdue: 3, today: 3, upcoming: 3 });
    expect(stages).toEqual([{ stage: 'open', planState: 'step', count: 30 }]);
    const expected = { overdue: 0, today: 0, upcoming: 0 };
    for (const item of await listDueSteps(test.db, sam)) {
      const bucket = storedBucket(item, now, sam.timeZone);
      if (bucket !== 'none') expected[bucket] += 1;
    }
    expect({
      overdue: home.overdue.count,
      today: home.today.count,
      upcoming: home.upcoming.count,
    }).toEqual(expected);
    expect(expected.overdue + expected.today + expected.upcoming).toBe(30);
    for (const [name, section] of Object.entries(home)) {
      expect(section.items.length).toBe(Math.min(3, section.count));
      for (const item of section.items) expect(storedBucket(item, now, sam.timeZone), name).toBe(name);
    }
  });
});

describe('morning reminders', () => {
  const ctx = (iso: string) =>
    testAppContext({ db: test.db, secret: SECRET, siteUrl: 'https://coach.example', now: new Date(iso) });
  const reminders = () => test.db.select().from(outbox).where(eq(outbox.kind, 'tracker-reminder'));

  it('sends one email at 8:00 in the member’s zone, never twice for the same step', async () => {
    // New York: 8:00 on Friday 27 Nov is 13:00 UTC.
    const sam = await addMember('sam', 'America/New_York');
    await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T20:00:00Z'));

    expect(await runReminders(ctx('2026-11-27T12:59:00Z'))).toBe(0);
    expect(await runReminders(ctx('2026-11-27T13:00:00Z'))).toBe(1);
    expect(await runReminders(ctx('2026-11-27T13:05:00Z'))).toBe(0);
    const [email] = await reminders();
    expect(email!.toAddress).toBe('sam@example.com');
    expect(email!.subject).toBe('Follow-up due today: Priya Shah at Northwind');
    expect(email!.text).toContain('Thank-you note to Priya Shah at Northwind');
    expect(email!.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    // The next morning the same thank-you is overdue, but it was already in a reminder.
    expect(await runReminders(ctx('2026-11-28T13:30:00Z'))).toBe(0);
    // A new entry that is due gets its own reminder the next morning, alone.
    await createOpportunity(test.db, sam, fields('Contoso'), conversation('2026-11-28T15:00:00Z'));
    expect(await runReminders(ctx('2026-11-29T13:30:00Z'))).toBe(1);
    const latest = (await reminders()).at(-1)!;
    expect(latest.text).toContain('Contoso');
    expect(latest.text).not.toContain('Northwind');
  });

  it('skips members who turned reminders off (in one click) or never confirmed their address', async () => {
    const sam = await addMember('sam', 'UTC');
    await addMember('una', 'UTC', false);
    await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T20:00:00Z'));
    await createOpportunity(test.db, { id: 'una', timeZone: 'UTC' }, fields(), conversation('2026-11-26T20:00:00Z'));

    const offLink = /https:\/\/coach\.example\/email\/off\?token=([\w.:-]+)/;
    await runReminders(ctx('2026-11-27T09:00:00Z'));
    const [email] = await reminders();
    expect(email!.toAddress).toBe('sam@example.com');
    const token = offLink.exec(email!.text)![1]!;
    expect(readEmailOffToken(SECRET, token)).toEqual({ kind: 'reminders', userId: 'sam' });
    expect(readEmailOffToken(SECRET, token + 'x')).toBeUndefined();
    expect(await turnEmailOff(test.db, 'reminders', 'sam')).toBe(true);

    await createOpportunity(test.db, sam, fields('Contoso'), conversation('2026-11-27T10:00:00Z'));
    expect(await runReminders(ctx('2026-11-28T09:00:00Z'))).toBe(0);
  });

  it('when the coach keeps reminders for Coaching, only members with Coaching (or in grace) get one', async () => {
    const free = await addMember('free', 'America/New_York');
    const paid = await addMember('paid', 'America/New_York');
    const lapsed = await addMember('lapsed', 'America/New_York');
    for (const member of [free, paid, lapsed])
      await createOpportunity(test.db, member, fields(), conversation('2026-11-26T20:00:00Z'));
    await test.db.insert(entitlements).values([
      { userId: 'paid', status: 'grace', accessUntil: new Date('2026-12-01T00:00:00Z') },
      { userId: 'lapsed', status: 'grace', accessUntil: new Date('2026-11-27T00:00:00Z') },
    ]);
    await setCoachingLimits(test.db, { reminders: true, calendar: false });
    expect(await runReminders(ctx('2026-11-27T13:00:00Z'))).toBe(1);
    expect((await reminders()).map((email) => email.toAddress)).toEqual(['paid@example.com']);

    // Open to everyone again: the others get theirs at their next run.
    await setCoachingLimits(test.db, { reminders: false, calendar: false });
    expect(await runReminders(ctx('2026-11-27T13:05:00Z'))).toBe(2);
  });

  it('claims the day once even when two instances run at the same moment', async () => {
    const sam = await addMember('sam', 'UTC');
    await createOpportunity(test.db, sam, fields(), conversation('2026-11-26T20:00:00Z'));
    const results = await Promise.all([
      runReminders(ctx('2026-11-27T09:00:00Z')),
      runReminders(ctx('2026-11-27T09:00:00Z')),
    ]);
    expect(results.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(await reminders()).toHaveLength(1);
    const [settings] = await test.db.select().from(trackerSettings);
    expect(settings!.lastReminderOn).toBe('2026-11-27');
  });
});

describe('query plans on the hot paths', () => {
  async function plan(
    query: { toSQL(): { sql: string; params: unknown[] } } | { getQuery(): { sql: string; params: unknown[] } },
    values: Record<string, unknown> = {},
  ): Promise<string> {
    const { sql, params: given } = 'toSQL' in query ? query.toSQL() : query.getQuery();
    const params = fillPlaceholders(given, values);
    const result = await test.db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args: params as never[] });
    return result.rows.map((row) => String(row['detail'])).join('\n');
  }

  it('uses an index for the tracker home, the board, one entry and the reminder scan', async () => {
    const sam: Member = { id: 'sam', timeZone: 'UTC' };
    const due = await plan(listDueSteps(test.db, sam));
    const range = await plan(dueBetweenQuery(test.db), { member: sam.id, from: 0, to: Date.now(), limit: 20 });
    expect(range).toMatch(/SEARCH opportunities USING INDEX opportunities_user_due_cover/);
    const totals = await plan(homeTotalsQuery(test.db), { member: sam.id, at: 1, dayEnd: 2, horizon: 3 });
    expect(totals).toMatch(/SEARCH opportunities USING COVERING INDEX opportunities_user_due_cover/);
    expect(due).toMatch(/SEARCH opportunities USING INDEX opportunities_user_due/);
    expect(due).not.toMatch(/SCAN opportunities/);
    // The round and the steps sent in it, per row: index lookups, never a scan.
    expect(due).toMatch(/CORRELATED SCALAR SUBQUERY \d+\nSEARCH c USING (COVERING )?INDEX conversations_opportunity/);
    expect(due).toMatch(/CORRELATED SCALAR SUBQUERY \d+\nSEARCH t USING INDEX touches_opportunity/);
    expect(due).not.toMatch(/SCAN/);

    const board = await plan(listOpportunities(test.db, sam, { q: 'north', kind: 'interview' }));
    expect(board).toMatch(/SEARCH opportunities USING INDEX opportunities_user_(due|activity)/);
    expect(board).not.toMatch(/SCAN opportunities/);

    const conversations = await test.db.$client.execute(
      "EXPLAIN QUERY PLAN SELECT * FROM conversations WHERE opportunity_id = 'x' ORDER BY at",
    );
    expect(conversations.rows.map((row) => String(row['detail'])).join('\n')).toMatch(
      /USING INDEX conversations_opportunity/,
    );
    const touches = await test.db.$client.execute(
      "EXPLAIN QUERY PLAN SELECT * FROM touches WHERE opportunity_id = 'x' ORDER BY at",
    );
    expect(touches.rows.map((row) => String(row['detail'])).join('\n')).toMatch(/USING INDEX touches_opportunity/);

    const reminderScan = await test.db.$client.execute(
      'EXPLAIN QUERY PLAN SELECT o.id FROM opportunities o JOIN users u ON u.id = o.user_id WHERE o.plan_due_at IS NOT NULL AND o.plan_due_at <= 1 AND o.archived_at IS NULL AND u.email_reminders = 1',
    );
    expect(reminderScan.rows.map((row) => String(row['detail'])).join('\n')).toMatch(
      /SEARCH o USING INDEX opportunities_due/,
    );
  });
});

/**
 * The cheat-sheet sequence as stored and sent (src/lib/marketing/sequence.server.ts): migration
 * 0011 seeds today's emails and gives each lead mid-sequence its place; an edit applies to the
 * next sends only; a lead's place survives reordering and insertion; no lead gets a step twice,
 * even with two runs at once; members keep only the steps meant for them, while their switch is on.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, prepareDatabase } from '../../db/connect.ts';
import { emailSuppressions, leads, outbox, sequenceSteps, users } from '../../db/schema.ts';
import type { AppContext } from '../../src/lib/app/context.server.ts';
import { captureLead, confirmLead } from '../../src/lib/leads/leads.server.ts';
import { updateProfile } from '../../src/lib/auth/accounts.server.ts';
import {
  addStep,
  listSteps,
  moveStep,
  runNurture,
  saveStep,
  setPaused,
  recomputeNextSends,
} from '../../src/lib/marketing/sequence.server.ts';
import { markdownProblems } from '../../src/lib/marketing/markdown-email.ts';
import { Refusal } from '../../src/lib/app/refusal.ts';
import { testAppContext } from '../setup/app-context.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const SITE = 'https://coach.example';
const DAY = 86_400_000;
const CONFIRMED = new Date('2026-11-26T09:30:00Z');
const day = (n: number, minutes = 1) => new Date(CONFIRMED.getTime() + n * DAY + minutes * 60_000);
let test: TestDatabase;
const at = (when: Date): AppContext => testAppContext({ db: test.db, siteUrl: SITE, now: when });
const sent = async (email = 'sam@example.com') =>
  (await test.db.select().from(outbox).where(eq(outbox.toAddress, email)).orderBy(outbox.id))
    .filter((row) => row.kind !== 'lead.confirm')
    .map((row) => row.campaign);
const leadOf = async (email = 'sam@example.com') =>
  (await test.db.select().from(leads).where(eq(leads.email, email)))[0]!;
const stepInput = async (id: string) => {
  const step = (await listSteps(test.db)).find((candidate) => candidate.id === id)!;
  return {
    subject: step.subject,
    preview: step.preview,
    delayDays: step.delayDays,
    bodyMarkdown: step.bodyMarkdown,
    forMembers: step.forMembers,
  };
};

beforeEach(() => {
  test = openTestDatabase();
});

async function confirmed(email = 'sam@example.com') {
  await captureLead(at(new Date(CONFIRMED.getTime() - 30 * 60_000)), { email }, 3);
  const [confirmation] = await test.db.select().from(outbox).where(eq(outbox.toAddress, email));
  const token = /confirm\?token=([\w-]+)/.exec(confirmation!.text)![1]!;
  const result = await confirmLead(at(CONFIRMED), token, 3);
  expect(result.status).toBe('confirmed');
}

describe('the seeded sequence', () => {
  it('is today’s three emails, in Markdown that passes the editor’s checks', async () => {
    const steps = await listSteps(test.db);
    expect(steps.map((s) => [s.id, s.kind, s.delayDays, s.forMembers, s.pausedAt])).toEqual([
      ['cheat-sheet', 'delivery', 0, true, null],
      ['thank-you-in-practice', 'content', 2, true, null],
      ['track-your-follow-ups', 'content', 6, false, null],
    ]);
    for (const step of steps)
      expect(markdownProblems(step.bodyMarkdown.replaceAll('](/', `](${SITE}/`)), step.id).toBeUndefined();
  });

  it('gives every lead mid-sequence its place, from the number of emails it was sent', async () => {
    // The migrations before 0011, applied to a new file, then leads an older version had.
    const folder = mkdtempSync(join(tmpdir(), 'otfu-migrations-'));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalFile = join(folder, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    const index = journal.entries.findIndex((entry) => entry.tag.startsWith('0011_'));
    expect(index).toBeGreaterThan(0);
    writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
    const file = join(mkdtempSync(join(tmpdir(), 'otfu-db-')), 'old.db');
    const old = openDatabase({ url: pathToFileURL(file).href });
    await prepareDatabase(old, folder);
    for (const [id, status, step, next] of [
      ['pending', 'pending', 0, null],
      ['sheet', 'confirmed', 1, 1_000],
      ['second', 'confirmed', 2, 2_000],
      ['done', 'confirmed', 3, null],
      ['left', 'unsubscribed', 2, null],
    ] as const)
      await old.$client.execute({
        sql: `INSERT INTO leads (id, email, status, consent_text, consent_at, nurture_step, next_nurture_at)
              VALUES (?, ?, ?, 'x', 0, ?, ?)`,
        args: [id, `${id}@example.com`, status, step, next],
      });

    await prepareDatabase(old);
    const places = (
      await old.$client.execute('SELECT id, sequence_step_id, next_nurture_at FROM leads ORDER BY id')
    ).rows.map((row) => [row['id'], row['sequence_step_id'], row['next_nurture_at']]);
    const steps = Number((await old.$client.execute('SELECT count(*) AS n FROM sequence_steps')).rows[0]!['n']);
    old.$client.close();
    expect(places).toEqual([
      ['done', 'track-your-follow-ups', null],
      ['left', 'thank-you-in-practice', null],
      ['pending', null, null],
      ['second', 'thank-you-in-practice', 2_000],
      ['sheet', 'cheat-sheet', 1_000],
    ]);
    expect(steps).toBe(3);
  });
});

describe('sending the sequence', () => {
  it('records the delivery step on confirmation and sends each next step on its day, once', async () => {
    await confirmed();
    expect(await leadOf()).toMatchObject({ sequenceStepId: 'cheat-sheet', nextNurtureAt: day(2, 0) });
    expect(await runNurture(at(day(2)))).toBe(1);
    expect(await runNurture(at(day(2, 2)))).toBe(0);
    expect(await runNurture(at(day(6)))).toBe(1);
    expect(await runNurture(at(day(30)))).toBe(0);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-thank-you-in-practice', 's-track-your-follow-ups']);
    const key = `lead-seq:${(await leadOf()).id}:thank-you-in-practice`;
    const [second] = await test.db.select().from(outbox).where(eq(outbox.idempotencyKey, key));
    expect(second).toMatchObject({ kind: 'lead.sequence', campaign: 's-thank-you-in-practice' });
    // Its own unsubscribe link, in the body and the one-click header; UTM on links to the site.
    expect(second!.text).toMatch(/https:\/\/coach\.example\/unsubscribe\?token=unsub\./);
    expect(second!.html).not.toContain('unsubscribe.invalid');
    expect(second!.headers['List-Unsubscribe']).toMatch(/^<https:\/\/coach\.example\/unsubscribe\?token=/);
    expect(second!.text).toContain(
      'https://coach.example/articles/thank-you-note-within-24-hours?utm_source=sequence&utm_medium=email&utm_campaign=s-thank-you-in-practice',
    );
  });

  it('an edit applies to the next sends only: queued emails keep their words', async () => {
    await confirmed('a@example.com');
    await runNurture(at(day(2)));
    const input = await stepInput('thank-you-in-practice');
    const saved = await saveStep(at(day(3)), 'thank-you-in-practice', {
      ...input,
      subject: 'A better thank-you note',
      bodyMarkdown: 'New words.',
    });
    expect(saved.version).toBe(2);
    const [queued] = await test.db.select().from(outbox).where(eq(outbox.campaign, 's-thank-you-in-practice'));
    expect(queued!.subject).toBe('The thank-you note, before and after');
    await confirmed('b@example.com');
    await runNurture(at(day(2)));
    const rows = await test.db.select().from(outbox).where(eq(outbox.campaign, 's-thank-you-in-practice'));
    expect(rows.map((row) => [row.toAddress, row.subject])).toEqual([
      ['a@example.com', 'The thank-you note, before and after'],
      ['b@example.com', 'A better thank-you note'],
    ]);
    expect(rows[1]!.text).toContain('New words.');
  });

  it('a lead keeps its place when steps are reordered, and is never sent a step twice', async () => {
    await confirmed();
    await runNurture(at(day(2)));
    // The day-2 email moves after the last: the lead is past it already, so nothing is sent again.
    await moveStep(at(day(3)), 'thank-you-in-practice', 'down');
    expect((await listSteps(test.db)).map((s) => s.id)).toEqual([
      'cheat-sheet',
      'track-your-follow-ups',
      'thank-you-in-practice',
    ]);
    expect(await leadOf()).toMatchObject({ sequenceStepId: 'thank-you-in-practice', nextNurtureAt: null });
    expect(await runNurture(at(day(30)))).toBe(0);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-thank-you-in-practice']);
  });

  it('a lead whose step moves back before it gets it without a second copy of any', async () => {
    await confirmed();
    await runNurture(at(day(2)));
    await moveStep(at(day(3)), 'track-your-follow-ups', 'up');
    // Now: sheet, invitation, day-2 email. The lead's place is the day-2 email, the last: done.
    expect(await runNurture(at(day(30)))).toBe(0);
    await moveStep(at(day(31)), 'track-your-follow-ups', 'down');
    // Back: the invitation is after the lead's place again, and due (day 6 is past).
    expect(await runNurture(at(day(31)))).toBe(1);
    expect(await runNurture(at(day(32)))).toBe(0);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-thank-you-in-practice', 's-track-your-follow-ups']);
  });

  it('a step added before a lead’s place is not sent to it; one added after is, on its day', async () => {
    await confirmed();
    await runNurture(at(day(2)));
    const added = await addStep(at(day(3)));
    expect(added.pausedAt).not.toBeNull();
    await saveStep(at(day(3)), added.id, {
      subject: 'One more thing',
      preview: '',
      delayDays: 10,
      bodyMarkdown: 'A tenth-day tip.',
      forMembers: true,
    });
    await setPaused(at(day(3)), added.id, false);
    const early = await addStep(at(day(3)));
    await test.db.update(sequenceSteps).set({ position: 15, pausedAt: null }).where(eq(sequenceSteps.id, early.id));
    await recomputeNextSends(test.db, day(3));
    expect((await leadOf()).nextNurtureAt).toEqual(day(6, 0));
    await runNurture(at(day(6)));
    expect(await runNurture(at(day(9)))).toBe(0);
    expect(await runNurture(at(day(10)))).toBe(1);
    expect(await sent()).toEqual([
      's-cheat-sheet',
      's-thank-you-in-practice',
      's-track-your-follow-ups',
      `s-${added.id}`,
    ]);
  });

  it('passes over a paused step, and the delivery step can be neither paused nor moved', async () => {
    await confirmed();
    await setPaused(at(day(1)), 'thank-you-in-practice', true);
    expect((await leadOf()).nextNurtureAt).toEqual(day(6, 0));
    expect(await runNurture(at(day(2)))).toBe(0);
    expect(await runNurture(at(day(6)))).toBe(1);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-track-your-follow-ups']);
    await expect(setPaused(at(day(7)), 'cheat-sheet', true)).rejects.toBeInstanceOf(Refusal);
    await expect(moveStep(at(day(7)), 'cheat-sheet', 'down')).rejects.toBeInstanceOf(Refusal);
    await expect(moveStep(at(day(7)), 'thank-you-in-practice', 'up')).rejects.toBeInstanceOf(Refusal);
    await expect(setPaused(at(day(7)), 'no-such-step', true)).rejects.toBeInstanceOf(Refusal);
    expect((await listSteps(test.db)).find((s) => s.id === 'cheat-sheet')!.pausedAt).toBeNull();
  });

  it('two runs at once queue each email once', async () => {
    for (const n of [1, 2, 3, 4, 5]) await confirmed(`p${n}@example.com`);
    const counts = await Promise.all([runNurture(at(day(2))), runNurture(at(day(2))), runNurture(at(day(2)))]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
    const rows = await test.db.select().from(outbox).where(eq(outbox.kind, 'lead.sequence'));
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((row) => row.idempotencyKey)).size).toBe(5);
  });

  it('skips an address that bounced or complained, and takes it out of the sequence', async () => {
    await confirmed();
    await test.db.insert(emailSuppressions).values({ email: 'sam@example.com', reason: 'bounce' });
    expect(await runNurture(at(day(2)))).toBe(0);
    expect(await leadOf()).toMatchObject({ sequenceStepId: 'cheat-sheet', nextNurtureAt: null });
    expect(await sent()).toEqual(['s-cheat-sheet']);
  });
});

describe('members', () => {
  async function becomesMember(email: string, sequenceOn = true) {
    await test.db.insert(users).values({ id: `u-${email}`, email, passwordHash: 'x', emailSequence: sequenceOn });
    await test.db
      .update(leads)
      .set({ userId: `u-${email}` })
      .where(eq(leads.email, email));
    await recomputeNextSends(test.db, day(1), email);
  }

  it('get the steps meant for members, once, and not the sign-up invitation', async () => {
    await confirmed();
    await becomesMember('sam@example.com');
    expect((await leadOf()).nextNurtureAt).toEqual(day(2, 0));
    expect(await runNurture(at(day(2)))).toBe(1);
    expect(await runNurture(at(day(30)))).toBe(0);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-thank-you-in-practice']);
    const [row] = await test.db.select().from(outbox).where(eq(outbox.kind, 'lead.sequence'));
    expect(row!.userId).toBe('u-sam@example.com');
  });

  it('with the series switched off get nothing more', async () => {
    await confirmed();
    await becomesMember('sam@example.com', false);
    expect((await leadOf()).nextNurtureAt).toBeNull();
    expect(await runNurture(at(day(30)))).toBe(0);
    // Switched off after their next send was worked out: the run takes them out.
    await test.db.update(users).set({ emailSequence: true });
    await recomputeNextSends(test.db, day(1));
    await test.db.update(users).set({ emailSequence: false });
    expect(await runNurture(at(day(30)))).toBe(0);
    expect((await leadOf()).nextNurtureAt).toBeNull();
    expect(await sent()).toEqual(['s-cheat-sheet']);
  });

  it('who switch the series back on on their account page get its next email again', async () => {
    await confirmed();
    await becomesMember('sam@example.com', false);
    expect((await leadOf()).nextNurtureAt).toBeNull();
    const [member] = await test.db.select().from(users).where(eq(users.email, 'sam@example.com'));
    await updateProfile(test.db, member!.id, { ...member!, emailSequence: true }, day(1));
    expect((await leadOf()).nextNurtureAt).toEqual(day(2, 0));
    expect(await runNurture(at(day(2)))).toBe(1);
    expect(await sent()).toEqual(['s-cheat-sheet', 's-thank-you-in-practice']);
  });
});

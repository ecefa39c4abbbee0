import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { leads, outbox } from '../../db/schema.ts';
import {
  ADDRESS_EMAILS_PER_DAY,
  captureLead,
  checkDownloadToken,
  confirmLead,
  unsubscribeLead,
} from '../../src/lib/leads/leads.server.ts';
import { runNurture } from '../../src/lib/marketing/sequence.server.ts';
import type { AppContext } from '../../src/lib/app/context.server.ts';
import { testAppContext } from '../setup/app-context.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
/** The PDF's page count as the server would pass it (any count: the delivery email must state it). */
const SHEET_PAGES = 3;
let test: TestDatabase;
const context = (iso: string): AppContext =>
  testAppContext({
    db: test.db,
    secret: SECRET,
    siteUrl: 'https://coach.example',
    now: new Date(iso),
  });
const mail = () => test.db.select().from(outbox).orderBy(outbox.id);
const allLeads = () => test.db.select().from(leads);
const tokenFrom = (text: string, path: string) =>
  new URL(new RegExp(`https://coach\\.example${path}\\?token=[\\w.-]+`).exec(text)![0]).searchParams.get('token')!;

beforeEach(() => {
  test = openTestDatabase();
});

async function captureAndConfirm(email = 'sam@example.com') {
  await captureLead(
    context('2026-11-26T09:00:00Z'),
    {
      email,
      sourcePath: '/articles/x',
      sourceArticle: 'x',
      utmSource: 'newsletter',
    },
    SHEET_PAGES,
  );
  const confirmation = (await mail()).at(-1)!;
  return confirmLead(
    context('2026-11-26T09:30:00Z'),
    tokenFrom(confirmation.text, '/cheat-sheet/confirm'),
    SHEET_PAGES,
  );
}

describe('capturing an address', () => {
  it('creates one pending lead with its source and consent, and queues a confirmation', async () => {
    await captureLead(
      context('2026-11-26T09:00:00Z'),
      {
        email: 'sam@example.com',
        sourcePath: '/articles/x',
        sourceArticle: 'x',
        utmSource: 'newsletter',
        utmCampaign: 'autumn',
      },
      SHEET_PAGES,
    );
    const [lead] = await allLeads();
    expect(lead).toMatchObject({
      email: 'sam@example.com',
      status: 'pending',
      sourcePath: '/articles/x',
      sourceArticle: 'x',
      utmSource: 'newsletter',
      utmCampaign: 'autumn',
      nurtureStep: 0,
    });
    expect(lead!.consentText).toMatch(/Interview Success Cheat Sheet/);
    const [message] = await mail();
    expect(message).toMatchObject({ kind: 'lead.confirm', toAddress: 'sam@example.com', status: 'pending' });
    expect(message!.text).toContain('https://coach.example/cheat-sheet/confirm?token=');
    expect(message!.headers).toEqual({});
  });

  it('never makes a second lead or floods the inbox when the same address is sent again', async () => {
    for (let i = 0; i < 5; i++)
      await captureLead(context('2026-11-26T09:00:00Z'), { email: 'sam@example.com' }, SHEET_PAGES);
    expect(await allLeads()).toHaveLength(1);
    expect(await mail()).toHaveLength(1);

    // After a pause a new confirmation may go, up to the daily cap.
    for (let minute = 10; minute <= 60; minute += 10)
      await captureLead(
        context(`2026-11-26T09:${String(minute % 60).padStart(2, '0')}:00Z`.replace('T09:00', 'T10:00')),
        { email: 'sam@example.com' },
        SHEET_PAGES,
      );
    expect((await mail()).length).toBe(ADDRESS_EMAILS_PER_DAY);
    expect(await allLeads()).toHaveLength(1);
  });

  it('sends a confirmed lead a fresh download link instead of a confirmation', async () => {
    await captureAndConfirm();
    await captureLead(context('2026-11-27T09:00:00Z'), { email: 'sam@example.com' }, SHEET_PAGES);
    const last = (await mail()).at(-1)!;
    expect(last.kind).toBe('lead.delivery');
    expect(last.text).toContain('https://coach.example/cheat-sheet/download?token=');
    expect(last.text).toContain('The PDF is three pages.');
    expect((await allLeads())[0]!.status).toBe('confirmed');
  });
});

describe('confirming', () => {
  it('confirms once, queues the sheet with one-click unsubscribe headers, and starts the nurture', async () => {
    const result = await captureAndConfirm();
    expect(result.status).toBe('confirmed');
    const [lead] = await allLeads();
    expect(lead).toMatchObject({ status: 'confirmed', nurtureStep: 1, confirmTokenHash: null });
    expect(lead!.nextNurtureAt).toEqual(new Date('2026-11-28T09:30:00Z'));
    const delivery = (await mail()).at(-1)!;
    expect(delivery.kind).toBe('lead.delivery');
    expect(delivery.headers['List-Unsubscribe']).toMatch(/^<https:\/\/coach\.example\/unsubscribe\?token=unsub\./);
    expect(delivery.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(delivery.text).toContain('https://coach.example/unsubscribe?token=');
  });

  it('refuses a used, unknown, malformed or expired link', async () => {
    await captureLead(context('2026-11-26T09:00:00Z'), { email: 'sam@example.com' }, SHEET_PAGES);
    const token = tokenFrom((await mail())[0]!.text, '/cheat-sheet/confirm');
    expect((await confirmLead(context('2026-11-28T09:00:01Z'), token, SHEET_PAGES)).status).toBe('expired');
    expect((await confirmLead(context('2026-11-26T10:00:00Z'), token, SHEET_PAGES)).status).toBe('confirmed');
    expect((await confirmLead(context('2026-11-26T10:00:01Z'), token, SHEET_PAGES)).status).toBe('invalid');
    expect((await confirmLead(context('2026-11-26T10:00:01Z'), 'x'.repeat(43), SHEET_PAGES)).status).toBe('invalid');
    expect((await confirmLead(context('2026-11-26T10:00:01Z'), "'; DROP TABLE leads; --", SHEET_PAGES)).status).toBe(
      'invalid',
    );
    expect(await allLeads()).toHaveLength(1);
  });
});

describe('download links', () => {
  it('work for seven days for a confirmed lead and not after, nor when tampered with', async () => {
    const result = await captureAndConfirm();
    if (result.status !== 'confirmed') throw new Error('not confirmed');
    const token = new URL(result.downloadUrl).searchParams.get('token')!;
    expect((await checkDownloadToken(context('2026-12-03T09:00:00Z'), token)).status).toBe('ok');
    expect((await checkDownloadToken(context('2026-12-03T10:00:00Z'), token)).status).toBe('expired');
    const tampered = token.replace(/\.[^.]+\./, '.zzzzzzz.');
    expect((await checkDownloadToken(context('2026-11-27T09:00:00Z'), tampered)).status).toBe('invalid');
    expect(
      (
        await checkDownloadToken(
          { ...context('2026-11-27T09:00:00Z'), secret: 'another-secret-another-secret-another' },
          token,
        )
      ).status,
    ).toBe('invalid');
  });
});

describe('the nurture sequence', () => {
  it('queues the second email two days in and the third six days in, each once', async () => {
    await captureAndConfirm();
    expect(await runNurture(context('2026-11-28T09:00:00Z'))).toBe(0);
    expect(await runNurture(context('2026-11-28T09:31:00Z'))).toBe(1);
    expect(await runNurture(context('2026-11-28T09:32:00Z'))).toBe(0);
    expect(await runNurture(context('2026-12-02T09:31:00Z'))).toBe(1);
    expect(await runNurture(context('2026-12-20T00:00:00Z'))).toBe(0);
    const kinds = (await mail()).map((m) => `${m.kind}:${m.subject}`);
    expect(kinds).toEqual([
      'lead.confirm:Confirm your email to get the cheat sheet',
      'lead.delivery:Your Interview Success Cheat Sheet',
      'lead.sequence:The thank-you note, before and after',
      'lead.sequence:Track every follow-up in one place',
    ]);
    expect((await mail()).map((m) => m.campaign)).toEqual([
      null,
      's-cheat-sheet',
      's-thank-you-in-practice',
      's-track-your-follow-ups',
    ]);
    expect((await allLeads())[0]).toMatchObject({
      nurtureStep: 3,
      sequenceStepId: 'track-your-follow-ups',
      nextNurtureAt: null,
    });
  });

  it('two instances running it at once queue each email once', async () => {
    await captureAndConfirm();
    const counts = await Promise.all([
      runNurture(context('2026-11-28T10:00:00Z')),
      runNurture(context('2026-11-28T10:00:00Z')),
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await mail()).filter((m) => m.kind === 'lead.sequence')).toHaveLength(1);
  });

  it('stops for a lead whose member account is gone', async () => {
    await captureAndConfirm();
    await test.db.update(leads).set({ userId: 'user-1' }).where(eq(leads.email, 'sam@example.com'));
    expect(await runNurture(context('2026-12-20T00:00:00Z'))).toBe(0);
  });
});

describe('unsubscribing', () => {
  it('stops marketing email at once, cancels what is queued, and is idempotent', async () => {
    await captureAndConfirm();
    const delivery = (await mail()).at(-1)!;
    const token = tokenFrom(delivery.text, '/unsubscribe');
    expect(await unsubscribeLead(context('2026-11-27T00:00:00Z'), token)).toEqual({
      status: 'unsubscribed',
      email: 'sam@example.com',
    });
    expect(await unsubscribeLead(context('2026-11-28T00:00:00Z'), token)).toEqual({
      status: 'unsubscribed',
      email: 'sam@example.com',
    });
    const [lead] = await allLeads();
    expect(lead).toMatchObject({
      status: 'unsubscribed',
      nextNurtureAt: null,
      unsubscribedAt: new Date('2026-11-27T00:00:00Z'),
    });
    expect((await mail()).at(-1)).toMatchObject({ status: 'failed', lastError: 'cancelled: unsubscribed' });
    expect(await runNurture(context('2026-12-20T00:00:00Z'))).toBe(0);
  });

  it('refuses a forged token', async () => {
    await captureAndConfirm();
    expect((await unsubscribeLead(context('2026-11-27T00:00:00Z'), 'unsub.abc.0.forged')).status).toBe('invalid');
    expect((await allLeads())[0]!.status).toBe('confirmed');
  });

  it('asking again after unsubscribing starts a new double opt-in', async () => {
    await captureAndConfirm();
    await unsubscribeLead(context('2026-11-27T00:00:00Z'), tokenFrom((await mail()).at(-1)!.text, '/unsubscribe'));
    await captureLead(context('2026-11-28T00:00:00Z'), { email: 'sam@example.com' }, SHEET_PAGES);
    expect((await allLeads())[0]!.status).toBe('pending');
    expect((await mail()).at(-1)!.kind).toBe('lead.confirm');
  });
});

import { describe, expect, it } from 'vitest';
import {
  cheatSheetDeliveryEmail,
  confirmCheatSheetEmail,
  thankYouInPracticeEmail,
  trackYourFollowUpsEmail,
  type EmailContent,
} from '../../src/lib/email/messages.server';

const siteUrl = 'https://follow.example';
const unsubscribeUrl = `${siteUrl}/unsubscribe?token=u-123&list=cheat-sheet`;
const confirmUrl = `${siteUrl}/cheat-sheet/confirm?token=c-456&lead=9`;
const downloadUrl = `${siteUrl}/cheat-sheet/download?token=d-789&expires=1790000000`;
const cheatSheetUrl = `${siteUrl}/cheat-sheet`;
const articleUrl = `${siteUrl}/articles/thank-you-note-within-24-hours`;
const signupUrl = `${siteUrl}/signup?from=cheat-sheet&step=3`;

/** How React writes a value into an attribute. */
function attr(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#x27;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

function expectWellFormed(email: EmailContent): void {
  expect(email.subject.trim()).not.toBe('');
  expect(email.subject.length).toBeLessThanOrEqual(60);
  expect(email.subject).not.toMatch(/\p{Extended_Pictographic}/u);
  expect(email.subject).not.toMatch(/!/);
  expect(email.html.startsWith('<!DOCTYPE')).toBe(true);
  expect(email.html).toContain('<html dir="ltr" lang="en"');
  expect(email.html).toContain('Own the Follow-Up');
  expect(email.html).toContain(`href="${attr(siteUrl)}"`);
  expect(email.html).not.toContain('<script');
  expect(email.text.trim()).not.toBe('');
  expect(email.text).not.toMatch(/<\/?[a-z!][^>]*>/i);
  expect(email.text).not.toContain('&amp;');
  expect(email.text).toContain('Own the Follow-Up');
  // The hidden inbox preview is for the HTML part only.
  expect(email.text).not.toMatch(/[\u200b-\u200f\ufeff]/);
}

function expectLink(email: EmailContent, url: string): void {
  expect(email.html).toContain(`href="${attr(url)}"`);
  expect(email.text).toContain(url);
}

function expectUnsubscribe(email: EmailContent): void {
  expectLink(email, unsubscribeUrl);
  expect(email.html).toMatch(/>\s*Unsubscribe\s*<\/a>/);
  expect(email.text).toContain('Unsubscribe');
}

describe('confirmCheatSheetEmail', () => {
  it('asks for one click to confirm, says when the link expires and carries no unsubscribe link', async () => {
    const email = await confirmCheatSheetEmail({ siteUrl, confirmUrl, expiresInHours: 48 });
    expectWellFormed(email);
    expectLink(email, confirmUrl);
    expect(email.html).toContain('Confirm and get the cheat sheet');
    for (const part of [email.html, email.text]) {
      expect(part).toContain('48 hours');
      expect(part).toContain('If you did not ask for this, ignore this email — you will not hear from us again.');
      expect(part).toContain('because');
      expect(part).not.toMatch(/unsubscribe/i);
    }
    // The text part gives the button's label and then the full address on its own line.
    expect(email.text).toContain(`Confirm and get the cheat sheet:\n${confirmUrl}\n`);
  });

  it('says "1 hour" rather than "1 hours"', async () => {
    const email = await confirmCheatSheetEmail({ siteUrl, confirmUrl, expiresInHours: 1 });
    expect(email.text).toContain('expires in 1 hour.');
  });
});

describe('cheatSheetDeliveryEmail', () => {
  it('links the download, says when it expires and where to get a fresh link, and can be unsubscribed from', async () => {
    const email = await cheatSheetDeliveryEmail({
      siteUrl,
      downloadUrl,
      expiresInDays: 7,
      cheatSheetUrl,
      unsubscribeUrl,
      sheetPages: 4,
    });
    expectWellFormed(email);
    expectLink(email, downloadUrl);
    expectLink(email, cheatSheetUrl);
    expectUnsubscribe(email);
    expect(email.text).toContain(`Download the cheat sheet (PDF):\n${downloadUrl}\n`);
    for (const part of [email.html, email.text]) expect(part).toContain('7 days');
    expect(email.text).toContain('every follow-up on four pages,');
  });
});

describe('thankYouInPracticeEmail', () => {
  it('works through a before and after note, links the article and can be unsubscribed from', async () => {
    const email = await thankYouInPracticeEmail({ siteUrl, articleUrl, unsubscribeUrl });
    expectWellFormed(email);
    expectLink(email, articleUrl);
    expectUnsubscribe(email);
    expect(email.text).toMatch(/Before:/);
    expect(email.text).toMatch(/After:/);
    expect(email.text).toContain('24 hours');
  });
});

describe('trackYourFollowUpsEmail', () => {
  it('invites the reader to sign up for the tracker and can be unsubscribed from', async () => {
    const email = await trackYourFollowUpsEmail({ siteUrl, signupUrl, unsubscribeUrl });
    expectWellFormed(email);
    expectLink(email, signupUrl);
    expectUnsubscribe(email);
    for (const phrase of ['due today', 'cheat-sheet templates', 'by email']) expect(email.text).toContain(phrase);
  });
});

describe('escaping', () => {
  const hostile = `${siteUrl}/x?a="><script>alert(1)</script>&b='1'`;

  it('escapes hostile URLs in every template, so they stay inside their attribute and text', async () => {
    const emails = await Promise.all([
      confirmCheatSheetEmail({ siteUrl: hostile, confirmUrl: hostile, expiresInHours: 24 }),
      cheatSheetDeliveryEmail({
        siteUrl: hostile,
        downloadUrl: hostile,
        expiresInDays: 7,
        cheatSheetUrl: hostile,
        unsubscribeUrl: hostile,
        sheetPages: 2,
      }),
      thankYouInPracticeEmail({ siteUrl: hostile, articleUrl: hostile, unsubscribeUrl: hostile }),
      trackYourFollowUpsEmail({ siteUrl: hostile, signupUrl: hostile, unsubscribeUrl: hostile }),
    ]);
    for (const email of emails) {
      expect(email.html).not.toContain('<script');
      expect(email.html).not.toContain('"><script');
      expect(email.html).toContain('&quot;&gt;&lt;script&gt;alert(1)');
      expect(email.html).toContain(`href="${attr(hostile)}"`);
      // The text part is plain text: the address appears as written, in full.
      expect(email.text).toContain(hostile);
    }
  });

  it('rejects addresses that are not absolute http(s) URLs', async () => {
    await expect(
      confirmCheatSheetEmail({ siteUrl, confirmUrl: 'javascript:alert(1)', expiresInHours: 48 }),
    ).rejects.toThrow(/confirmUrl/);
    await expect(trackYourFollowUpsEmail({ siteUrl: '/relative', signupUrl, unsubscribeUrl })).rejects.toThrow(
      /siteUrl/,
    );
    await expect(
      cheatSheetDeliveryEmail({ siteUrl, downloadUrl, expiresInDays: 0, cheatSheetUrl, unsubscribeUrl, sheetPages: 4 }),
    ).rejects.toThrow(/expiresInDays/);
  });
});

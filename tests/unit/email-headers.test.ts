/**
 * No email header is ever built from a value holding a line break: whatever a member typed (a
 * name, a company), whatever a legacy row or an import holds, a message's Subject, To and extra
 * headers go out on one line, or the message is refused. Property tests over every message
 * messages.ts builds and over the function every header value passes through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as messages from '../../src/lib/email/messages.server';
import { EmailHeaderError, headerValue, headerValues } from '../../src/lib/email/headers.server';
import { EmailDeliveryError, localTransport, outgoing } from '../../src/lib/email/transport.server';

/** Anything that could end a header line or hide in one. */
const BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const INJECTIONS = [
  'Bob\r\nBcc: victim@example.com',
  'Bob\nBcc: victim@example.com',
  'Bob\rBcc: victim@example.com',
  '\r\n\r\n<html>body</html>',
  'Acme\u0000',
  'Acme\u0085Bcc: victim@example.com',
  'Acme\u2028Bcc: victim@example.com',
  'Acme\tInc',
  '=?utf-8?q?a=0D=0ABcc:_x?=',
];

/** Text as members type it and as attackers send it: injections, control characters, anything. */
const typed = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\r', '\n', '\t', '\u0000', '\u2028', ':'), maxLength: 30 }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
const url = fc.constantFrom(
  'https://follow.example/tracker',
  'https://follow.example/a?b=c&d=%0D%0A',
  'http://localhost:4321/x',
);
const count = fc.integer({ min: 1, max: 400 });

/** Inputs for each message builder; every builder messages.ts exports must have a row. */
const BUILDERS: Record<string, { input: fc.Arbitrary<unknown>; runs: number }> = {
  confirmCheatSheetEmail: { input: fc.record({ siteUrl: url, confirmUrl: url, expiresInHours: count }), runs: 3 },
  cheatSheetDeliveryEmail: {
    input: fc.record({
      siteUrl: url,
      downloadUrl: url,
      expiresInDays: count,
      cheatSheetUrl: url,
      unsubscribeUrl: url,
      sheetPages: count,
    }),
    runs: 3,
  },
  thankYouInPracticeEmail: { input: fc.record({ siteUrl: url, articleUrl: url, unsubscribeUrl: url }), runs: 3 },
  trackYourFollowUpsEmail: { input: fc.record({ siteUrl: url, signupUrl: url, unsubscribeUrl: url }), runs: 3 },
  marketingEmail: {
    input: fc.record({
      siteUrl: url,
      subject: typed,
      preview: typed,
      bodyMarkdown: fc.constant('Hello **there**.'),
      campaign: fc.constant('b-abc'),
      source: fc.constantFrom('newsletter', 'sequence'),
      reason: typed,
      sender: fc.record({ postalAddress: typed, footerNote: typed }),
    }),
    runs: 40,
  },
  verifyEmailEmail: { input: fc.record({ siteUrl: url, url }), runs: 3 },
  passwordResetEmail: { input: fc.record({ siteUrl: url, url }), runs: 3 },
  loginLinkEmail: { input: fc.record({ siteUrl: url, url }), runs: 3 },
  reminderDigestEmail: {
    input: fc.record({
      siteUrl: url,
      trackerUrl: url,
      offUrl: url,
      items: fc.array(fc.record({ step: typed, who: typed, due: typed, reason: typed, url, overdue: fc.boolean() }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    runs: 40,
  },
  replyNotificationEmail: {
    input: fc.record({ siteUrl: url, replierName: typed, replyText: typed, url, offUrl: url }),
    runs: 40,
  },
  paymentFailedEmail: {
    input: fc.record({
      siteUrl: url,
      accountUrl: url,
      graceDays: count,
      invoiceUrl: fc.option(url, { nil: undefined }),
    }),
    runs: 3,
  },
  duplicateRefundedEmail: {
    input: fc.record({
      siteUrl: url,
      accountUrl: url,
      interval: fc.option(fc.constantFrom('month', 'year'), { nil: undefined }),
    }),
    runs: 3,
  },
  reviewAnsweredEmail: {
    input: fc.record({ siteUrl: url, coachName: typed, company: typed, comment: typed, url }),
    runs: 40,
  },
};

type Builder = (input: unknown) => Promise<messages.EmailContent>;

describe('the messages messages.ts builds', () => {
  it('are all covered here', () => {
    const builders = Object.entries(messages)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(builders.sort(), 'add a row to BUILDERS for each new message').toEqual(Object.keys(BUILDERS).sort());
  });

  it.each(Object.entries(BUILDERS))(
    '%s: the subject is one line, whatever its inputs',
    async (name, { input, runs }) => {
      const build = (messages as unknown as Record<string, Builder>)[name]!;
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          const email = await build(value);
          expect(email.subject).not.toMatch(BREAKING);
          expect(email.subject).toBe(email.subject.trim());
        }),
        { numRuns: runs, seed: 20_260_514 },
      );
    },
    60_000,
  );

  it('quotes the name a member typed without the header it tried to add', async () => {
    const email = await messages.replyNotificationEmail({
      siteUrl: 'https://follow.example',
      replierName: 'Bob\r\nBcc: victim@example.com',
      replyText: 'Hi',
      url: 'https://follow.example/articles/a/comments#c-1',
      offUrl: 'https://follow.example/email/off?token=x',
    });
    expect(email.subject).toBe('Bob Bcc: victim@example.com replied to your comment');
  });
});

describe('headerValue', () => {
  it('puts any value on one line, and leaves one-line values as they were', () => {
    fc.assert(
      fc.property(typed, (value) => {
        const cleaned = headerValue('Subject', value);
        expect(cleaned).not.toMatch(BREAKING);
        if (!BREAKING.test(value)) expect(cleaned).toBe(value.trim());
        expect(headerValue('Subject', cleaned)).toBe(cleaned);
      }),
      { numRuns: 500, seed: 20_260_514 },
    );
  });

  it.each(['To', 'From', 'Reply-To', 'cc', 'BCC'])(
    'refuses an address in %s with a line break rather than change it',
    (name) => {
      for (const value of [
        'a@example.com\r\nBcc: victim@example.com',
        'a@example.com\n',
        'a\u0000@example.com',
        'a@example.com\u2028',
      ])
        expect(() => headerValue(name, value)).toThrow(EmailHeaderError);
      expect(headerValue(name, ' Coach <coach@example.com> ')).toBe('Coach <coach@example.com>');
    },
  );

  it('refuses a header name that is not one', () => {
    for (const name of ['', 'X-A: b', 'X\r\nBcc', 'Sübject', 'A B'])
      expect(() => headerValues({ [name]: 'x' })).toThrow(EmailHeaderError);
    expect(headerValues({ 'List-Unsubscribe': '<https://x.example/off?a=1>\r\nBcc: v@example.com' })).toEqual({
      'List-Unsubscribe': '<https://x.example/off?a=1> Bcc: v@example.com',
    });
  });
});

describe('what a transport sends', () => {
  const email = {
    from: 'Coach <coach@example.com>',
    to: 'reader@example.com',
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi\r\n\r\nBye',
    headers: {},
  };

  it('has every header on one line, and the body as it was', () => {
    fc.assert(
      fc.property(typed, typed, (subject, unsubscribe) => {
        const sent = outgoing({ ...email, subject, headers: { 'List-Unsubscribe': unsubscribe } });
        for (const value of [sent.from, sent.to, sent.subject, ...Object.values(sent.headers)])
          expect(value).not.toMatch(BREAKING);
        expect(sent.text).toBe(email.text);
      }),
      { numRuns: 300, seed: 20_260_514 },
    );
  });

  it('refuses for good a message to an address with a line break, in every transport', async () => {
    const bad = { ...email, to: 'reader@example.com\r\nBcc: victim@example.com' };
    expect(() => outgoing(bad)).toThrow(EmailDeliveryError);
    await expect(localTransport.send(bad, 'k')).rejects.toMatchObject({ retryable: false });
  });
});

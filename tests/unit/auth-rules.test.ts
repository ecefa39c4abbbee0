import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { profileSchema, safeReturnPath, signUpSchema } from '../../src/lib/auth/auth-form';
import { isCrossSiteRefused } from '../../src/lib/http/csrf';
import { csvCell, csvRow } from '../../src/lib/data/csv';
import { signToken, verifyToken } from '../../src/lib/auth/tokens.server';
import { canonicalTimeZone, timeZoneChoices } from '../../src/lib/time/time-zones';
import { hostileReturnPath, readsAsThisSite, REVIEWED_RETURN_PATHS, SITE } from '../fixtures/hostile-return-paths';

describe('safeReturnPath', () => {
  it.each([
    ['/tracker', '/tracker'],
    ['/articles/x?ref=1#top', '/articles/x?ref=1#top'],
    [null, '/account'],
    ['', '/account'],
    ['https://evil.example/', '/account'],
    ['//evil.example/path', '/account'],
    ['/\\evil.example', '/account'],
    ['javascript:alert(1)', '/account'],
    ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
    ['/\nhttps://evil', '/account'],
    ['x'.repeat(600), '/account'],
  ])('%j → %s', (next, expected) => {
    expect(safeReturnPath(next)).toBe(expected);
  });

  it.each(REVIEWED_RETURN_PATHS)('%j comes back as a path on this site, not another host', (next) => {
    expect(readsAsThisSite(safeReturnPath(next))).toBe(true);
  });

  it('whatever `next` holds, gives a path on this site that it would give back unchanged', () => {
    fc.assert(
      fc.property(hostileReturnPath, (next) => {
        const path = safeReturnPath(next);
        expect(readsAsThisSite(path), `${JSON.stringify(next)} → ${JSON.stringify(path)}`).toBe(true);
        expect(safeReturnPath(path)).toBe(path);
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps an ordinary path, query and fragment where a browser would have gone', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 5 }),
        fc.webQueryParameters(),
        fc.webFragments(),
        (parts, query, hash) => {
          const next = `/${parts.join('/')}${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`;
          expect(new URL(safeReturnPath(next), SITE).href).toBe(new URL(next, SITE).href);
        },
      ),
    );
  });
});

describe('sign-up rules', () => {
  const valid = {
    name: 'Alex',
    email: 'Alex@Example.com',
    password: 'a long enough phrase',
    timeZone: 'Europe/London',
  };
  it('normalises the address and defaults the time zone', () => {
    expect(signUpSchema.parse({ ...valid, timeZone: null })).toEqual({
      ...valid,
      email: 'alex@example.com',
      timeZone: 'UTC',
    });
  });
  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['the email as password', { email: 'alex@example.com', password: 'ALEX@EXAMPLE.COM' }, 'password'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a bad address', { email: 'alex@' }, 'email'],
    ['a very long name', { name: 'n'.repeat(81) }, 'name'],
  ])('refuses %s', (_name, change, field) => {
    const result = signUpSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path[0])).toContain(field);
  });
});

describe('time zone names', () => {
  const valid = { email: 'alex@example.com', password: 'a long enough phrase' };
  it.each([
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Europe/Berlin', 'Europe/Berlin'],
  ])('accepts %s at sign-up and in the profile, stored as %s', (given, stored) => {
    expect(signUpSchema.parse({ ...valid, timeZone: given }).timeZone).toBe(stored);
    expect(profileSchema.parse({ timeZone: given }).timeZone).toBe(stored);
  });
  it('lists each zone once, by its current name, UTC first', () => {
    const choices = timeZoneChoices();
    expect(choices[0]).toBe('UTC');
    expect(choices).toContain('Asia/Kolkata');
    expect(choices).toContain('Europe/Kyiv');
    expect(choices).not.toContain('Asia/Calcutta');
    expect(choices).not.toContain('Europe/Kiev');
    expect(new Set(choices).size).toBe(choices.length);
  });
  it('reads the old name a browser may report as the current one', () => {
    expect(canonicalTimeZone('Asia/Calcutta')).toBe('Asia/Kolkata');
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  });
});

describe('isCrossSiteRefused', () => {
  const request = (method: string, path: string, headers: Record<string, string>) => ({
    method,
    url: new URL(`https://coach.example${path}`),
    headers: new Headers(headers),
  });
  it.each([
    ['a GET from anywhere', request('GET', '/x', { origin: 'https://evil.example' }), false],
    ['a POST from our origin', request('POST', '/x', { origin: 'https://coach.example' }), false],
    ['a POST from another origin', request('POST', '/x', { origin: 'https://evil.example' }), true],
    ['a POST with Origin null', request('POST', '/x', { origin: 'null' }), true],
    ['a POST with only Sec-Fetch-Site same-origin', request('POST', '/x', { 'sec-fetch-site': 'same-origin' }), false],
    ['a POST with Sec-Fetch-Site cross-site', request('POST', '/x', { 'sec-fetch-site': 'cross-site' }), true],
    ['a POST with only our Referer', request('POST', '/x', { referer: 'https://coach.example/page' }), false],
    ['a POST with a foreign Referer', request('POST', '/x', { referer: 'https://evil.example/page' }), true],
    ['a POST with nothing to go on', request('POST', '/x', {}), true],
    ['a DELETE from another origin', request('DELETE', '/x', { origin: 'https://evil.example' }), true],
    ['the one-click unsubscribe from a mail provider', request('POST', '/unsubscribe', {}), false],
    ['a Stripe webhook', request('POST', '/api/stripe/webhook', {}), false],
    ['a Resend webhook', request('POST', '/api/resend/webhook', {}), false],
    // The exemption is for those paths' own handlers: Astro runs an Action on any path.
    ['an Action posted to /unsubscribe', request('POST', '/unsubscribe?_action=auth.login', {}), true],
    [
      'an Action posted to /email/off from another origin',
      request('POST', '/email/off?token=x&_action=auth.signup', { origin: 'https://evil.example' }),
      true,
    ],
    ['an Action posted to the webhook path', request('POST', '/api/stripe/webhook?_action=auth.logout', {}), true],
  ])('%s → refused: %s', (_name, req, refused) => {
    expect(isCrossSiteRefused(req)).toBe(refused);
  });
  it('trusts the configured public origin behind a proxy', () => {
    expect(
      isCrossSiteRefused(request('POST', '/x', { origin: 'https://www.coach.example' }), ['https://www.coach.example']),
    ).toBe(false);
  });
});

describe('CSV cells', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['+1', '"\'+1"'],
    ['@cmd', '"\'@cmd"'],
    [null, '""'],
    [new Date('2026-11-26T10:00:00Z'), '"2026-11-26T10:00:00.000Z"'],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
  it('ends rows with CRLF', () => {
    expect(csvRow(['a', 1])).toBe('"a","1"\r\n');
  });
});

describe('signed tokens', () => {
  const secret = 'k'.repeat(40);
  it('round-trips, expires, and refuses tampering, another purpose or another key', () => {
    const token = signToken(secret, 'dl', 'lead123', new Date('2026-12-01T00:00:00Z'));
    expect(verifyToken(secret, 'dl', token, new Date('2026-11-30T00:00:00Z'))).toEqual({ ok: true, data: 'lead123' });
    expect(verifyToken(secret, 'dl', token, new Date('2026-12-02T00:00:00Z'))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(verifyToken(secret, 'unsub', token).ok).toBe(false);
    expect(verifyToken('x'.repeat(40), 'dl', token).ok).toBe(false);
    expect(verifyToken(secret, 'dl', token.replace('lead123', 'lead124')).ok).toBe(false);
    expect(verifyToken(secret, 'dl', 'garbage').ok).toBe(false);
  });
  it('never-expiring tokens stay valid', () => {
    expect(verifyToken(secret, 'unsub', signToken(secret, 'unsub', 'abc'), new Date('2099-01-01')).ok).toBe(true);
  });
});

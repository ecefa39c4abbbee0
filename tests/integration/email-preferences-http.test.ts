/**
 * A member's choice of emails through HTTP on the built server: the "Emails you receive" part of
 * /account with its four switches (the newsletter and the cheat-sheet series among them), saved by
 * the profile Action and refused with a message for anything but a tick or nothing; the one-click
 * links that stop the newsletter and the series without signing in; and the export showing them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/lib/auth/tokens.server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { TEST_APP_SECRET } from '../setup/built-server.ts';
import { useMemberServer, withoutStylesAndScripts as visible } from '../setup/member-site.ts';

const { sql, base } = useMemberServer();

const EMAIL = 'switches@example.com';
const switches = async (email = EMAIL) => {
  const row = (
    await sql.execute({
      sql: 'SELECT email_reminders, email_replies, email_coach, email_sequence FROM users WHERE email = ?',
      args: [email],
    })
  ).rows[0]!;
  return {
    reminders: Number(row['email_reminders']),
    replies: Number(row['email_replies']),
    newsletter: Number(row['email_coach']),
    sequence: Number(row['email_sequence']),
  };
};
const PROFILE = { name: 'Sam', timeZone: 'Europe/Paris' };

let member: Browser;

beforeAll(async () => {
  member = await signedUpMember(base, sql, EMAIL);
});

describe('the account page’s emails', () => {
  it('shows one switch each, the newsletter and the series on by default', async () => {
    const html = visible(await (await member.get('/account')).text());
    expect(html).toContain('<legend>Emails you receive</legend>');
    for (const name of ['emailReminders', 'emailReplies', 'emailCoach', 'emailSequence'])
      expect(html).toMatch(new RegExp(`<input type="checkbox" name="${name}"`));
    expect(html).toMatch(/name="emailCoach" checked[^>]*> The coach's newsletter/);
    expect(html).toMatch(/name="emailSequence" checked[^>]*> The cheat-sheet series/);
    expect(await switches()).toEqual({ reminders: 1, replies: 0, newsletter: 1, sequence: 1 });
  });

  it('saves each switch on its own', async () => {
    let response = await member.post('/account?_action=account.updateProfile', { ...PROFILE, emailCoach: 'on' });
    expect(response.status).toBeLessThan(400);
    expect(await switches()).toEqual({ reminders: 0, replies: 0, newsletter: 1, sequence: 0 });
    response = await member.post('/account?_action=account.updateProfile', {
      ...PROFILE,
      emailSequence: 'on',
      emailReminders: 'on',
    });
    expect(response.status).toBeLessThan(400);
    expect(await switches()).toEqual({ reminders: 1, replies: 0, newsletter: 0, sequence: 1 });
    const html = visible(await (await member.get('/account')).text());
    expect(html).toMatch(/name="emailCoach"\s*\/?>/);
    expect(html).toMatch(/name="emailSequence" checked/);
  });

  it('refuses anything but a tick or nothing, and changes nothing', async () => {
    const before = await switches();
    for (const bad of ['yes', '1', 'true', 'on '.repeat(400), '<script>']) {
      const response = await member.post('/account?_action=account.updateProfile', {
        ...PROFILE,
        emailCoach: 'on',
        emailSequence: bad,
      });
      expect(response.status, bad).toBe(400);
      // A switch is never anything else in a browser: the form says something was not as expected.
      const said = visible(await response.text()).includes('Something in the form was not as expected.');
      expect(said, bad).toBe(true);
      expect(await switches()).toEqual(before);
    }
  });

  it('are in the member’s data export', async () => {
    const response = await member.get('/account/export.json');
    expect(response.status).toBe(200);
    const data = JSON.parse(await response.text()) as { account: { emailPreferences: Record<string, boolean> } };
    expect(data.account.emailPreferences).toEqual({
      reminders: true,
      repliesToMyComments: false,
      newsletter: false,
      cheatSheetSeries: true,
    });
  });
});

describe('one-click links', () => {
  for (const [kind, column, words] of [
    ['newsletter', 'newsletter', 'newsletters from the coach'],
    ['sequence', 'sequence', 'emails from the cheat-sheet series'],
  ] as const) {
    it(`stop the ${kind} emails without signing in`, async () => {
      const email = `one-click-${kind}@example.com`;
      await signedUpMember(base, sql, email);
      const userId = String(
        (await sql.execute({ sql: 'SELECT id FROM users WHERE email = ?', args: [email] })).rows[0]![0],
      );
      const token = signToken(TEST_APP_SECRET, 'email-off', `${kind}_${userId}`);
      const visitor = new Browser(base);
      const ask = await visitor.get(`/email/off?token=${token}`);
      expect(visible(await ask.text())).toContain(`Stop ${words}?`);
      expect((await switches(email))[column]).toBe(1);
      // Mail providers POST the one-click unsubscribe from their own servers, with no Origin.
      const done = await fetch(`${base()}/email/off?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(visible(await done.text())).toContain(`Done: no more ${words}`);
      const after = await switches(email);
      expect(after[column]).toBe(0);
      // The other switches are untouched.
      expect(after).toEqual({ reminders: 1, replies: 0, newsletter: 1, sequence: 1, [column]: 0 });
    });
  }

  it('refuse a forged link or an unknown kind', async () => {
    const userId = String(
      (await sql.execute({ sql: 'SELECT id FROM users WHERE email = ?', args: [EMAIL] })).rows[0]![0],
    );
    const before = await switches();
    const forged = `${signToken(TEST_APP_SECRET, 'email-off', `newsletter_${userId}`)}x`;
    const unknown = signToken(TEST_APP_SECRET, 'email-off', `everything_${userId}`);
    const otherSecret = signToken('another-secret-that-is-at-least-32-characters', 'email-off', `sequence_${userId}`);
    for (const token of [forged, unknown, otherSecret]) {
      const response = await fetch(`${base()}/email/off?token=${token}`, { method: 'POST' });
      expect(response.status).toBe(400);
    }
    expect(await switches()).toEqual(before);
  });
});

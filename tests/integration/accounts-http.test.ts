import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import {
  Browser as HttpBrowser,
  latestLink as latestEmailedLink,
  PASSWORD,
  signedUpMember,
} from '../setup/http-browser.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const visible = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '');

beforeAll(async () => {
  // Each simulated visitor gets its own address through a trusted proxy header (see http-browser.ts).
  server = await startServer({ DATABASE_URL: database.url, TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

const base = () => server.url;
const member = (email: string) => signedUpMember(base, sql, email);
const latestLink = (to: string, path: string) => latestEmailedLink(sql, to, path);
class Browser extends HttpBrowser {
  constructor() {
    super(base);
  }
}

describe('signing up', () => {
  it('gives the same answer for a new and a known address, and never reveals which', async () => {
    const first = visible(
      await (
        await new Browser().post('/signup?_action=auth.signup', { email: 'new@example.com', password: PASSWORD })
      ).text(),
    );
    const again = visible(
      await (
        await new Browser().post('/signup?_action=auth.signup', {
          email: 'new@example.com',
          password: 'another phrase entirely',
        })
      ).text(),
    );
    expect(first).toContain('Check your inbox');
    expect(again).toContain('Check your inbox');
    expect((await sql.execute("SELECT count(*) AS n FROM users WHERE email = 'new@example.com'")).rows[0]!['n']).toBe(
      1,
    );
    const kinds = (
      await sql.execute("SELECT kind FROM outbox WHERE to_address = 'new@example.com' ORDER BY id")
    ).rows.map((r) => r['kind']);
    expect(kinds).toEqual(['auth.verify', 'auth.login']);
  });

  it('refuses a weak password with a message beside the field and keeps the address typed', async () => {
    const response = await new Browser().post('/signup?_action=auth.signup', {
      email: 'weak@example.com',
      password: 'short',
    });
    expect(response.status).toBe(400);
    const html = visible(await response.text());
    expect(html).toContain('Use at least 10 characters');
    expect(html).toContain('value="weak@example.com"');
    expect((await sql.execute("SELECT count(*) AS n FROM users WHERE email = 'weak@example.com'")).rows[0]!['n']).toBe(
      0,
    );
  });

  it('links a confirmed cheat-sheet lead to the new member: the sign-up invitation is not sent to members', async () => {
    // Past the day-2 email: what is left of the sequence is the invitation to sign up, for leads only.
    await sql.execute(
      "INSERT INTO leads (id, email, status, consent_text, consent_at, confirmed_at, nurture_step, sequence_step_id, next_nurture_at) VALUES ('lead1', 'lead@example.com', 'confirmed', 'x', 0, 0, 2, 'thank-you-in-practice', 1)",
    );
    await member('lead@example.com');
    const [lead] = (await sql.execute("SELECT user_id, next_nurture_at FROM leads WHERE id = 'lead1'")).rows;
    expect(lead!['user_id']).toBeTruthy();
    expect(lead!['next_nurture_at']).toBeNull();
  });

  it('keeps sending a new member the cheat-sheet emails meant for members', async () => {
    const confirmed = Date.now() - 86_400_000;
    await sql.execute({
      sql: "INSERT INTO leads (id, email, status, consent_text, consent_at, confirmed_at, nurture_step, sequence_step_id, next_nurture_at) VALUES ('lead2', 'lead2@example.com', 'confirmed', 'x', 0, ?, 1, 'cheat-sheet', ?)",
      args: [confirmed, confirmed + 2 * 86_400_000],
    });
    await member('lead2@example.com');
    const [lead] = (await sql.execute("SELECT user_id, next_nurture_at FROM leads WHERE id = 'lead2'")).rows;
    expect(lead!['user_id']).toBeTruthy();
    expect(lead!['next_nurture_at']).toBe(confirmed + 2 * 86_400_000);
  });
});

describe('signing in', () => {
  it('answers a wrong password and an unknown address with the same message', async () => {
    await member('known@example.com');
    const wrong = visible(
      await (
        await new Browser().post('/login?_action=auth.login', {
          email: 'known@example.com',
          password: 'not the password',
        })
      ).text(),
    );
    const unknown = visible(
      await (
        await new Browser().post('/login?_action=auth.login', {
          email: 'nobody@example.com',
          password: 'not the password',
        })
      ).text(),
    );
    const message = 'That email and password do not match an account.';
    expect(wrong).toContain(message);
    expect(unknown).toContain(message);
  });

  it('signs in and returns only to a path on this site', async () => {
    const browser = new Browser();
    const ok = await browser.post('/login?next=%2Fcheat-sheet&_action=auth.login', {
      email: 'known@example.com',
      password: PASSWORD,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/cheat-sheet');
    const evil = await new Browser().post('/login?next=https%3A%2F%2Fevil.example&_action=auth.login', {
      email: 'known@example.com',
      password: PASSWORD,
    });
    expect(evil.headers.get('location')).toBe('/account');
  });

  it('sends a visitor from a protected page to sign in and back', async () => {
    const response = await new Browser().get('/account?tab=x');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Faccount%3Ftab%3Dx');
  });

  it('limits attempts for one address, with the wait explained', async () => {
    await member('target@example.com');
    // From one network: guesses from many are limited too (sign-in-http.test.ts), at a higher
    // ceiling, so that a stranger's guesses never lock out the owner somewhere else.
    const guesser = new Browser();
    let last: Response | undefined;
    for (let i = 0; i < 9; i++)
      last = await guesser.post('/login?_action=auth.login', {
        email: 'target@example.com',
        password: `guess number ${i}`,
      });
    expect(last!.status).toBe(429);
    expect(visible(await last!.text())).toMatch(
      /Too many sign-in attempts for this address\. For your safety, please wait \d+ minutes? and try again\./,
    );
  });

  it('refuses a sign-in form posted from another site', async () => {
    const response = await new Browser().post(
      '/login?_action=auth.login',
      { email: 'known@example.com', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});

describe('the signed-in state in the header', () => {
  it('is in place on every page rendered per request, and a server island only on prerendered ones', async () => {
    const sam = await member('header@example.com');
    const header = (html: string) => /<header class="site-header"[\s\S]*?<\/header>/.exec(html)?.[0] ?? '';
    for (const path of ['/tracker', '/account', '/tracker/data', '/search?q=thank', '/community']) {
      const html = await (await sam.get(path)).text();
      expect(header(html), path).toMatch(/<a href="\/account">/);
      expect(header(html), path).not.toContain('server-island');
      expect(html, path).not.toContain('/_server-islands/AccountNav');
    }
    // A visitor on a rendered page is offered sign-in, in place.
    const visitorHeader = header(await (await new HttpBrowser(base).get('/search?q=thank')).text());
    expect(visitorHeader).toMatch(/<a href="\/login">Sign in<\/a>/);
    expect(visitorHeader).not.toMatch(/href="\/account"/);
    // A prerendered article is the same for everyone: its header asks for the island.
    const article = await (await sam.get('/articles/thank-you-note-within-24-hours')).text();
    expect(article).toContain('/_server-islands/AccountNav');
  });
});

describe('the account', () => {
  it('changing the password ends every other session but this one', async () => {
    const here = await member('change@example.com');
    const elsewhere = new Browser();
    await elsewhere.post('/login?_action=auth.login', { email: 'change@example.com', password: PASSWORD });
    expect((await elsewhere.get('/account')).status).toBe(200);
    const changed = await here.post('/account?_action=account.changePassword', {
      current: PASSWORD,
      password: 'a brand new phrase',
      confirm: 'a brand new phrase',
    });
    expect(visible(await changed.text())).toContain('Password changed.');
    expect((await here.get('/account')).status).toBe(200);
    expect((await elsewhere.get('/account')).status).toBe(303);
  });

  it('sign out everywhere else, and each session can be ended on its own', async () => {
    const here = await member('sessions@example.com');
    const phone = new Browser();
    await phone.post('/login?_action=auth.login', { email: 'sessions@example.com', password: PASSWORD });
    await here.post('/account?_action=account.revokeOtherSessions', {});
    expect((await phone.get('/account')).status).toBe(303);
    expect((await here.get('/account')).status).toBe(200);
  });

  it('cannot end another member’s session', async () => {
    const mallory = await member('mallory@example.com');
    const victim = await member('victim@example.com');
    const victimSession = victim.cookie.slice('session='.length).split('.')[0]!;
    const response = await mallory.post('/account?_action=account.revokeSession', { sessionId: victimSession });
    expect(visible(await response.text())).toContain('That session has already ended.');
    expect((await victim.get('/account')).status).toBe(200);
  });

  it('exports the member’s own data as JSON', async () => {
    const browser = await member('export@example.com');
    await browser.post('/tracker/new?_action=tracker.create', {
      kind: 'networking',
      company: 'Exported Co',
      contactName: 'Bo Chen',
      happenedOn: '2026-01-05',
      confirmDates: 'on',
    });
    const response = await browser.get('/account/export.json');
    expect(response.headers.get('content-type')).toContain('application/json');
    const data = (await response.json()) as {
      account: { email: string; timeZone: string };
      sessions: unknown[];
      tracker: { opportunities: { company: string }[]; conversations: unknown[] };
    };
    expect(data.account).toMatchObject({ email: 'export@example.com', timeZone: 'Europe/Paris' });
    expect(data.tracker.opportunities.map((item) => item.company)).toEqual(['Exported Co']);
    expect(data.tracker.conversations).toHaveLength(1);
    expect(JSON.stringify(data)).not.toMatch(/password|secret_hash|secretHash/i);
    expect((await new Browser().get('/account/export.json')).status).toBe(303);
  });

  it('deleting the account needs the password, then removes it and its sessions at once', async () => {
    const browser = await member('leaving@example.com');
    const other = new Browser();
    await other.post('/login?_action=auth.login', { email: 'leaving@example.com', password: PASSWORD });
    const refused = await browser.post('/account?_action=account.deleteAccount', {
      password: 'wrong password here',
      confirmText: 'DELETE',
    });
    expect(visible(await refused.text())).toContain('That password is not right. Your account was not deleted.');
    const deleted = await browser.post('/account?_action=account.deleteAccount', {
      password: PASSWORD,
      confirmText: 'delete',
    });
    expect(deleted.status).toBe(303);
    expect(
      (await sql.execute("SELECT count(*) AS n FROM users WHERE email = 'leaving@example.com'")).rows[0]!['n'],
    ).toBe(0);
    expect((await other.get('/account')).status).toBe(303);
  });
});

describe('bad input on the account forms', () => {
  it('refuses an unknown time zone and a long name beside the fields, and changes nothing', async () => {
    const browser = await member('profile@example.com');
    const response = await browser.post('/account?_action=account.updateProfile', {
      name: 'n'.repeat(81),
      timeZone: 'Mars/Olympus',
    });
    expect(response.status).toBe(400);
    const html = visible(await response.text());
    expect(html).toContain('Choose a time zone from the list.');
    expect(html).toContain('Use at most 80 characters.');
    const [row] = (await sql.execute("SELECT name, time_zone FROM users WHERE email = 'profile@example.com'")).rows;
    expect(row).toMatchObject({ name: 'Sam', time_zone: 'Europe/Paris' });
  });

  it('refuses a new password typed differently twice, or a wrong current one, and keeps the old password', async () => {
    const browser = await member('mismatch@example.com');
    const mismatch = await browser.post('/account?_action=account.changePassword', {
      current: PASSWORD,
      password: 'one new phrase here',
      confirm: 'another new phrase',
    });
    expect(mismatch.status).toBe(400);
    expect(visible(await mismatch.text())).toContain('The two new passwords do not match.');
    const wrong = await browser.post('/account?_action=account.changePassword', {
      current: 'not the password',
      password: 'one new phrase here',
      confirm: 'one new phrase here',
    });
    expect(visible(await wrong.text())).toContain('Your current password is not right. Nothing was changed.');
    const signIn = await new Browser().post('/login?_action=auth.login', {
      email: 'mismatch@example.com',
      password: PASSWORD,
    });
    expect(signIn.status).toBe(303);
  });

  it('allows 8 password checks in 15 minutes, then refuses even the right password, changing nothing', async () => {
    const browser = await member('guesser@example.com');
    for (let guess = 1; guess <= 8; guess++) {
      const wrong = await browser.post('/account?_action=account.changePassword', {
        current: `guess number ${guess}`,
        password: 'taken over phrase here',
        confirm: 'taken over phrase here',
      });
      expect(wrong.status).toBe(400);
    }
    for (const [action, fields] of [
      ['changePassword', { current: PASSWORD, password: 'taken over phrase here', confirm: 'taken over phrase here' }],
      ['deleteAccount', { password: PASSWORD, confirmText: 'DELETE' }],
    ] as const) {
      const refused = await browser.post(`/account?_action=account.${action}`, fields);
      expect(refused.status).toBe(429);
      expect(visible(await refused.text())).toContain('Too many password attempts.');
    }
    const row = (await sql.execute("SELECT count(*) AS n FROM users WHERE email = 'guesser@example.com'")).rows[0]!;
    expect(row['n']).toBe(1);
    const oldPassword = await new Browser().post('/login?_action=auth.login', {
      email: 'guesser@example.com',
      password: PASSWORD,
    });
    expect(oldPassword.status).toBe(303);
  });

  it('allows 30 profile saves an hour (each new time zone replans every entry)', async () => {
    const browser = await member('zones@example.com');
    for (let save = 0; save < 30; save++) {
      const saved = await browser.post('/account?_action=account.updateProfile', {
        name: `Sam ${save}`,
        timeZone: save % 2 ? 'Europe/Paris' : 'America/New_York',
      });
      expect(saved.status, `save ${save + 1}`).toBeLessThan(400);
    }
    const refused = await browser.post('/account?_action=account.updateProfile', {
      name: 'Sam again',
      timeZone: 'Asia/Tokyo',
    });
    expect(refused.status).toBe(429);
    const [row] = (await sql.execute("SELECT name, time_zone FROM users WHERE email = 'zones@example.com'")).rows;
    expect(row).toMatchObject({ name: 'Sam 29', time_zone: 'Europe/Paris' });
  });

  it('answers a malformed session id or deletion without DELETE with a message, not an error page', async () => {
    const browser = await member('malformed@example.com');
    const revoke = await browser.post('/account?_action=account.revokeSession', {
      sessionId: "'; DROP TABLE sessions; --",
    });
    expect(revoke.status).toBe(400);
    expect(visible(await revoke.text())).toContain('Something in the form was not as expected.');
    const deletion = await browser.post('/account?_action=account.deleteAccount', {
      password: PASSWORD,
      confirmText: 'yes',
    });
    expect(deletion.status).toBe(400);
    expect(visible(await deletion.text())).toContain('Type DELETE to confirm.');
    expect(
      (await sql.execute("SELECT count(*) AS n FROM users WHERE email = 'malformed@example.com'")).rows[0]!['n'],
    ).toBe(1);
  });

  it('coach filters ignore malformed values instead of failing', async () => {
    const coach = await member('coach2@example.com');
    execFileSync(process.execPath, ['scripts/grant-coach.ts', 'coach2@example.com'], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    for (const [query, status] of [
      // A date that is not one is said so (400), and the list shown unfiltered by it.
      ['?page=abc&from=notadate&to=2026-13-45&status=evil', 400],
      ['?q=%25%27%22%3Cscript%3E&page=-5', 200],
      [`?q=${'x'.repeat(5000)}`, 200],
    ] as const) {
      const response = await coach.get(`/coach/leads${query}`);
      expect(response.status).toBe(status);
      const html = await response.text();
      if (status === 400) expect(html).toContain('date is not right. Use a real date, like 2026-12-03.');
      // What was typed comes back escaped: its quote cannot close the attribute it sits in.
      expect(html).not.toContain(`%'"<script>`);
    }
  });
});

describe('password reset and sign-in links', () => {
  it('reset works once, signs out other sessions, and a used link is refused', async () => {
    const old = await member('reset@example.com');
    await new Browser().post('/auth/forgot?_action=auth.forgotPassword', { email: 'reset@example.com' });
    const link = await latestLink('reset@example.com', '/auth/reset');
    const token = new URL(link, server.url).searchParams.get('token')!;
    const browser = new Browser();
    const reset = await browser.post(`/auth/reset?token=${token}&_action=auth.resetPassword`, {
      token,
      password: 'reset phrase here',
      confirm: 'reset phrase here',
    });
    expect(reset.status).toBe(303);
    expect((await browser.get('/account')).status).toBe(200);
    expect((await old.get('/account')).status).toBe(303);
    const again = await new Browser().get(link);
    expect(again.status).toBe(400);
    expect(visible(await again.text())).toContain('This reset link has expired');
  });

  it('asking for a reset or a link for an unknown address looks the same and sends nothing', async () => {
    const known = visible(
      await (
        await new Browser().post('/auth/forgot?_action=auth.forgotPassword', { email: 'known@example.com' })
      ).text(),
    );
    const unknown = visible(
      await (
        await new Browser().post('/auth/forgot?_action=auth.forgotPassword', { email: 'ghost@example.com' })
      ).text(),
    );
    expect(unknown).toContain('If that address has an account, a reset link is on its way.');
    expect(known).toContain('If that address has an account, a reset link is on its way.');
    expect(
      (await sql.execute("SELECT count(*) AS n FROM outbox WHERE to_address = 'ghost@example.com'")).rows[0]!['n'],
    ).toBe(0);
  });

  it('a sign-in link works once', async () => {
    await member('link@example.com');
    await new Browser().post('/login?_action=auth.loginLink', { email: 'link@example.com' });
    const link = await latestLink('link@example.com', '/auth/link');
    const browser = new Browser();
    expect((await browser.get(link)).status).toBe(303);
    expect((await browser.get('/account')).status).toBe(200);
    expect((await new Browser().get(link)).status).toBe(400);
  });
});

describe('the coach role', () => {
  it('is granted by the documented command, and coach pages refuse everyone else', async () => {
    const coach = await member('coach@example.com');
    const plain = await member('plain@example.com');
    execFileSync(process.execPath, ['scripts/grant-coach.ts', 'coach@example.com'], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    expect((await coach.get('/coach/leads')).status).toBe(200);
    expect((await plain.get('/coach/leads')).status).toBe(404);
    expect((await plain.get('/coach/leads.csv')).status).toBe(404);
    expect((await new Browser().get('/coach/leads')).status).toBe(303);
    const csv = await coach.get('/coach/leads.csv?status=confirmed');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toContain('"email","status"');
    expect(text).toContain('"lead@example.com","confirmed"');
  });
});

describe('the country and region whose public holidays the tracker skips', () => {
  const profile = (fields: Record<string, string>) => ({ name: 'Sam', timeZone: 'Europe/Paris', ...fields });
  const placeOf = async (email: string) =>
    (await sql.execute({ sql: 'SELECT name, country, region FROM users WHERE email = ?', args: [email] })).rows[0];

  it('moves a follow-up due on Christmas Day to the next working day of the chosen country and region', async () => {
    const browser = await member('holidays@example.com');
    // A networking call on Thu 24 Dec 2026: the summary is due the next working day.
    const created = await browser.post('/tracker/new?_action=tracker.create', {
      kind: 'networking',
      company: 'Yule Ltd',
      contactName: 'Noel Winter',
      happenedOn: '2026-12-24',
      confirmDates: 'on',
    });
    expect(created.status).toBe(303);
    const planOf = async () =>
      (
        await sql.execute(
          "SELECT o.plan_reason AS reason FROM opportunities o JOIN users u ON u.id = o.user_id WHERE u.email = 'holidays@example.com'",
        )
      ).rows[0]!['reason'];
    expect(await planOf()).toBe('Summary and next steps due by Fri 25 Dec, a working day after your call.');

    const germany = await browser.post('/account?_action=account.updateProfile', profile({ country: 'DE' }));
    expect(germany.status).toBe(200);
    const savedPage = await germany.text();
    expect(visible(savedPage)).toContain('Saved.');
    // The page answering the save shows the member as saved, not as they were before it.
    expect(savedPage).toMatch(/<option value="DE" selected[^>]*>Germany<\/option>/);
    expect(savedPage).toContain('<label for="profile-region">Region</label>');
    expect(await placeOf('holidays@example.com')).toMatchObject({ country: 'DE', region: null });
    expect(await planOf()).toBe(
      'Summary and next steps due by Mon 28 Dec, the next working day after the holidays (a working day after your call).',
    );
    // Germany has states: the saved country's regions are offered, by name.
    const page = visible(await (await browser.get('/account')).text());
    expect(page).toContain('<option value="BY">Bayern</option>');
    expect(page).toMatch(/<option value="DE" selected[^>]*>Germany<\/option>/);

    // A new country with the old country's region still in the form starts with the whole country.
    await browser.post('/account?_action=account.updateProfile', profile({ country: 'DE', region: 'BY' }));
    expect(await placeOf('holidays@example.com')).toMatchObject({ country: 'DE', region: 'BY' });
    await browser.post('/account?_action=account.updateProfile', profile({ country: 'GB', region: 'BY' }));
    expect(await placeOf('holidays@example.com')).toMatchObject({ country: 'GB', region: null });
    await browser.post('/account?_action=account.updateProfile', profile({ country: 'GB', region: 'ENG' }));
    expect(await placeOf('holidays@example.com')).toMatchObject({ country: 'GB', region: 'ENG' });
    expect(await planOf()).toBe(
      'Summary and next steps due by Tue 29 Dec, the next working day after the holidays (a working day after your call).',
    );

    const data = (await (await browser.get('/account/export.json')).json()) as { account: Record<string, unknown> };
    expect(data.account).toMatchObject({ holidayCountry: 'GB', holidayRegion: 'ENG' });

    // None: weekends only again.
    await browser.post('/account?_action=account.updateProfile', profile({ country: '' }));
    expect(await placeOf('holidays@example.com')).toMatchObject({ country: null, region: null });
    expect(await planOf()).toBe('Summary and next steps due by Fri 25 Dec, a working day after your call.');
  });

  it('refuses an unknown country or region beside the field, and saves nothing', async () => {
    const browser = await member('no-such-place@example.com');
    for (const [fields, message] of [
      [{ country: 'XX', name: 'Changed' }, 'Choose a country from the list, or none.'],
      [{ country: 'France', name: 'Changed' }, 'Choose a country from the list, or none.'],
      [
        { country: 'DE', region: 'ZZ', name: 'Changed' },
        'Choose a region of your country from the list, or the whole country.',
      ],
      [
        { country: 'DE', region: 'CA', name: 'Changed' },
        'Choose a region of your country from the list, or the whole country.',
      ],
    ] as const) {
      const response = await browser.post('/account?_action=account.updateProfile', profile(fields));
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(visible(await response.text())).toContain(message);
      expect(await placeOf('no-such-place@example.com')).toMatchObject({ name: 'Sam', country: null, region: null });
    }
  });
});

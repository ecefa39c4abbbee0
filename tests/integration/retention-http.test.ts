/**
 * Keeping no more than needed, through HTTP on the built server: the coach deletes a lead (and its
 * emails) from the leads page, and nobody else can; a member's export has what the site holds
 * about them and no secret; deleting an account leaves no row with their address or id; the local
 * mail viewer says when a message's link died and when its content was removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { pruneRetainedData } from '../../src/lib/data/retention.server.ts';
import { hashToken } from '../../src/lib/auth/tokens.server.ts';
import { startMemberServer, startServer, TEST_APP_SECRET, type RunningServer } from '../setup/built-server.ts';
import { Browser, interviewForm, PASSWORD, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { tablesInSchema } from '../setup/source-inventory.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const db = openDatabase({ url: database.url });
const base = () => server.url;
let coach: Browser;
let member: Browser;

const rows = async (query: string, args: string[] = []) => (await sql.execute({ sql: query, args })).rows;
const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

/** A reader asks for the cheat sheet: a pending lead with its confirmation email. */
async function capture(email: string): Promise<string> {
  const response = await new Browser(base).post('/cheat-sheet?_action=leads.capture', { email, consent: 'on' });
  expect(response.status).toBe(303);
  return String((await rows('SELECT id FROM leads WHERE email = ?', [email]))[0]!['id']);
}

/** The leads and the outbox, as text: what "nothing changed" means for a refused deletion. */
async function leadsAndMail(): Promise<string> {
  return JSON.stringify([
    await rows('SELECT * FROM leads ORDER BY id'),
    await rows('SELECT id, to_address, kind, status FROM outbox ORDER BY id'),
  ]);
}

/** Every row of every table, as text. */
async function everything(): Promise<string> {
  const dump: Record<string, unknown[]> = {};
  for (const table of tablesInSchema()) dump[table] = await rows(`SELECT * FROM "${table}"`);
  return JSON.stringify(dump);
}

beforeAll(async () => {
  server = await startMemberServer(database.url);
  coach = await signedUpCoach(base, sql, 'retention-coach@example.com');
  member = await signedUpMember(base, sql, 'retention-member@example.com');
});
afterAll(async () => {
  await server.stop();
  sql.close();
  db.$client.close();
});

describe('the coach deletes a lead', () => {
  it('from its row on the leads page, with the emails it was sent, and says so', async () => {
    const gone = await capture('gone-lead@example.com');
    await capture('staying-lead@example.com');
    const page = await (await coach.get('/coach/leads')).text();
    expect(page).toMatch(
      new RegExp(
        `<details[^>]*>\\s*<summary>Delete…</summary>\\s*<form[^>]*method="post"[^>]*action="/coach/leads\\?_action=coach.deleteLead"[^>]*>\\s*<input type="hidden" name="leadId" value="${gone}"`,
      ),
    );
    const others = await rows("SELECT * FROM outbox WHERE to_address <> 'gone-lead@example.com' ORDER BY id");
    expect(
      await rows('SELECT key FROM rate_limits WHERE key = ?', [
        `capture:address:${hashToken('gone-lead@example.com')}`,
      ]),
    ).toHaveLength(1);

    const response = await coach.post('/coach/leads?_action=coach.deleteLead', { leadId: gone });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/coach/leads?deleted=lead');
    const after = await coach.get('/coach/leads?deleted=lead');
    expect(text(await after.text())).toContain('Done: the lead and every email it was sent are deleted.');

    const left = await everything();
    expect(left).not.toContain('gone-lead@example.com');
    expect(left).not.toContain(gone);
    expect(left).not.toContain(hashToken('gone-lead@example.com'));
    expect(await rows("SELECT * FROM outbox WHERE to_address <> 'gone-lead@example.com' ORDER BY id")).toEqual(others);
    expect(await rows("SELECT status FROM leads WHERE email = 'staying-lead@example.com'")).toEqual([
      { status: 'pending' },
    ]);
  });

  it('who became a member: the lead and its cheat-sheet emails go, the account and its own email stay', async () => {
    const lead = await capture('joined-lead@example.com');
    const joined = await signedUpMember(base, sql, 'joined-lead@example.com');
    expect(await rows('SELECT user_id IS NOT NULL AS linked FROM leads WHERE id = ?', [lead])).toEqual([{ linked: 1 }]);
    expect(text(await (await coach.get('/coach/leads?q=joined-lead')).text())).toContain(
      'They became a member: their account is not deleted from here.',
    );

    const response = await coach.post('/coach/leads?_action=coach.deleteLead', { leadId: lead });
    expect(response.headers.get('location')).toBe('/coach/leads?deleted=member');
    expect(text(await (await coach.get('/coach/leads?deleted=member')).text())).toContain(
      'They are also a member: their account stays, and only they can delete it.',
    );
    expect(await rows('SELECT id FROM leads WHERE id = ?', [lead])).toEqual([]);
    expect(
      (await rows("SELECT kind FROM outbox WHERE to_address = 'joined-lead@example.com' ORDER BY id")).map(
        (row) => row['kind'],
      ),
    ).toEqual(['auth.verify']);
    expect((await joined.get('/account')).status).toBe(200);
  });

  it('refuses members (404) and visitors (sign in, or 401 for a bare Action), changing nothing', async () => {
    const lead = await capture('kept-lead@example.com');
    const before = await leadsAndMail();
    const memberPage = await member.post('/coach/leads?_action=coach.deleteLead', { leadId: lead });
    expect(memberPage.status).toBe(404);
    const memberAction = await member.post('/_actions/coach.deleteLead', { leadId: lead });
    expect(memberAction.status).toBe(404);
    const visitorPage = await new Browser(base).post('/coach/leads?_action=coach.deleteLead', { leadId: lead });
    expect(visitorPage.status).toBe(303);
    expect(visitorPage.headers.get('location')).toMatch(/^\/login\?next=/);
    const visitorAction = await new Browser(base).post('/_actions/coach.deleteLead', { leadId: lead });
    expect(visitorAction.status).toBe(401);
    expect(await leadsAndMail()).toEqual(before);
  });

  it('answers an unknown, empty or junk id with a message on the page, changing nothing', async () => {
    await capture('still-here@example.com');
    const before = await leadsAndMail();
    for (const [leadId, status, message] of [
      ['no-such-lead', 404, 'There is no lead with that id: it may have been deleted already. Nothing was changed.'],
      ['   ', 400, 'Choose a lead to delete first.'],
      ['x'.repeat(200), 400, 'There is no lead with that id.'],
      ["' OR 1=1 --", 404, 'There is no lead with that id'],
    ] as const) {
      const response = await coach.post('/coach/leads?_action=coach.deleteLead', { leadId });
      expect(response.status, JSON.stringify(leadId)).toBe(status);
      expect(text(await response.text())).toContain(message);
    }
    const missing = await coach.post('/coach/leads?_action=coach.deleteLead', {});
    expect(missing.status).toBe(400);
    expect(text(await missing.text())).toContain('Choose a lead to delete first.');
    expect(await leadsAndMail()).toEqual(before);
  });
});

describe('a member’s data', () => {
  it('is all in their export: account, lead and consent, tracker, comments, emails; no secret', async () => {
    await capture('exporting@example.com');
    const browser = await signedUpMember(base, sql, 'exporting@example.com');
    expect((await browser.post('/tracker/new?_action=tracker.create', interviewForm())).status).toBe(303);
    const posted = await browser.post('/articles/thank-you-note-within-24-hours/comments?_action=comments.post', {
      slug: 'thank-you-note-within-24-hours',
      body: 'My export-worthy comment.',
      back: 'comments',
    });
    expect(posted.status).toBe(303);
    const response = await browser.get('/account/export.json');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const body = await response.text();
    const data = JSON.parse(body) as {
      account: { email: string };
      cheatSheet: { consentText: string; status: string }[];
      comments: { body: string; status: string }[];
      emails: { kind: string; subject: string; status: string }[];
      tracker: { opportunities: unknown[] };
      billing: { stripeCustomerId: string | null; subscriptions: unknown[] };
    };
    expect(data.account.email).toBe('exporting@example.com');
    expect(data.cheatSheet).toHaveLength(1);
    expect(data.cheatSheet[0]!.consentText.length).toBeGreaterThan(10);
    expect(data.comments.map((comment) => comment.body)).toEqual(['My export-worthy comment.']);
    expect(data.tracker.opportunities).toHaveLength(1);
    expect(data.emails.map((email) => email.kind)).toEqual(['lead.confirm', 'auth.verify']);
    expect(data.billing).toEqual({ stripeCustomerId: null, subscriptions: [], entitlement: null });
    expect(body).not.toMatch(/token=|password|secret|Hash"/i);
  });

  it('is gone from every table when they delete their account', async () => {
    await capture('leaving-member@example.com');
    const leaving = await signedUpMember(base, sql, 'leaving-member@example.com');
    expect((await leaving.post('/tracker/new?_action=tracker.create', interviewForm())).status).toBe(303);
    const id = String((await rows("SELECT id FROM users WHERE email = 'leaving-member@example.com'"))[0]!['id']);
    expect(await everything()).toContain('leaving-member@example.com');

    const deleted = await leaving.post('/account?_action=account.deleteAccount', {
      password: PASSWORD,
      confirmText: 'DELETE',
    });
    expect(deleted.status).toBe(303);
    const left = await everything();
    for (const trace of [id, 'leaving-member@example.com', hashToken('leaving-member@example.com')])
      expect(left, trace).not.toContain(trace);
  });
});

describe('the local mail viewer', () => {
  // The member server trusts X-Forwarded-For, so it has no viewer: this one runs on the embedded
  // defaults, on the same database, as a developer's would.
  let local: RunningServer;
  beforeAll(async () => {
    local = await startServer({ DATABASE_URL: database.url, APP_SECRET: TEST_APP_SECRET, BACKGROUND_JOBS: 'false' });
  });
  afterAll(() => local.stop());

  it('says when a one-time link died, then that its content was removed, and shows no token', async () => {
    await new Browser(base).post('/login?_action=auth.loginLink', { email: 'retention-member@example.com' });
    const [row] = await rows(
      "SELECT id, text FROM outbox WHERE kind = 'auth.login' AND to_address = 'retention-member@example.com' ORDER BY id DESC LIMIT 1",
    );
    const id = String(row!['id']);
    const token = /\/auth\/link\?token=(\w+)/.exec(String(row!['text']))![1]!;
    const live = await (await fetch(`${local.url}/dev/mail/${id}`)).text();
    expect(live).toContain(token);
    expect(text(live)).not.toContain('expired on');

    // Fifteen minutes later, before the clean-up.
    await sql.execute({ sql: 'UPDATE outbox SET expires_at = ? WHERE id = ?', args: [Date.now() - 1000, id] });
    const dead = text(await (await fetch(`${local.url}/dev/mail/${id}`)).text());
    expect(dead).toContain('Its one-time link expired on');
    expect(dead).toContain('this content is removed at the next clean-up');

    await pruneRetainedData(db, new Date());
    const page = await (await fetch(`${local.url}/dev/mail/${id}`)).text();
    expect(page).not.toContain(token);
    expect(text(page)).toMatch(/Its content was removed on \d{4}-\d\d-\d\d \d\d:\d\d UTC: it carried a one-time link/);
    expect(page).not.toContain('<iframe');
    const list = text(await (await fetch(`${local.url}/dev/mail`)).text());
    expect(list).toContain('content removed');
  });
});

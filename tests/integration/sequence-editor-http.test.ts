/**
 * The coach's sequence editor through HTTP on the built server, as a browser uses it without
 * JavaScript: only the coach reaches it (visitors sent to sign in, members answered 404 with
 * nothing changed); the list and each email's page with its preview; every bad input refused
 * with a message beside its field, nothing written, never a server error; and the changes that
 * are allowed coming back with what was done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
let coach: Browser;
let member: Browser;
const LIST = '/coach/email/sequence';
const EDIT = (id: string) => `${LIST}/${id}`;
const statuses: { path: string; status: number }[] = [];

/** A page's words, without styles, scripts or tags: what a reader sees. */
const words = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<iframe[\s\S]*?<\/iframe>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ');

async function post(browser: Browser, path: string, fields: Record<string, string>) {
  const response = await browser.post(path, fields);
  statuses.push({ path, status: response.status });
  return response;
}

/** Everything the editor can change, to prove a refused request changed none of it. */
async function snapshot(): Promise<string> {
  const queries = [
    'SELECT * FROM sequence_steps ORDER BY id',
    'SELECT id, sequence_step_id, next_nurture_at FROM leads ORDER BY id',
    'SELECT count(*) FROM outbox',
  ];
  return JSON.stringify(await Promise.all(queries.map(async (query) => (await sql.execute(query)).rows)));
}

const good = {
  id: 'thank-you-in-practice',
  subject: 'The thank-you note, before and after',
  preview: 'The same note twice.',
  delayDays: '2',
  bodyMarkdown: 'Send it within **24 hours**. [The guide](/articles/thank-you-note-within-24-hours).',
  forMembers: 'on',
};

beforeAll(async () => {
  server = await startMemberServer(database.url);
  member = await signedUpMember(base, sql, 'seq-member@example.com');
  coach = await signedUpCoach(base, sql, 'seq-coach@example.com');
  await sql.execute(
    `INSERT INTO leads (id, email, status, consent_text, consent_at, confirmed_at, nurture_step, sequence_step_id, next_nurture_at)
     VALUES ('l1', 'lead@example.com', 'confirmed', 'x', 0, ${Date.now()}, 1, 'cheat-sheet', ${Date.now() + 2 * 86_400_000})`,
  );
}, 60_000);
afterAll(async () => {
  await server.stop();
  sql.close();
});

describe('who reaches the editor', () => {
  it('sends a visitor to sign in, and answers a member 404', async () => {
    for (const path of [LIST, EDIT('cheat-sheet')]) {
      const visitor = await new Browser(base).get(path);
      expect(visitor.status, path).toBe(303);
      expect(visitor.headers.get('location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
      expect((await member.get(path)).status, path).toBe(404);
    }
  });

  it('refuses a member’s changes with 404, sends a visitor’s to sign in, and writes nothing', async () => {
    const before = await snapshot();
    for (const [action, fields] of [
      ['sequence.save', good],
      ['sequence.add', {}],
      ['sequence.move', { id: 'thank-you-in-practice', direction: 'down' }],
      ['sequence.pause', { id: 'thank-you-in-practice', paused: 'true' }],
    ] as const) {
      expect((await post(member, `${LIST}?_action=${action}`, fields)).status, action).toBe(404);
      const visitor = await post(new Browser(base), `${LIST}?_action=${action}`, fields);
      expect(visitor.status, action).toBe(303);
      expect(visitor.headers.get('location'), action).toMatch(/^\/login\?next=%2Fcoach%2Femail%2Fsequence/);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('the coach’s pages', () => {
  it('list the emails in order with their day, subject, audience and state', async () => {
    const response = await coach.get(LIST);
    expect(response.status).toBe(200);
    const text = words(await response.text());
    expect(text).toMatch(
      /1\. Your Interview Success Cheat Sheet On confirming · Leads and members · Always sent .*2\. The thank-you note, before and after Day 2 · Leads and members · Sending .*3\. Track every follow-up in one place Day 6 · Leads only · Sending/,
    );
  });

  it('show an email’s words and its preview as sent, with the fixed download button on the first', async () => {
    const response = await coach.get(EDIT('cheat-sheet'));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<iframe');
    expect(html).toContain('sandbox="allow-popups allow-top-navigation-by-user-activation"');
    expect(html).toMatch(/srcdoc="[^"]*Download the cheat sheet \(PDF\)/);
    expect(words(html)).toMatch(/The PDF is \w+ pages?\. This download link expires in 7 days/);
    expect(words(html)).not.toContain('Members get it too');
    const second = words(await (await coach.get(EDIT('thank-you-in-practice'))).text());
    expect(second).toContain('utm_campaign=s-thank-you-in-practice');
    expect(second).toContain('Members get it too');
  });

  it('answer 404 for a step that is not there', async () => {
    const response = await coach.get(EDIT('no-such-step'));
    expect(response.status).toBe(404);
    expect(words(await response.text())).toContain('This step is not in the sequence.');
  });
});

describe('bad input', () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['an empty subject', { subject: '  ' }, 'subject', /Write a subject/],
    ['a subject on two lines', { subject: 'Hi\r\nBcc: x@example.com' }, 'subject', /one line/],
    ['a subject too long', { subject: 'x'.repeat(151) }, 'subject', /under 150 characters/],
    ['an empty body', { bodyMarkdown: ' \n ' }, 'bodyMarkdown', /Write the email/],
    ['a script', { bodyMarkdown: 'Hi <script>alert(1)</script>' }, 'bodyMarkdown', /HTML such as <script>/],
    ['a javascript: link', { bodyMarkdown: '[x](javascript:alert(1))' }, 'bodyMarkdown', /Links must start with/],
    ['a data: link', { bodyMarkdown: '[x](data:text/html,hi)' }, 'bodyMarkdown', /Links must start with/],
    ['an image', { bodyMarkdown: '![x](https://example.org/x.png)' }, 'bodyMarkdown', /Images are not sent/],
    ['a body too long', { bodyMarkdown: 'x'.repeat(20_001) }, 'bodyMarkdown', /under 20,000 characters/],
    ['a delay of 61 days', { delayDays: '61' }, 'delayDays', /from 0 to 60/],
    ['a negative delay', { delayDays: '-1' }, 'delayDays', /from 0 to 60/],
    ['a delay in words', { delayDays: 'two' }, 'delayDays', /from 0 to 60/],
    ['a fractional delay', { delayDays: '2.5' }, 'delayDays', /from 0 to 60/],
    ['an empty delay', { delayDays: '' }, 'delayDays', /from 0 to 60/],
    ['a forged members box', { forMembers: 'yes' }, 'forMembers', /Tick the box/],
  ];

  it.each(cases)('refuses %s beside its field, keeps what was typed, writes nothing', async (_name, change, field) => {
    const [, , , message] = cases.find(([name]) => name === _name)!;
    const before = await snapshot();
    const response = await post(coach, `${EDIT('thank-you-in-practice')}?_action=sequence.save`, {
      ...good,
      ...change,
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(`id="f-${field}-error"`);
    expect(words(html)).toMatch(message);
    expect(await snapshot()).toBe(before);
  });

  it('refuses an unknown step, and pausing or moving the cheat sheet email, with a message', async () => {
    const before = await snapshot();
    const unknown = await post(coach, `${EDIT('no-such-step')}?_action=sequence.save`, {
      ...good,
      id: 'no-such-step',
    });
    expect(unknown.status).toBe(404);
    expect(words(await unknown.text())).toContain('There is no such step in the sequence. Nothing was changed.');
    for (const [action, fields, status, message] of [
      ['sequence.pause', { id: 'cheat-sheet', paused: 'true' }, 400, /cannot be paused/],
      ['sequence.move', { id: 'cheat-sheet', direction: 'down' }, 400, /cannot be moved/],
      ['sequence.move', { id: 'thank-you-in-practice', direction: 'up' }, 409, /already the first/],
      ['sequence.move', { id: 'track-your-follow-ups', direction: 'down' }, 409, /already the last/],
      ['sequence.move', { id: 'no-such-step', direction: 'up' }, 404, /no such step/],
      ['sequence.move', { id: 'thank-you-in-practice', direction: 'sideways' }, 400, /Choose up or down/],
      ['sequence.pause', { id: 'no-such-step', paused: 'true' }, 404, /no such step/],
      ['sequence.pause', { id: 'thank-you-in-practice', paused: 'maybe' }, 400, /Choose pause or resume/],
      ['sequence.pause', { paused: 'true' }, 400, /Choose a step first/],
    ] as const) {
      const response = await post(coach, `${LIST}?_action=${action}`, fields);
      expect(response.status, `${action} ${JSON.stringify(fields)}`).toBe(status);
      expect(words(await response.text()), `${action} ${JSON.stringify(fields)}`).toMatch(message);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('changes the coach makes', () => {
  it('saves an email (version up, relative links allowed) and comes back saying so', async () => {
    const response = await post(coach, `${EDIT('thank-you-in-practice')}?_action=sequence.save`, {
      ...good,
      delayDays: '3',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${EDIT('thank-you-in-practice')}?saved=saved`);
    const [row] = (await sql.execute("SELECT * FROM sequence_steps WHERE id = 'thank-you-in-practice'")).rows;
    expect(row).toMatchObject({ version: 2, delay_days: 3, preview: 'The same note twice.' });
    // The lead due the day-2 email now has it on day 3.
    const [lead] = (await sql.execute("SELECT confirmed_at, next_nurture_at FROM leads WHERE id = 'l1'")).rows;
    expect(Number(lead!['next_nurture_at']) - Number(lead!['confirmed_at'])).toBe(3 * 86_400_000);
    expect(words(await (await coach.get(response.headers.get('location')!)).text())).toContain('Saved.');
  });

  it('pauses, resumes and moves a step, and adds one at the end, paused', async () => {
    const paused = await post(coach, `${LIST}?_action=sequence.pause`, { id: 'track-your-follow-ups', paused: 'true' });
    expect(paused.status).toBe(303);
    expect(words(await (await coach.get(paused.headers.get('location')!)).text())).toMatch(
      /Paused\..*Track every follow-up in one place Day 6 · Leads only · Paused/,
    );
    expect(
      (await post(coach, `${LIST}?_action=sequence.pause`, { id: 'track-your-follow-ups', paused: 'false' })).status,
    ).toBe(303);
    const moved = await post(coach, `${LIST}?_action=sequence.move`, { id: 'track-your-follow-ups', direction: 'up' });
    expect(moved.status).toBe(303);
    const order = (await sql.execute('SELECT id FROM sequence_steps ORDER BY position, id')).rows.map((r) => r['id']);
    expect(order).toEqual(['cheat-sheet', 'track-your-follow-ups', 'thank-you-in-practice']);

    const added = await post(coach, `${LIST}?_action=sequence.add`, {});
    expect(added.status).toBe(303);
    const location = added.headers.get('location')!;
    expect(location).toMatch(/^\/coach\/email\/sequence\/[\w-]+\?saved=added$/);
    const id = /sequence\/([\w-]+)\?/.exec(location)![1]!;
    const [step] = (await sql.execute({ sql: 'SELECT * FROM sequence_steps WHERE id = ?', args: [id] })).rows;
    expect(step!['paused_at']).not.toBeNull();
    expect((await coach.get(location)).status).toBe(200);
  });

  it('never answered with a server error', () => {
    expect(statuses.filter(({ status }) => status >= 500)).toEqual([]);
  });
});

/**
 * What comes in, through HTTP on the built server: every field of every Action (read from the
 * source, so a new field is covered the day it is added) refuses a line break or control character
 * with a 400 and a message, and nothing is written; imported files get the same rules; dates stay in
 * a range everything downstream can write; rows stored before those rules never break a page, an
 * export, the calendar feed or an email; and server islands asked for without their props answer 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { runReminders } from '../../src/lib/tracker/reminders.server.ts';
import { errorLines, startMemberServer, TEST_APP_SECRET, type RunningServer } from '../setup/built-server.ts';
import { Browser, interviewForm, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { actionDefinitions, actionsInSource } from '../setup/source-inventory.ts';
import { testAppContext } from '../setup/app-context.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const SLUG = 'thank-you-note-within-24-hours';
const value = async (query: string, args: string[] = []) =>
  (await sql.execute({ sql: query, args })).rows[0]?.[0] ?? null;

let member: Browser;
let coach: Browser;

beforeAll(async () => {
  server = await startMemberServer(database.url);
  member = await signedUpMember(base, sql, 'input@example.com');
  coach = await signedUpCoach(base, sql, 'input-coach@example.com');
}, 60_000);
afterAll(async () => {
  await server?.stop();
  sql.close();
});

/** Every table's rows, but for attempt counters and the sliding ends of sessions. */
async function snapshot(): Promise<string> {
  const tables = (
    await sql.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
  ).rows
    .map((row) => String(row['name']))
    .filter((table) => table !== 'rate_limits');
  const rows: Record<string, unknown> = {};
  for (const table of tables) {
    const columns = table === 'sessions' ? 'id, user_id, user_agent, created_at' : '*';
    rows[table] = (await sql.execute(`SELECT ${columns} FROM "${table}" ORDER BY rowid`)).rows;
  }
  return JSON.stringify(rows);
}

// ---------------------------------------------------------------------------------------------
// Every Action's every field
// ---------------------------------------------------------------------------------------------

/** A value each field's schema accepts, by field name: the payload is added to it. */
const PLAUSIBLE: Record<string, string> = {
  action: 'hide',
  archived: 'true',
  article: SLUG,
  audienceArticle: SLUG,
  audienceFrom: '2026-01-01',
  audienceKind: 'leads',
  audienceTag: 'Networking',
  audienceTo: '2026-02-01',
  blocked: 'true',
  body: 'Hi Priya,\n\nThank you.',
  bodyMarkdown: 'Send it within **24 hours**.',
  calendar: 'on',
  campaign: 'b-x',
  comment: 'Shorter.',
  company: 'Northwind',
  confirm: 'a new phrase long enough',
  confirmDates: 'on',
  confirmText: 'DELETE',
  consent: 'on',
  contactEmail: 'priya@northwind.example',
  contactName: 'Priya Shah',
  contactRole: 'Lead',
  country: 'DE',
  current: 'not the password at all',
  date: '2030-01-01',
  decisionBy: '2026-02-01',
  delayDays: '2',
  direction: 'down',
  email: 'nobody@example.com',
  emailCoach: 'on',
  emailReminders: 'on',
  emailReplies: 'on',
  emailSequence: 'on',
  footerNote: 'Written by the coach.',
  enable: 'off',
  file: 'x',
  forMembers: 'on',
  from: '/tracker',
  happenedAt: '14:00',
  happenedOn: '2026-01-05',
  hidePast: 'on',
  hold: 'true',
  id: 'no-such-id',
  interval: 'month',
  keepPlaceholders: 'on',
  kind: 'interview',
  leadId: 'no-such-lead',
  name: 'Sam',
  next: '/account',
  note: 'A note.',
  notes: 'Met at the fair.',
  notifyChoice: '1',
  notifyReplies: 'on',
  opportunityId: 'no-such-entry',
  parentId: 'no-such-comment',
  paused: 'true',
  password: 'a new phrase long enough',
  postalAddress: '12 Harbour Street, Leith',
  preview: 'A line for the inbox',
  reason: 'spam',
  region: 'BY',
  reminders: 'on',
  role: 'member',
  roleTitle: 'Designer',
  sentAt: '09:30',
  sentOn: '2026-01-05',
  sessionId: 'abcdefgh',
  slug: SLUG,
  sourceArticle: SLUG,
  sourcePath: `/articles/${SLUG}`,
  specificDetail: 'design critiques',
  stage: 'open',
  step: 'thank-you',
  subject: 'Thank you, Priya',
  timeZone: 'Europe/Paris',
  timingNote: 'two weeks',
  token: 'not-a-token',
  time: '09:30',
  touchId: 'no-such-touch',
  userId: 'no-such-user',
  utmCampaign: 'spring',
  utmMedium: 'email',
  utmSource: 'newsletter',
  valueIdea: 'an article',
  version: '0',
  website: '',
};

/** Where a field's name means something else in one Action. */
const PLAUSIBLE_IN: Record<string, Record<string, string>> = {
  'tracker.remove': { confirm: 'on' },
};
/** Fields that must repeat another: the payload goes into both. */
const REPEATS: Record<string, string> = { password: 'confirm' };

/** Fields of several lines: they keep line breaks and tabs, and refuse the other control characters. */
const MULTI_LINE = new Set([
  'newsletter.preview.body',
  'newsletter.save.body',
  'newsletter.schedule.body',
  'newsletter.sendNow.body',
  'newsletter.sendTest.body',
  'newsletter.setSender.footerNote',
  'newsletter.setSender.postalAddress',
  'reviews.answer.body',
  'reviews.answer.comment',
  'reviews.request.body',
  'reviews.request.note',
  'sequence.save.bodyMarkdown',
  'tracker.create.notes',
  'tracker.logReply.note',
  'tracker.markSent.body',
  'tracker.update.notes',
]);

/** Fields that take any text, and why that is safe. */
const TAKES_ANYTHING: Record<string, string> = {
  'comments.post.body':
    'Markdown: micromark shows every character as text (NUL as U+FFFD); comments-http posts every XSS payload, NUL included',
  'comments.edit.body': 'Markdown, as comments.post.body',
  'auth.login.password': 'a password to check against the stored hash, never stored or shown: a wrong one is a 401',
  'account.changePassword.current': 'the current password, checked and never stored: a wrong one is a 400',
  'account.deleteAccount.password': 'the password, checked and never stored: a wrong one is a 400',
  'auth.login.next': 'a return path that safeReturnPath reduces to a path on this site; never stored',
  'comments.post.website': 'the honeypot: whatever it holds, the answer is "posted" and nothing is written',
  'auth.signup.campaign':
    'the campaign of the email whose link opened /signup: anything but one of our campaign names (b-/s- and letters, digits, _ or -) is dropped, never stored or shown',
  'leads.capture.website': 'the honeypot: whatever it holds, the answer is "check your inbox" and nothing is written',
};

/** Put after a plausible value and followed by more text, so trimming cannot take them away. */
const ONE_LINE_BREAKERS = ['\r\nBcc: victim@example.com', '\n', '\r', '\t', '\u2028', '\u2029'];
const CONTROL = ['\u0000', '\u0007', '\u001b[2J', '\u007f', '\u0085', '\u009b'];

const fieldsOf = (definition: { input?: { shape: Record<string, unknown> } }) =>
  Object.keys(definition.input?.shape ?? {});

describe('every field of every Action', () => {
  it('refuses a line break or control character with a 400 naming the field, and writes nothing', async () => {
    const definitions = await actionDefinitions();
    expect(Object.keys(definitions).sort(), 'the Actions in src/actions').toEqual(actionsInSource().sort());
    const fields = Object.entries(definitions).flatMap(([name, definition]) =>
      fieldsOf(definition).map((field) => ({ name, field, key: `${name}.${field}` })),
    );
    expect(fields.length).toBeGreaterThan(100);
    const unknown = fields.filter(({ field }) => !(field in PLAUSIBLE)).map(({ key }) => key);
    expect(unknown, 'add a plausible value to PLAUSIBLE for each new field').toEqual([]);
    for (const key of [...MULTI_LINE, ...Object.keys(TAKES_ANYTHING)])
      expect(
        fields.map((entry) => entry.key),
        `${key} is not a field any more`,
      ).toContain(key);

    const before = await snapshot();
    const problems: string[] = [];
    let sent = 0;
    for (const { name, field, key } of fields.filter(({ key }) => !(key in TAKES_ANYTHING))) {
      const plausible = { ...PLAUSIBLE, ...PLAUSIBLE_IN[name] };
      const form = Object.fromEntries(fieldsOf(definitions[name]!).map((other) => [other, plausible[other]!]));
      const repeated = REPEATS[field] && REPEATS[field] in form ? REPEATS[field] : undefined;
      const payloads = MULTI_LINE.has(key) ? CONTROL : [...ONE_LINE_BREAKERS, ...CONTROL];
      for (const payload of payloads) {
        const corrupted = `${plausible[field]}${payload}end`;
        const response = await member.post(
          `/_actions/${name}`,
          { ...form, [field]: corrupted, ...(repeated ? { [repeated]: corrupted } : {}) },
          { accept: 'application/json' },
        );
        sent += 1;
        const text = await response.text();
        const said = `${key} with ${JSON.stringify(payload)} → ${response.status} ${text.slice(0, 200)}`;
        const body = JSON.parse(text) as { type?: string; fields?: Record<string, string[]> };
        const messages = body.fields?.[field] ?? [];
        // Only this field is refused: the rest of the form was right, so the payload is why.
        if (response.status !== 400 || messages.length === 0 || messages.some((m) => m.trim() === ''))
          problems.push(said);
        else if (Object.keys(body.fields ?? {}).join() !== field) problems.push(`${said} (other fields refused too)`);
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(await snapshot(), 'nothing was written').toBe(before);
  }, 120_000);

  it('shows the message beside the field on the page, and keeps what was there: the profile name', async () => {
    const response = await member.post('/account?_action=account.updateProfile', {
      name: 'Bob\r\nBcc: victim@example.com',
      timeZone: 'Europe/Paris',
      emailReminders: 'on',
    });
    expect(response.status).toBe(400);
    expect(visible(await response.text())).toContain(
      'Keep this on one line: line breaks and tabs cannot be used here.',
    );
    expect(await value("SELECT name FROM users WHERE email = 'input@example.com'")).toBe('Sam');
  });

  it('and the tracker’s contact name', async () => {
    const entries = await value('SELECT count(*) FROM opportunities');
    const response = await member.post(
      '/tracker/new?_action=tracker.create',
      interviewForm({ contactName: 'Priya\r\nBcc: victim@example.com' }),
    );
    expect(response.status).toBe(400);
    expect(visible(await response.text())).toContain(
      'Keep this on one line: line breaks and tabs cannot be used here.',
    );
    expect(await value('SELECT count(*) FROM opportunities')).toBe(entries);
  });
});

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

describe('dates', () => {
  it.each([
    ['9999-12-31', 'Check the year: use a date between 2000 and 2099.'],
    ['2100-01-01', 'Check the year: use a date between 2000 and 2099.'],
    ['1999-12-31', 'Check the year: use a date between 2000 and 2099.'],
    ['2026-02-30', 'Use a real date, like 2026-12-03.'],
    ['2026-13-45', 'Use a real date, like 2026-12-03.'],
  ])('a conversation on %s is refused even when confirmed, with a message', async (happenedOn, message) => {
    const entries = await value('SELECT count(*) FROM opportunities');
    const response = await member.post(
      '/tracker/new?_action=tracker.create',
      interviewForm({ happenedOn, confirmDates: 'on' }),
    );
    expect(response.status).toBe(400);
    expect(visible(await response.text())).toContain(message);
    expect(await value('SELECT count(*) FROM opportunities')).toBe(entries);
  });

  it.each([
    ['/coach', 'from=2026-13-45', 'The "from" date is not right. Use a real date, like 2026-12-03.'],
    ['/coach', 'from=2026-00-10&to=2026-01-10', 'The "from" date is not right. Use a real date, like 2026-12-03.'],
    ['/coach', 'from=2026-01-01&to=9999-99-99', 'The "to" date is not right. Use a real date, like 2026-12-03.'],
    ['/coach', 'from=2026-01-01&to=2099-01-01', 'Choose a period of at most two years.'],
    ['/coach/leads', 'from=9999-12-31', 'The "from" date is not right. Check the year'],
    ['/coach/leads.csv', 'to=2026-02-30', 'The "to" date is not right. Use a real date'],
  ])('the coach’s %s?%s is a 400 that says why', async (path, query, message) => {
    const response = await coach.get(`${path}?${query}`);
    expect(response.status).toBe(400);
    expect(visible(await response.text()).replaceAll('&quot;', '"')).toContain(message);
    expect((await coach.get(`${path}?from=2026-01-01&to=2026-02-01`)).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------------

describe('imported files get the forms’ rules', () => {
  it('a tracker CSV row with a line break in a one-line cell is reported, and only the good rows are added', async () => {
    const header =
      'kind,company,role_title,contact_name,contact_role,contact_email,stage,conversation_date,conversation_time,decision_by,timing_note,specific_detail,value_idea,notes';
    const csv = [
      header,
      'networking,Acme,,"Bob\r\nBcc: victim@example.com",,,open,2026-01-05,10:00,,,,,',
      'networking,Acme,,Ann\u0000,,,open,2026-01-05,10:00,,,,,',
      'networking,Acme,,Dee,,,open,9999-12-31,10:00,,,,,',
      'networking,Globex,,Cy,,,open,,,,,,,"Notes\nover two lines"',
    ].join('\r\n');
    const form = new FormData();
    form.append('file', new Blob([csv]), 'tracker.csv');
    const response = await member.postMultipart('/tracker/data?_action=tracker.importFile', form);
    expect(response.status).toBe(200);
    const page = visible(await response.text());
    expect(page).toContain('Keep this on one line: line breaks and tabs cannot be used here.');
    expect(page).toContain('This has characters we cannot store.');
    expect(page).toContain('Check the year: use a date between 2000 and 2099.');
    const names = (
      await sql.execute("SELECT contact_name, notes FROM opportunities WHERE company IN ('Acme', 'Globex')")
    ).rows;
    expect(names.map((row) => row['contact_name'])).toEqual(['Cy']);
    expect(names[0]!['notes']).toBe('Notes\nover two lines');
  });

  it('a comment export with line breaks or control characters in one-line values, or far dates, adds none of them', async () => {
    const comment = (overrides: Record<string, unknown>) => ({
      id: `imported-${Object.keys(overrides)[0]}`,
      articleSlug: SLUG,
      parentId: null,
      authorEmail: null,
      body: 'An imported comment.',
      status: 'published',
      createdAt: '2026-01-02T03:04:05.000Z',
      ...overrides,
    });
    const file = JSON.stringify({
      format: 'own-the-follow-up/comments@1',
      comments: [
        comment({ authorEmail: 'a@example.com\r\nBcc: victim@example.com' }),
        comment({ parentId: 'imported-x\u0085y' }),
        comment({ createdAt: '9999-12-31T00:00:00.000Z' }),
        comment({ articleSlug: `${SLUG}\n` }),
        comment({ likeCount: 0 }),
      ],
    });
    const form = new FormData();
    form.append('file', new Blob([file]), 'comments.json');
    const before = await value('SELECT count(*) FROM comments');
    const response = await coach.postMultipart('/coach/comments?_action=comments.importJson', form);
    expect(response.status).toBeLessThan(500);
    // Only the one comment without a problem is added.
    expect(Number(await value('SELECT count(*) FROM comments'))).toBe(Number(before) + 1);
    expect(await value("SELECT count(*) FROM comments WHERE id <> 'imported-likeCount' AND id LIKE 'imported-%'")).toBe(
      0,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Rows stored before the rules
// ---------------------------------------------------------------------------------------------

describe('rows stored before these rules', () => {
  it('never break a page, an export, the calendar feed, a replan or an email', async () => {
    const legacy = await signedUpMember(base, sql, 'legacy@example.com', 'UTC');
    const userId = String(await value("SELECT id FROM users WHERE email = 'legacy@example.com'"));
    const add = async (company: string) => {
      const response = await legacy.post('/tracker/new?_action=tracker.create', interviewForm({ company }));
      expect(response.status).toBe(303);
      return /^\/tracker\/o\/([^?]+)/.exec(response.headers.get('location')!)![1]!;
    };
    const due = await add('Due Today');
    const far = await add('Far Future');
    const unreadable = await add('Broken Instant');
    const marked = await legacy.post(`/tracker/o/${due}?_action=tracker.markSent`, {
      opportunityId: due,
      step: 'thank-you',
      subject: 'Thanks',
      body: 'Hi',
    });
    expect(marked.status).toBe(303);
    // What the forms refuse today, written as old versions of the site (or an import) could have.
    const year9999 = Date.UTC(9999, 11, 31, 12);
    const beyondDates = 9e15;
    const now = Date.now();
    for (const [query, args] of [
      [
        "UPDATE opportunities SET contact_name = ?, company = ?, plan_state = 'step', plan_step = 'first-check-in', plan_due_at = ?, plan_earliest_at = ? WHERE id = ?",
        ['Bob\r\nBcc: victim@example.com', 'Acme\nX-Evil: 1', now - 3_600_000, now - 7_200_000, due],
      ],
      ['UPDATE opportunities SET plan_due_at = ?, plan_earliest_at = ? WHERE id = ?', [year9999, year9999, far]],
      ['UPDATE conversations SET at = ?, decision_by = ? WHERE opportunity_id = ?', [year9999, '9999-99-99', far]],
      [
        'UPDATE opportunities SET plan_due_at = ?, plan_earliest_at = ? WHERE id = ?',
        [beyondDates, beyondDates, unreadable],
      ],
      ['UPDATE conversations SET at = ?, decision_by = ? WHERE opportunity_id = ?', [beyondDates, 'soon', unreadable]],
      ['UPDATE touches SET at = ?, subject = ? WHERE opportunity_id = ?', [beyondDates, 'Re:\r\nBcc: x', due]],
    ] as const)
      await sql.execute({ sql: query, args: [...args] });

    const broken: string[] = [];
    for (const path of [
      '/tracker',
      '/tracker/board',
      '/tracker/stats',
      '/tracker/data',
      '/tracker/export.csv',
      '/tracker/export.json',
      '/account',
      '/account/export.json',
      ...[due, far, unreadable].flatMap((id) => [`/tracker/o/${id}`, `/tracker/o/${id}/edit`]),
    ]) {
      const response = await legacy.get(path);
      if (response.status !== 200) broken.push(`${path} → ${response.status}`);
    }

    expect(broken).toEqual([]);
    const feedOn = await legacy.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'on' });
    const token = /\/tracker\/calendar\/([\w-]+)\.ics/.exec(await feedOn.text())![1]!;
    const feed = await new Browser(base).get(`/tracker/calendar/${token}.ics`);
    expect(feed.status).toBe(200);
    const calendar = await feed.text();
    expect(calendar).toContain('BEGIN:VCALENDAR');
    expect(calendar).not.toContain('Far Future');
    expect(calendar).not.toContain('Broken Instant');

    // A new zone replans every entry, the old ones included.
    const zone = await legacy.post('/account?_action=account.updateProfile', {
      name: 'Lee',
      timeZone: 'Pacific/Kiritimati',
      emailReminders: 'on',
    });
    expect(zone.status).toBe(200);
    await sql.execute({
      sql: "UPDATE opportunities SET plan_state = 'step', plan_step = 'first-check-in' WHERE id = ?",
      args: [due],
    });

    // The morning reminder quotes the contact's name in its subject: on one line. (At 10:00 UTC
    // today, whatever the time the test runs.)
    const morning = new Date(`${new Date().toISOString().slice(0, 10)}T10:00:00Z`).getTime();
    await sql.execute({ sql: "UPDATE users SET time_zone = 'UTC' WHERE id = ?", args: [userId] });
    await sql.execute({
      sql: 'UPDATE opportunities SET plan_due_at = ?, plan_earliest_at = ?, reminded_key = NULL WHERE id = ?',
      args: [morning - 3_600_000, morning - 7_200_000, due],
    });
    const db = openDatabase({ url: database.url });
    try {
      expect(
        await runReminders(
          testAppContext({ db, secret: TEST_APP_SECRET, siteUrl: 'https://follow.example', now: new Date(morning) }),
        ),
      ).toBeGreaterThan(0);
    } finally {
      db.$client.close();
    }
    const subject = String(
      await value("SELECT subject FROM outbox WHERE kind = 'tracker-reminder' AND to_address = ?", [
        'legacy@example.com',
      ]),
    );
    expect(subject).toContain('Bob Bcc: victim@example.com');
    expect(subject).not.toMatch(/[\r\n]/);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Server islands
// ---------------------------------------------------------------------------------------------

describe('server islands', () => {
  it('each island asked for without its props, or with a body the page never sends, is a 400 with a message', async () => {
    const page = await (await new Browser(base).get('/articles/final-round-follow-up-playbook')).text();
    const islands = [...page.replaceAll('&amp;', '&').matchAll(/\/_server-islands\/(\w+)\?e=([^&"]*)&p=([^&"]*)&s=/g)];
    const names = new Set(islands.map((match) => match[1]));
    expect([...names].sort()).toEqual(['AccountNav', 'CommentsIsland', 'PremiumRest']);
    const visitor = new Browser(base);
    for (const [, name, e = '', p = ''] of islands) {
      const real = await visitor.get(`/_server-islands/${name}?e=${e}&p=${p}&s=`);
      expect(real.status, name).toBe(200);
      const asked = [`e=${e}&p=${p}`, 'e=x&p=&s=', `e=${e.slice(0, -8)}&p=${p}&s=`];
      // Left out, cut short or sent as slots: the props of an island that has some.
      if (p !== '') asked.push(`e=${e}&p=&s=`, `e=${e}&p=${p.slice(0, -8)}&s=`, `e=${e}&p=${p}&s=${p}`);
      for (const query of asked) {
        const response = await visitor.get(`/_server-islands/${name}?${query}`);
        expect(response.status, `${name}?${query.slice(0, 60)}`).toBe(400);
        expect(await response.text()).toMatch(/could not be loaded/);
      }
      for (const body of ['null', '[]', '{"encryptedComponentExport":1}', '{']) {
        const response = await visitor.send(`/_server-islands/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect(response.status, `${name} ${body}`).toBe(400);
        expect((await response.text()).length).toBeGreaterThan(20);
      }
    }
  });
});

it('the server logged no error', () => {
  expect(errorLines(server.output()).slice(0, 20)).toEqual([]);
});

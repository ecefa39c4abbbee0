/**
 * The tracker through HTTP on the built server, as browsers use it without JavaScript: adding,
 * bad input, the playbook's next step, another member's ids on every route, import, export, the
 * calendar feed and the one-click reminders switch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/lib/auth/tokens.server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { startMemberServer, TEST_APP_SECRET, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from '../../src/lib/http/request-body.ts';
import { MAX_IMPORT_FILE_BYTES } from '../../src/lib/tracker/import-report.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const SECRET = TEST_APP_SECRET;
const count = async (query: string) => Number((await sql.execute(query)).rows[0]![0]);

beforeAll(async () => {
  server = await startMemberServer(database.url);
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

/** Yesterday at 14:00 in Paris (the members' zone), as the form sends it. */
function yesterday(): string {
  const date = new Date(Date.now() - 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);
}

const interview = (overrides: Record<string, string> = {}) => ({
  kind: 'interview',
  company: 'Northwind Labs',
  roleTitle: 'Product Designer',
  contactName: 'Priya Shah',
  contactEmail: 'priya@northwind.example',
  happenedOn: yesterday(),
  happenedAt: '14:00',
  decisionBy: '',
  specificDetail: 'design critiques across time zones',
  ...overrides,
});

async function addInterview(browser: Browser, overrides: Record<string, string> = {}): Promise<string> {
  const response = await browser.post('/tracker/new?_action=tracker.create', interview(overrides));
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  const id = /^\/tracker\/o\/([^?]+)\?saved=created/.exec(location)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

describe('signed out', () => {
  it('sends visitors to sign in and refuses their writes', async () => {
    const visitor = new Browser(base);
    const home = await visitor.get('/tracker');
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/login?next=%2Ftracker');
    expect((await visitor.get('/tracker/export.csv')).status).toBe(401);
    expect((await visitor.get('/tracker/export.json')).status).toBe(401);
    const write = await visitor.post('/tracker/new?_action=tracker.create', interview());
    expect(write.status).toBe(303); // the page itself sends them to sign in
    expect(await count('SELECT count(*) FROM opportunities')).toBe(0);
  });
});

describe('adding a conversation', () => {
  let sam: Browser;
  beforeAll(async () => {
    sam = await signedUpMember(base, sql, 'adder@example.com');
  });

  it('shows each problem beside its field, keeps what was typed, and writes nothing', async () => {
    const response = await sam.post(
      '/tracker/new?_action=tracker.create',
      interview({
        company: '',
        contactName: ' ',
        contactEmail: 'not-an-address',
        happenedOn: '2026-02-30',
        roleTitle: '',
      }),
    );
    expect(response.status).toBe(400);
    const html = visible(await response.text());
    expect(html).toContain('Add the company');
    expect(html).toContain('Add the name of the person you spoke with.');
    expect(html).toContain('That email address does not look right');
    expect(html).toContain('Use a real date, like 2026-12-03.');
    expect(html).toContain('value="not-an-address"');
    expect(html).toContain('value="design critiques across time zones"');
    expect(await count('SELECT count(*) FROM opportunities')).toBe(0);
  });

  it('asks for the role of an interview, but not of a networking call', async () => {
    const response = await sam.post('/tracker/new?_action=tracker.create', interview({ roleTitle: '' }));
    expect(response.status).toBe(400);
    expect(visible(await response.text())).toContain('Add the role you interviewed for.');
    await addInterview(sam, { kind: 'networking', roleTitle: '', company: 'Independent' });
  });

  it('questions a date in the future or long ago, and accepts it once confirmed', async () => {
    const before = await count('SELECT count(*) FROM opportunities');
    const future = await sam.post('/tracker/new?_action=tracker.create', interview({ happenedOn: '2030-01-01' }));
    expect(future.status).toBe(400);
    const html = visible(await future.text());
    expect(html).toContain('This is in the future.');
    expect(html).toContain('Yes, these dates are right');
    const old = await sam.post('/tracker/new?_action=tracker.create', interview({ happenedOn: '2019-05-01' }));
    expect(visible(await old.text())).toContain('This is over a year ago.');
    expect(await count('SELECT count(*) FROM opportunities')).toBe(before);
    await addInterview(sam, { happenedOn: '2019-05-01', confirmDates: 'on' });
  });

  it('never accepts a decision date before the conversation, even confirmed', async () => {
    const response = await sam.post(
      '/tracker/new?_action=tracker.create',
      interview({ decisionBy: '2020-01-01', confirmDates: 'on' }),
    );
    expect(response.status).toBe(400);
    expect(visible(await response.text())).toContain('Their decision date is before the conversation.');
  });

  it('refuses a post from another site', async () => {
    const before = await count('SELECT count(*) FROM opportunities');
    const response = await sam.post('/tracker/new?_action=tracker.create', interview(), {
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(await count('SELECT count(*) FROM opportunities')).toBe(before);
  });
});

describe('the next step, through the pages', () => {
  it('drafts the thank-you, then schedules the check-in, then pauses on a reply', async () => {
    const sam = await signedUpMember(base, sql, 'flow@example.com');
    const id = await addInterview(sam);
    const detail = visible(await (await sam.get(`/tracker/o/${id}`)).text());
    expect(detail).toContain('Next: Thank-you note');
    expect(detail).toContain('24 hours after your interview');
    expect(detail).toContain('Hi Priya,');
    expect(detail).toContain('design critiques across time zones');
    expect(detail).toContain('mailto:priya@northwind.example?subject=Thank%20you%3A%20Product%20Designer%20interview');
    const home = visible(await (await sam.get('/tracker')).text());
    expect(home).toMatch(/Northwind Labs: Priya Shah/);

    const sent = await sam.post(`/tracker/o/${id}?_action=tracker.markSent`, {
      opportunityId: id,
      step: 'thank-you',
      subject: 'Thank you',
      body: 'Hi Priya, thank you.',
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/tracker/o/${id}?saved=sent#next`);
    const afterSent = visible(await (await sam.get(`/tracker/o/${id}?saved=sent`)).text());
    expect(afterSent).toContain('Next: Status check-in');
    expect(afterSent).toContain('You sent: Thank-you note');

    const replied = await sam.post(`/tracker/o/${id}?_action=tracker.logReply`, {
      opportunityId: id,
      sentOn: '',
      decisionBy: '',
      note: 'We will be in touch',
    });
    expect(replied.status).toBe(303);
    const paused = visible(await (await sam.get(`/tracker/o/${id}`)).text());
    expect(paused).toContain('the schedule is paused');
    expect(paused).toContain('We will be in touch');
  });

  it('refuses a send date in the future or a bad time, logging nothing', async () => {
    const sam = await signedUpMember(base, sql, 'dates@example.com');
    const id = await addInterview(sam);
    const attempts: Record<string, string>[] = [
      { sentOn: '2031-01-01' },
      { sentOn: yesterday(), sentAt: '25:00' },
      { sentOn: 'soon' },
    ];
    for (const fields of attempts) {
      const response = await sam.post(`/tracker/o/${id}?_action=tracker.markSent`, {
        opportunityId: id,
        step: 'thank-you',
        ...fields,
      });
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toMatch(/This is in the future|Use a time like 14:30|Use a real date/);
    }
    expect(await count(`SELECT count(*) FROM touches WHERE opportunity_id = '${id}'`)).toBe(0);
  });
});

describe('bad input on the entry forms', () => {
  it('refuses each with a clear message, changes nothing, and never answers 500', async () => {
    const sam = await signedUpMember(base, sql, 'badforms@example.com');
    const id = await addInterview(sam, { company: 'Steady Co' });
    const snapshot = async () =>
      JSON.stringify([
        (await sql.execute(`SELECT * FROM opportunities WHERE id = '${id}'`)).rows,
        (await sql.execute(`SELECT count(*) FROM conversations WHERE opportunity_id = '${id}'`)).rows,
        (await sql.execute(`SELECT count(*) FROM touches WHERE opportunity_id = '${id}'`)).rows,
        (await sql.execute('SELECT calendar_token_hash FROM tracker_settings')).rows,
      ]);
    const before = await snapshot();
    const attempts: [string, string, Record<string, string>, RegExp][] = [
      [
        `/tracker/o/${id}/edit`,
        'tracker.update',
        { id, ...interview({ company: '', contactEmail: 'nope' }) },
        /Add the company/,
      ],
      [`/tracker/o/${id}`, 'tracker.setStage', { id, stage: 'hired' }, /Something in the form was not as expected/],
      [`/tracker/o/${id}`, 'tracker.archive', { id, archived: 'maybe' }, /Something in the form was not as expected/],
      [
        `/tracker/o/${id}`,
        'tracker.remove',
        { id },
        /Tick .{1,6}Yes, delete it.{1,6} to confirm\. Nothing was deleted\./,
      ],
      [`/tracker/o/${id}`, 'tracker.logReply', { opportunityId: id, decisionBy: '2001-01-01' }, /before their reply/],
      [`/tracker/o/${id}`, 'tracker.logReply', { opportunityId: id, sentOn: '2026-13-40' }, /Use a real date/],
      [`/tracker/o/${id}`, 'tracker.addRound', { opportunityId: id, happenedOn: '' }, /Add the date you spoke/],
      [`/tracker/o/${id}`, 'tracker.undoTouch', { touchId: 'not-a-touch', opportunityId: id }, /not in your tracker/],
      ['/tracker/data', 'tracker.calendarFeed', { enable: 'sometimes' }, /Choose to turn the feed on or off/],
      ['/tracker/board', 'tracker.setStage', { id, stage: '' }, /Something in the form was not as expected/],
    ];
    for (const [path, action, fields, message] of attempts) {
      const response = await sam.post(`${path}?_action=${action}`, fields);
      expect(response.status, action).toBeGreaterThanOrEqual(400);
      expect(response.status, action).toBeLessThan(500);
      expect(visible(await response.text()), action).toMatch(message);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('a burst of tracker writes', () => {
  it('allows 300 changes a minute per member, then refuses with a message and changes nothing', async () => {
    const sam = await signedUpMember(base, sql, 'burst@example.com');
    const ana = await signedUpMember(base, sql, 'burst-other@example.com');
    const id = await addInterview(sam, { company: 'Burst Co' });
    // addInterview was the first write of the minute.
    for (let n = 1; n < 300; n++) {
      const archived = await sam.post(`/_actions/tracker.archive`, { id, archived: n % 2 ? 'true' : 'false' });
      expect(archived.status, `write ${n + 1}`).toBe(200);
    }
    const stage = await sam.post(`/tracker/o/${id}?_action=tracker.setStage`, { id, stage: 'closed' });
    expect(stage.status).toBe(429);
    expect(visible(await stage.text())).toMatch(
      /Too many changes to your tracker in a minute\. Please wait (\d+ seconds?|1 minute) and try again/,
    );
    expect(await count(`SELECT count(*) FROM opportunities WHERE id = '${id}' AND stage = 'closed'`)).toBe(0);
    // Another member is not held back by Sam's burst.
    expect((await ana.post('/tracker/new?_action=tracker.create', interview({ company: 'Calm Co' }))).status).toBe(303);
  });
});

describe("another member's entries", () => {
  it('are answered like ids that do not exist, on every route, and stay unchanged', async () => {
    const sam = await signedUpMember(base, sql, 'owner@example.com');
    const eve = await signedUpMember(base, sql, 'eve@example.com');
    const id = await addInterview(sam, { company: 'Secret Corp' });
    await sam.post(`/tracker/o/${id}?_action=tracker.markSent`, { opportunityId: id, step: 'thank-you' });
    const touchId = String((await sql.execute(`SELECT id FROM touches WHERE opportunity_id = '${id}'`)).rows[0]![0]);
    const snapshot = async () =>
      JSON.stringify([
        (await sql.execute(`SELECT * FROM opportunities WHERE id = '${id}'`)).rows,
        (await sql.execute(`SELECT * FROM conversations WHERE opportunity_id = '${id}'`)).rows,
        (await sql.execute(`SELECT * FROM touches WHERE opportunity_id = '${id}'`)).rows,
      ]);
    const before = await snapshot();

    for (const path of [`/tracker/o/${id}`, `/tracker/o/${id}/edit`]) {
      const response = await eve.get(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('Secret Corp');
    }
    const attempts: [string, Record<string, string>][] = [
      ['tracker.markSent', { opportunityId: id, step: 'thank-you' }],
      ['tracker.logReply', { opportunityId: id }],
      ['tracker.addRound', { opportunityId: id, happenedOn: yesterday(), happenedAt: '10:00' }],
      ['tracker.setStage', { id, stage: 'closed' }],
      ['tracker.archive', { id, archived: 'true' }],
      ['tracker.remove', { id, confirm: 'on' }],
      ['tracker.undoTouch', { touchId, opportunityId: id }],
      ['tracker.update', { id, ...interview({ company: 'Hacked' }) }],
    ];
    for (const [action, fields] of attempts) {
      const response = await eve.post(`/tracker/o/${id}?_action=${action}`, fields);
      expect(response.status, action).toBe(404);
    }
    expect(await snapshot()).toBe(before);

    for (const path of [
      '/tracker',
      '/tracker/board?q=Secret',
      '/tracker/export.csv',
      '/tracker/export.json',
      '/tracker/stats',
    ]) {
      expect(await (await eve.get(path)).text(), path).not.toContain('Secret Corp');
    }
    expect(await (await sam.get('/tracker/export.csv')).text()).toContain('Secret Corp');
    expect(await (await sam.get('/tracker/board?q=Secret')).text()).toContain('Secret Corp');
  });
});

describe('import, export and the calendar feed', () => {
  it('imports good rows, reports bad ones by row and column, and exports them back', async () => {
    const sam = await signedUpMember(base, sql, 'importer@example.com');
    const header =
      'kind,company,role_title,contact_name,contact_role,contact_email,stage,conversation_date,conversation_time,decision_by,timing_note,specific_detail,value_idea,notes';
    const csv = [
      header,
      `interview,Contoso,Analyst,Ana Lima,,ana@contoso.example,open,${yesterday()},10:00,,,,,`,
      `interview,Contoso,Analyst,Ana Lima,,ana@contoso.example,open,${yesterday()},15:00,,,second round,,`,
      `networking,,,Bo Chen,,,open,${yesterday()},10:00,,,,,`,
      `interview,Fabrikam,Lead,Cy Diaz,,bad-email,open,2026-13-01,10:00,,,,,`,
    ].join('\r\n');
    const form = new FormData();
    form.set('file', new File([csv], 'tracker.csv', { type: 'text/csv' }));
    const response = await sam.postMultipart('/tracker/data?_action=tracker.importFile', form);
    expect(response.status).toBe(200);
    const html = visible(await response.text());
    expect(html).toContain('Added 1 entry from 2 of 4 rows.');
    expect(html).toMatch(/<td>4<\/td>\s*<td>company<\/td>/);
    expect(html).toMatch(/<td>5<\/td>\s*<td>contact_email<\/td>/);
    expect(html).toMatch(/<td>5<\/td>\s*<td>conversation_date<\/td>/);

    const exportedBytes = new Uint8Array(await (await sam.get('/tracker/export.csv')).arrayBuffer());
    // A UTF-8 byte order mark first, so Excel opened by double-click reads the accents.
    expect([...exportedBytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const exported = new TextDecoder('utf-8', { ignoreBOM: true }).decode(exportedBytes).slice(1);
    expect(exported.split('\r\n')[0]).toBe(
      header
        .split(',')
        .map((name) => `"${name}"`)
        .join(','),
    );
    expect(exported.match(/Contoso/g)).toHaveLength(2);
    const json = (await (await sam.get('/tracker/export.json')).json()) as {
      opportunities: { company: string; conversations: unknown[] }[];
    };
    expect(json.opportunities).toHaveLength(1);
    expect(json.opportunities[0]!.conversations).toHaveLength(2);
  });

  it('imports a Windows-1252 file (Excel in many locales) with its accents, saying which encoding it assumed', async () => {
    const sam = await signedUpMember(base, sql, 'cp1252@example.com');
    const header =
      'kind,company,role_title,contact_name,contact_role,contact_email,stage,conversation_date,conversation_time,decision_by,timing_note,specific_detail,value_idea,notes';
    const text = [header, `interview,Müller GmbH,Analyst,Renée Roß,,,open,${yesterday()},10:00,,,,,`].join('\r\n');
    // Windows-1252 bytes: every character above is Latin-1, which Windows-1252 shares.
    const bytes = Uint8Array.from([...text].map((char) => char.charCodeAt(0)));
    const form = new FormData();
    form.set('file', new File([bytes], 'tracker.csv', { type: 'text/csv' }));
    const response = await sam.postMultipart('/tracker/data?_action=tracker.importFile', form);
    expect(response.status).toBe(200);
    const html = visible(await response.text());
    expect(html).toContain('Added 1 entry from 1 of 1 rows.');
    expect(html).toContain('read as Windows-1252');
    const exported = await (await sam.get('/tracker/export.csv')).text();
    expect(exported).toContain('"Müller GmbH"');
    expect(exported).toContain('"Renée Roß"');
    expect(exported).not.toContain('\uFFFD');
  });

  it('imports a semicolon-separated file, and says nothing was imported when a file is refused', async () => {
    const sam = await signedUpMember(base, sql, 'semicolons@example.com');
    const header =
      'kind;company;role_title;contact_name;contact_role;contact_email;stage;conversation_date;conversation_time;decision_by;timing_note;specific_detail;value_idea;notes';
    const post = async (text: string) => {
      const form = new FormData();
      form.set('file', new File([text], 'tracker.csv', { type: 'text/csv' }));
      const response = await sam.postMultipart('/tracker/data?_action=tracker.importFile', form);
      expect(response.status).toBe(200);
      return visible(await response.text());
    };
    const good = await post(
      [header, `interview;Contoso;Analyst;Ana Lima;;;open;${yesterday()};10:00;;;;;1,5k`].join('\r\n'),
    );
    expect(good).toContain('Added 1 entry from 1 of 1 rows.');
    const refused = await post('kind|company\r\ninterview|Contoso');
    expect(refused).toContain('Nothing was imported');
    expect(refused).not.toMatch(/0 of 0 rows|row was skipped/);
  });

  it('moves a whole tracker to another account through the JSON export, once however often it is imported', async () => {
    const ana = await signedUpMember(base, sql, 'json-from@example.com');
    const id = await addInterview(ana, { company: 'Société Générale', contactName: 'Jürgen Weiß' });
    await ana.post(`/tracker/o/${id}?_action=tracker.markSent`, {
      opportunityId: id,
      step: 'thank-you',
      subject: 'Thank you',
      body: 'Merci, Jürgen.',
    });
    await ana.post(`/tracker/o/${id}?_action=tracker.logReply`, { opportunityId: id, note: 'Back in two weeks' });
    const archived = await addInterview(ana, { company: 'Archived AG' });
    await ana.post(`/tracker/o/${archived}?_action=tracker.archive`, { id: archived, archived: 'true' });
    const exported = await (await ana.get('/tracker/export.json')).text();

    const bo = await signedUpMember(base, sql, 'json-to@example.com');
    const upload = async () => {
      const form = new FormData();
      form.set('file', new File([exported], 'follow-up-tracker.json', { type: 'application/json' }));
      const response = await bo.postMultipart('/tracker/data?_action=tracker.importFile', form);
      expect(response.status).toBe(200);
      return visible(await response.text());
    };
    expect(await upload()).toContain('Added 2 entries from 2 of 2 entries.');
    const withoutIds = (json: string) =>
      JSON.parse(json, (key, value: unknown) => (key === 'id' || key === 'exportedAt' ? undefined : value)) as unknown;
    expect(withoutIds(await (await bo.get('/tracker/export.json')).text())).toEqual(withoutIds(exported));

    const moved = String(
      (
        await sql.execute(
          "SELECT id FROM opportunities WHERE company = 'Société Générale' AND user_id <> (SELECT id FROM users WHERE email = 'json-from@example.com')",
        )
      ).rows[0]![0],
    );
    const page = visible(await (await bo.get(`/tracker/o/${moved}`)).text());
    expect(page).toContain('the schedule is paused');
    expect(page).toContain('Back in two weeks');
    expect(page).not.toContain('Next: Thank-you note');

    expect(await upload()).toContain(
      'Added 0 entries from 2 of 2 entries. 2 entries were already in your tracker and left as they were.',
    );
    expect(
      await count(
        "SELECT count(*) FROM opportunities WHERE user_id = (SELECT id FROM users WHERE email = 'json-to@example.com')",
      ),
    ).toBe(2);
  });

  it('reports a JSON entry it cannot take by its place and field, and imports the others', async () => {
    const sam = await signedUpMember(base, sql, 'json-bad@example.com');
    const entry = { kind: 'networking', company: 'Contoso', contactName: 'Ana Lima', conversations: [], touches: [] };
    const file = JSON.stringify({
      opportunities: [entry, { ...entry, touches: [{ type: 'sent', at: 'last Tuesday' }] }],
    });
    const form = new FormData();
    form.set('file', new File([file], 'tracker.json', { type: 'application/json' }));
    const html = visible(await (await sam.postMultipart('/tracker/data?_action=tracker.importFile', form)).text());
    expect(html).toContain('Added 1 entry from 1 of 2 entries. 1 entry was skipped: see why below.');
    expect(html).toMatch(/<th[^>]*>Entry<\/th>/);
    expect(html).toMatch(/<td>2<\/td>\s*<td>message 1, at<\/td>/);
  });

  it('refuses an empty file and one over the limit, importing nothing', async () => {
    const sam = await signedUpMember(base, sql, 'bigfile@example.com');
    for (const [content, message] of [
      ['', 'That file is empty.'],
      ['x'.repeat(MAX_IMPORT_FILE_BYTES + 1), 'That file is over 5 MB.'],
    ] as const) {
      const form = new FormData();
      form.set('file', new File([content], 'tracker.csv', { type: 'text/csv' }));
      const response = await sam.postMultipart('/tracker/data?_action=tracker.importFile', form);
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toContain(message);
    }
  });

  it('answers an upload larger than the site accepts on the import page, in the site layout, with the limit', async () => {
    const sam = await signedUpMember(base, sql, 'hugefile@example.com');
    const form = new FormData();
    form.set('file', new File(['x'.repeat(MAX_UPLOAD_BYTES + 1)], 'tracker.csv', { type: 'text/csv' }));
    const response = await sam.postMultipart('/tracker/data?_action=tracker.importFile', form);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = visible(await response.text());
    expect(html).toContain('<h1>Import, export, calendar</h1>');
    expect(html).toMatch(/id="import-file-error">\s*That file is over 5 MB\. Split it into smaller files/);
    expect(html).toMatch(/aria-invalid="true"/);
    // Said once, beside the field, not again above the page.
    expect(html).not.toContain('larger than this site accepts');
    expect(
      await count(
        "SELECT count(*) FROM opportunities WHERE user_id = (SELECT id FROM users WHERE email = 'hugefile@example.com')",
      ),
    ).toBe(0);

    // Any other form sent over its limit comes back as its page, saying so above it.
    const big = await sam.post('/tracker/new?_action=tracker.create', interview({ notes: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(big.status).toBe(413);
    const page = visible(await big.text());
    expect(page).toContain('What you sent was larger than this site accepts (1 MB), so nothing was saved.');
    expect(page).toMatch(/<form[^>]+tracker\.create/);
  });

  it('serves a private feed of due follow-ups that a new address or switching off revokes', async () => {
    const sam = await signedUpMember(base, sql, 'calendar@example.com');
    await addInterview(sam, { company: 'Calendar Co' });
    const feedUrl = async () => {
      const page = await (await sam.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'on' })).text();
      return new URL(/value="(http[^"]+\.ics)"/.exec(page)![1]!).pathname;
    };
    const first = await feedUrl();
    const feed = await sam.get(first);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const body = await feed.text();
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(body).toContain('SUMMARY:Thank-you note: Priya Shah\\, Calendar Co');

    const second = await feedUrl();
    expect((await new Browser(base).get(first)).status).toBe(404);
    expect((await new Browser(base).get(second)).status).toBe(200);
    await sam.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'off' });
    expect((await new Browser(base).get(second)).status).toBe(404);
    expect((await new Browser(base).get('/tracker/calendar/not-a-real-token-at-all.ics')).status).toBe(404);
  });

  it('holds the 500 due soonest, says how many it left out, and puts what is overdue on today', async () => {
    const sam = await signedUpMember(base, sql, 'many-due@example.com');
    const late = await addInterview(sam, { company: 'Late Co' });
    const day = 86_400_000;
    // The thank-you was due three days ago: overdue.
    await sql.execute({
      sql: 'UPDATE opportunities SET plan_due_at = ? WHERE id = ?',
      args: [Date.now() - 3 * day, late],
    });
    // 505 more entries with a check-in due in the coming days, written directly: 506 due in all.
    const userId = String((await sql.execute("SELECT id FROM users WHERE email = 'many-due@example.com'")).rows[0]![0]);
    await sql.execute({
      sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 505)
        INSERT INTO opportunities (id, user_id, kind, company, contact_name, plan_state, plan_step,
          plan_precision, plan_earliest_at, plan_due_at, plan_reason, last_activity_at)
        SELECT 'bulk-due-' || i, ?, 'interview', 'Bulk ' || i, 'Pat Lee', 'step', 'first-check-in',
          'day', ?, ? + i * 3600000, 'Check in.', ? FROM n`,
      args: [userId, Date.now(), Date.now() + day, Date.now()],
    });

    const page = await (await sam.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'on' })).text();
    const feed = await new Browser(base).get(new URL(/value="(http[^"]+\.ics)"/.exec(page)![1]!).pathname);
    expect(feed.status).toBe(200);
    const body = (await feed.text()).replace(/\r\n[ \t]/g, '');
    expect(body.match(/BEGIN:VEVENT/g)).toHaveLength(500);
    expect(body).toMatch(
      /\r\nX-WR-CALDESC:[^\r]*Showing the 500 due soonest\\; 6 more are in your tracker at http[^\r]*\/tracker\r\n/,
    );

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    const overdue = body.split('BEGIN:VEVENT').find((event) => event.includes('Late Co'))!;
    expect(overdue).toContain(`\r\nDTSTART;VALUE=DATE:${today.replace(/-/g, '')}\r\n`);
    expect(overdue).toContain('\r\nSUMMARY:Overdue: Thank-you note: Priya Shah\\, Late Co\r\n');
    expect(overdue).toMatch(/\r\nDESCRIPTION:Was due by \w{3} \d{1,2} \w{3}\\, /);
    expect(overdue).toContain(`\r\nUID:${late}/`);
    // The latest-due entries are the ones left out.
    expect(body).toContain('\r\nSUMMARY:Status check-in: Pat Lee\\, Bulk 499\r\n');
    expect(body).not.toContain('Bulk 500\r\n');
  });
});

describe('reminder emails', () => {
  it('turn off in one click from the email, without signing in', async () => {
    await signedUpMember(base, sql, 'remind@example.com');
    const userId = String((await sql.execute("SELECT id FROM users WHERE email = 'remind@example.com'")).rows[0]![0]);
    const token = signToken(SECRET, 'email-off', `reminders_${userId}`);

    const visitor = new Browser(base);
    const ask = await visitor.get(`/email/off?token=${token}`);
    expect(visible(await ask.text())).toContain('Stop reminder emails of follow-ups that are due?');
    // Mail providers POST the one-click unsubscribe from their own servers, with no Origin.
    const done = await fetch(`${base()}/email/off?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await count("SELECT email_reminders FROM users WHERE email = 'remind@example.com'")).toBe(0);

    const forged = await visitor.get(`/email/off?token=${token}x`);
    expect(forged.status).toBe(400);
  });
});

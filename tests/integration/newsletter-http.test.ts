/**
 * The coach's newsletter pages through HTTP on the built server, as a browser without JavaScript
 * uses them: visitors are sent to sign in and members answered 404 with nothing written; every bad
 * input (subject, body, audience, time, postal address, ids) gets a clear message beside its field
 * and writes nothing; and the way through: settings, a draft, its preview, a test, scheduling in
 * the coach's zone, unscheduling, and a queued broadcast that is read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const SLUG = 'thank-you-note-within-24-hours';

const words = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<iframe[\s\S]*?<\/iframe>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
/** The field error under a field, by the field's name. */
const fieldError = (html: string, name: string) =>
  [...html.matchAll(/<p class="field-error" id="f-([A-Za-z]+)-error"[^>]*>([\s\S]*?)<\/p>/g)]
    .find((match) => match[1] === name)?.[2]
    ?.replace(/<[^>]+>/g, '')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
const formError = (html: string) => /<p\b[^>]*role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim();

type Arg = string | number | null;
const rows = async (query: string, args: Arg[] = []) => (await sql.execute({ sql: query, args })).rows;

/** Everything these pages can write, to prove a refused request wrote none of it. */
async function snapshot(): Promise<string> {
  return JSON.stringify([
    await rows('SELECT * FROM broadcasts ORDER BY id'),
    await rows("SELECT id, kind, to_address FROM outbox WHERE kind LIKE 'broadcast%' ORDER BY id"),
    await rows("SELECT * FROM app_settings WHERE key = 'email.sender'"),
  ]);
}

let coach: Browser;
let member: Browser;
let visitor: Browser;

const editor = (fields: Record<string, string> = {}) => ({
  subject: 'Three follow-ups that work',
  preview: 'And one that never does',
  body: '## Hello\n\nRead [the guide](https://example.com/guide).',
  audienceKind: 'leads',
  audienceArticle: '',
  audienceTag: '',
  audienceFrom: '',
  audienceTo: '',
  ...fields,
});

async function newDraft(fields: Record<string, string> = {}): Promise<string> {
  const response = await coach.post('/coach/email/new?_action=newsletter.save', editor(fields));
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location).toMatch(/^\/coach\/email\/[A-Za-z0-9_-]+\?saved=saved$/);
  return /\/coach\/email\/([^?]+)/.exec(location)![1]!;
}

/** Posts and expects a refusal that wrote nothing; gives the page. */
async function refused(path: string, fields: Record<string, string>, status = 400): Promise<string> {
  const before = await snapshot();
  const response = await coach.post(path, fields);
  const html = await response.text();
  expect(response.status, `${path} ${JSON.stringify(fields).slice(0, 200)}`).toBe(status);
  expect(await snapshot()).toBe(before);
  return html;
}

beforeAll(async () => {
  server = await startMemberServer(database.url);
  coach = await signedUpCoach(base, sql, 'coach@example.com');
  await sql.execute("UPDATE users SET time_zone = 'America/New_York' WHERE email = 'coach@example.com'");
  member = await signedUpMember(base, sql, 'member@example.com');
  visitor = new Browser(base);
  for (const [i, consent] of [1, 1, 0].entries()) {
    await sql.execute({
      sql: `INSERT INTO leads (id, email, status, source_article, consent_text, consent_at, confirmed_at, created_at, newsletter_consent)
            VALUES (?, ?, 'confirmed', ?, 'Send me the cheat sheet', 1764000000000, 1764000000000, 1764000000000, ?)`,
      args: [`lead-${i}`, `reader-${i}@example.com`, SLUG, consent],
    });
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A day a few days from now: scheduling takes times within the next year. */
const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

const PAGES = ['/coach/email', '/coach/email/new', '/coach/email/settings', '/coach/email/abc123'];

describe('who may see and use the newsletter pages', () => {
  it('sends visitors to sign in and answers members 404, writing nothing', async () => {
    for (const path of PAGES) {
      const answer = await visitor.get(path);
      expect(answer.status, path).toBe(303);
      expect(answer.headers.get('location'), path).toBe(`/login?next=${encodeURIComponent(path)}`);
      expect((await member.get(path)).status, path).toBe(404);
    }
    const before = await snapshot();
    for (const [path, fields] of [
      ['/coach/email/new?_action=newsletter.save', editor()],
      ['/coach/email/new?_action=newsletter.sendTest', editor()],
      ['/coach/email/settings?_action=newsletter.setSender', { postalAddress: 'Somewhere' }],
      ['/coach/email?_action=newsletter.draftAnnouncement', { article: SLUG }],
    ] as const) {
      expect((await member.post(path, fields)).status, path).toBe(404);
      expect((await visitor.post(path, fields)).status, path).toBe(303);
    }
    const json = await member.post('/_actions/newsletter.preview', editor(), { accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(await snapshot()).toBe(before);
  });

  it('shows the coach the pages, with the note on tracking', async () => {
    const list = await coach.get('/coach/email');
    expect(list.status).toBe(200);
    const text = words(await list.text());
    expect(text).toContain('There is no tracking pixel and no per-person open tracking');
    expect(text).toContain('add your postal address');
    expect((await coach.get('/coach/email/new')).status).toBe(200);
    expect((await coach.get('/coach/email/settings')).status).toBe(200);
    const missing = await coach.get('/coach/email/abc123');
    expect(missing.status).toBe(404);
    expect(words(await missing.text())).toContain('There is no email with this id');
    expect(await (await coach.get('/coach')).text()).toContain('href="/coach/email"');
  });
});

describe('bad input: a clear message, nothing written', () => {
  it('refuses a draft’s bad fields', async () => {
    const save = '/coach/email/new?_action=newsletter.save';
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ body: '<script>alert(1)</script>' }, 'body', /Markdown: HTML such as <script>/],
      [{ body: '[click](javascript:alert(1))' }, 'body', /Links must start with https:/],
      [{ body: 'See ![a](https://x.example/a.png)' }, 'body', /Images are not sent/],
      [{ body: 'x'.repeat(20_001) }, 'body', /under 20,000 characters/],
      [{ subject: 'Hello\r\nBcc: all@example.com' }, 'subject', /one line/],
      [{ subject: 's'.repeat(151) }, 'subject', /under 150 characters/],
      [{ preview: 'p'.repeat(201) }, 'preview', /under 200 characters/],
      [{ audienceKind: 'nobody' }, 'audienceKind', /Choose who gets this email/],
      [{ audienceArticle: '../etc' }, 'audienceArticle', /Choose an article/],
      [{ audienceFrom: '2026-02-30' }, 'audienceFrom', /real date/],
      [{ audienceFrom: '2026-12-02', audienceTo: '2026-12-01' }, 'audienceTo', /swap them/],
      [{ audienceArticle: SLUG, audienceTag: 'Networking' }, 'audienceTag', /article or a tag, not both/],
    ];
    for (const [fields, field, message] of cases) {
      const html = await refused(save, editor(fields));
      expect(fieldError(html, field), JSON.stringify(fields).slice(0, 80)).toMatch(message);
    }
  });

  it('refuses to schedule or send what cannot go out, each problem beside its field', async () => {
    const id = await newDraft();
    const here = `/coach/email/${id}`;
    // No postal address yet: the message links to the setting.
    let html = await refused(`${here}?_action=newsletter.sendNow`, editor({ id }));
    expect(fieldError(html, 'sender')).toMatch(/Add your postal address/);
    expect(html).toContain('href="/coach/email/settings"');

    const settings = await coach.post('/coach/email/settings?_action=newsletter.setSender', {
      postalAddress: '12 Harbour Street, Leith',
      footerNote: '',
    });
    expect(settings.status).toBe(303);

    html = await refused(`${here}?_action=newsletter.schedule`, editor({ id, subject: '', date: soon, time: '09:00' }));
    expect(fieldError(html, 'subject')).toBe('Write a subject line.');
    html = await refused(`${here}?_action=newsletter.schedule`, editor({ id, body: '', date: soon, time: '09:00' }));
    expect(fieldError(html, 'body')).toBe('Write the email before sending it.');
    html = await refused(`${here}?_action=newsletter.schedule`, editor({ id, date: '2020-01-01', time: '09:00' }));
    expect(fieldError(html, 'time')).toMatch(/That time has passed: it is .* now/);
    html = await refused(`${here}?_action=newsletter.schedule`, editor({ id, date: 'soon', time: '9am' }));
    expect(fieldError(html, 'date')).toMatch(/Choose the day/);
    expect(fieldError(html, 'time')).toMatch(/Choose the time/);
    html = await refused(
      `${here}?_action=newsletter.schedule`,
      editor({ id, audienceKind: 'coaching', date: soon, time: '09:00' }),
    );
    expect(fieldError(html, 'audienceKind')).toMatch(/Nobody is in this audience/);
    html = await refused('/coach/email/new?_action=newsletter.schedule', editor({ date: soon, time: '09:00' }));
    expect(formError(html)).toMatch(/Save the email before scheduling it/);
    html = await refused('/coach/email?_action=newsletter.unschedule', { id: 'nope' }, 404);
    expect(formError(html)).toMatch(/There is no such email/);
    html = await refused('/coach/email?_action=newsletter.unschedule', { id: '' });
    expect(formError(html) ?? words(html)).toMatch(/Choose an email first|Something in the form/);
    html = await refused('/coach/email?_action=newsletter.draftAnnouncement', { article: 'no-such-article' }, 404);
    expect(formError(html)).toMatch(/no new article/);
  });

  it('refuses a settings form without an address, or one too long', async () => {
    let html = await refused('/coach/email/settings?_action=newsletter.setSender', { postalAddress: '  ' });
    expect(fieldError(html, 'postalAddress')).toMatch(/Write the postal address/);
    html = await refused('/coach/email/settings?_action=newsletter.setSender', { postalAddress: 'a'.repeat(301) });
    expect(fieldError(html, 'postalAddress')).toMatch(/under 300 characters/);
    html = await refused('/coach/email/settings?_action=newsletter.setSender', {
      postalAddress: 'Here',
      footerNote: 'n'.repeat(301),
    });
    expect(fieldError(html, 'footerNote')).toMatch(/under 300 characters/);
  });
});

describe('writing, testing and scheduling', () => {
  it('saves, previews, tests, schedules in the coach’s zone, unschedules, and a queued one is read-only', async () => {
    await coach.post('/coach/email/settings?_action=newsletter.setSender', {
      postalAddress: '12 Harbour Street, Leith',
      footerNote: 'Written by Cora.',
    });
    const id = await newDraft({ audienceArticle: SLUG });
    const here = `/coach/email/${id}`;
    const page = await coach.get(`${here}?saved=saved`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<iframe[^>]*sandbox="allow-popups allow-top-navigation-by-user-activation"[^>]*srcdoc="/);
    expect(html).toContain('12 Harbour Street, Leith');
    const text = words(html);
    expect(text).toContain('2 people in this audience now');
    expect(text).toContain('1 confirmed lead is left out');
    expect(page.headers.get('content-security-policy') ?? '').not.toMatch(/script-src[^;]*unsafe-inline/);

    // The island's live preview: JSON in, JSON out, nothing saved.
    const before = await snapshot();
    const preview = await coach.post(
      '/_actions/newsletter.preview',
      editor({ subject: 'Live', body: '**Bold** move', audienceKind: 'members' }),
      { accept: 'application/json' },
    );
    expect(preview.status).toBe(200);
    // Astro's serialised answer: the values in order (the email's HTML first).
    const answer = JSON.parse(await preview.text()) as unknown[];
    expect(answer[1]).toContain('<strong>Bold</strong> move');
    expect(await snapshot()).toBe(before);

    const test = await coach.post(`${here}?_action=newsletter.sendTest`, editor({ id, audienceArticle: SLUG }));
    expect(test.status).toBe(303);
    expect(test.headers.get('location')).toBe(`${here}?saved=test`);
    expect(await rows("SELECT to_address, batch_key FROM outbox WHERE kind = 'broadcast.test'")).toEqual([
      expect.objectContaining({ to_address: 'coach@example.com', batch_key: null }),
    ]);

    const schedule = await coach.post(
      `${here}?_action=newsletter.schedule`,
      editor({ id, audienceArticle: SLUG, date: soon, time: '09:30' }),
    );
    expect(schedule.status).toBe(303);
    const [row] = await rows('SELECT status, scheduled_at FROM broadcasts WHERE id = ?', [id]);
    // 09:30 in New York, on standard time in winter; on daylight time in summer.
    const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'short' })
      .formatToParts(new Date(`${soon}T12:00:00Z`))
      .find((part) => part.type === 'timeZoneName')!.value;
    expect(row).toMatchObject({
      status: 'scheduled',
      scheduled_at: Date.parse(`${soon}T${offset === 'EST' ? '14' : '13'}:30:00Z`),
    });
    // Scheduled: read-only until unscheduled.
    let refusedHtml = await refused(`${here}?_action=newsletter.save`, editor({ id, subject: 'Changed' }), 409);
    expect(formError(refusedHtml)).toMatch(/unschedule it before changing it/);
    const list = words(await (await coach.get('/coach/email')).text());
    expect(list).toContain('Three follow-ups that work');
    const unschedule = await coach.post(`${here}?_action=newsletter.unschedule`, { id });
    expect(unschedule.status).toBe(303);
    expect((await rows('SELECT status FROM broadcasts WHERE id = ?', [id]))[0]).toMatchObject({ status: 'draft' });

    // Once it is going out it cannot change or be unscheduled.
    await sql.execute({ sql: "UPDATE broadcasts SET status = 'sending' WHERE id = ?", args: [id] });
    refusedHtml = await refused(`${here}?_action=newsletter.save`, editor({ id }), 409);
    expect(formError(refusedHtml)).toMatch(/already been sent/);
    refusedHtml = await refused(`${here}?_action=newsletter.unschedule`, { id }, 409);
    expect(formError(refusedHtml)).toMatch(/can no longer be unscheduled/);
    expect(words(await (await coach.get(here)).text())).toContain('It is going out and can no longer be changed');
  });
});

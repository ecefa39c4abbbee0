import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { startServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

/** Form posts as a browser on our own page sends them. */
function post(
  server: RunningServer,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return fetch(server.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const CAPTURE = '/cheat-sheet?_action=leads.capture';
const valid = {
  email: 'reader@example.com',
  consent: 'on',
  sourcePath: '/articles/thank-you-note-within-24-hours',
  sourceArticle: 'thank-you-note-within-24-hours',
};
const visible = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '');

/** A capture's answer is a 303 to a GET page that says so, and the address is nowhere in the URL. */
async function inboxPageAfter(server: RunningServer, response: Response): Promise<string> {
  expect(response.status).toBe(303);
  const location = response.headers.get('location') ?? '';
  expect(new URL(location, server.url).pathname).toBe('/cheat-sheet/check-inbox');
  expect(decodeURIComponent(location)).not.toMatch(/@|example/i);
  const page = await fetch(new URL(location, server.url));
  expect(page.status).toBe(200);
  return visible(await page.text());
}

describe('the cheat-sheet funnel on the embedded default', () => {
  let server: RunningServer;
  const database = freshDatabaseFile();
  const sql = testClient(database.url);
  const count = async (table: string) =>
    Number((await sql.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!['n']);

  beforeAll(async () => {
    server = await startServer({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await server.stop();
    sql.close();
  });

  it('answers "check your inbox" and queues exactly one confirmation', async () => {
    const response = await post(server, CAPTURE, valid, {
      referer: `${server.url}/articles/thank-you-note-within-24-hours?utm_source=linkedin`,
    });
    expect(await inboxPageAfter(server, response)).toContain('Check your inbox');
    const [lead] = (await sql.execute('SELECT email, status, source_article, utm_source, consent_text FROM leads'))
      .rows;
    expect(lead).toMatchObject({
      email: 'reader@example.com',
      status: 'pending',
      source_article: 'thank-you-note-within-24-hours',
      utm_source: 'linkedin',
    });
    expect(await count('outbox')).toBe(1);
  });

  it('gives the same answer for a known address, without a second lead or email', async () => {
    const html = await inboxPageAfter(
      server,
      await post(server, CAPTURE, { ...valid, email: '  Reader@Example.COM ' }),
    );
    expect(html).toContain('Check your inbox');
    expect(await count('leads')).toBe(1);
    expect(await count('outbox')).toBe(1);
  });

  it.each([
    ['an empty address', { email: '' }, 'Enter your email address.'],
    ['a malformed address', { email: 'reader@example' }, 'That does not look like an email address'],
    ['a throwaway inbox', { email: 'someone@mailinator.com' }, 'throwaway addresses cannot receive the sheet'],
    ['a missing consent', { consent: '' }, 'Tick the box to agree'],
    ['an address of 300 characters', { email: `${'a'.repeat(290)}@example.com` }, 'too long'],
  ] as [string, Record<string, string>, string][])(
    'refuses %s with a clear message, keeps what was typed, and writes nothing',
    async (_name, change, message) => {
      const before = await count('leads');
      const response = await post(server, CAPTURE, { ...valid, email: 'new-person@example.com', ...change });
      expect(response.status).toBe(400);
      const html = visible(await response.text());
      expect(html).toContain(message.replace(/'/g, '&#39;'));
      expect(html).toContain('aria-invalid="true"');
      const typed = change['email'];
      if (typed && typed.length < 100) expect(html).toContain(`value="${typed}"`);
      expect(await count('leads')).toBe(before);
    },
  );

  it('answers a bot that fills the hidden field as if all went well, and stores nothing', async () => {
    const response = await post(server, CAPTURE, {
      ...valid,
      email: 'bot@example.com',
      website: 'http://spam.example',
    });
    expect(await inboxPageAfter(server, response)).toContain('Check your inbox');
    expect((await sql.execute("SELECT count(*) AS n FROM leads WHERE email = 'bot@example.com'")).rows[0]!['n']).toBe(
      0,
    );
  });

  it('refuses a form posted from another site, or with no origin at all', async () => {
    const crossSite = await post(
      server,
      CAPTURE,
      { ...valid, email: 'csrf@example.com' },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toMatch(/Cross-site/);
    const noOrigin = await fetch(server.url + CAPTURE, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...valid, email: 'csrf@example.com' }).toString(),
    });
    expect(noOrigin.status).toBe(403);
    expect((await sql.execute("SELECT count(*) AS n FROM leads WHERE email = 'csrf@example.com'")).rows[0]!['n']).toBe(
      0,
    );
  });

  it('shows the mail to this machine at /dev/mail, and the confirmation leads to the PDF', async () => {
    const list = await (await fetch(`${server.url}/dev/mail`)).text();
    const id = /href="\/dev\/mail\/(\d+)">Confirm your email/.exec(list)![1];
    const message = await (await fetch(`${server.url}/dev/mail/${id}`)).text();
    expect(message).toContain('sandbox=');
    const confirm = /\/cheat-sheet\/confirm\?token=[\w-]+/.exec(message)![0];
    const confirmed = visible(await (await fetch(server.url + confirm)).text());
    expect(confirmed).toContain('Your cheat sheet is ready');
    const download = /\/cheat-sheet\/download\?token=[\w.-]+/.exec(confirmed)![0].replaceAll('&amp;', '&');
    const pdf = await fetch(server.url + download);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('attachment');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');

    // The same confirmation link a second time no longer works.
    expect((await fetch(server.url + confirm)).status).toBe(400);
  });

  it('sends a broken or forged download link to a page that offers a fresh one', async () => {
    const response = await fetch(`${server.url}/cheat-sheet/download?token=dl.x.0.forged`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cheat-sheet/link-expired?reason=invalid');
    const page = await fetch(`${server.url}/cheat-sheet/link-expired?reason=invalid`);
    expect(page.status).toBe(410);
    expect(visible(await page.text())).toContain('Email me a fresh link');
  });

  it('unsubscribes in one click from a mail provider (POST, no Origin), and shows first on GET', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the worker delivers the sheet
    const [row] = (await sql.execute("SELECT headers FROM outbox WHERE kind = 'lead.delivery'")).rows;
    const header = (JSON.parse(String(row!['headers'])) as Record<string, string>)['List-Unsubscribe']!;
    const path = new URL(header.slice(1, -1)).pathname + new URL(header.slice(1, -1)).search;
    const shown = visible(await (await fetch(server.url + path)).text());
    expect(shown).toContain('Unsubscribe from our emails?');
    expect((await sql.execute('SELECT status FROM leads')).rows[0]!['status']).toBe('confirmed');

    const oneClick = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await sql.execute('SELECT status FROM leads')).rows[0]!['status']).toBe('unsubscribed');
    const forged = await fetch(`${server.url}/unsubscribe?token=unsub.x.0.forged`, { method: 'POST' });
    expect(forged.status).toBe(400);
  });

  it('limits captures from one address of origin, with the wait explained', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) last = await post(server, CAPTURE, { ...valid, email: `burst${i}@example.com` });
    expect(last!.status).toBe(429);
    expect(visible(await last!.text())).toMatch(
      /Too many requests from your network\. Please try again in \d+ minutes?\./,
    );
  });
});

describe('with Resend configured', () => {
  let server: RunningServer;
  let resend: FakeResend;

  beforeAll(async () => {
    resend = await startFakeResend();
    server = await startServer({
      DATABASE_URL: freshDatabaseFile().url,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
    });
  });
  afterAll(async () => {
    await server.stop();
    await resend.close();
  });

  it('delivers the confirmation through the provider and hides the local mail viewer', async () => {
    await post(server, CAPTURE, valid);
    for (let i = 0; i < 50 && resend.deliveries.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(resend.deliveries).toHaveLength(1);
    expect(resend.deliveries[0]).toMatchObject({
      to: ['reader@example.com'],
      subject: 'Confirm your email to get the cheat sheet',
    });
    expect(resend.deliveries[0]!.idempotencyKey).toMatch(/^lead-confirm:/);
    expect((await fetch(`${server.url}/dev/mail`)).status).toBe(404);
  });
});

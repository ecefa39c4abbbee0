/**
 * Resend's webhook through HTTP on the built server, with events signed as Resend signs them
 * (Svix's scheme, through standardwebhooks): a forged signature, the wrong secret, a stale or
 * future timestamp, a body that is not JSON or too large are refused with nothing written; a
 * replayed event changes nothing; a hard bounce or a complaint suppresses the address and is
 * counted for its campaign, a temporary bounce does not suppress; a delivery is counted. A server
 * without RESEND_WEBHOOK_SECRET answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedWebhook } from '../fakes/resend.ts';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

const SECRET = `whsec_${Buffer.from('a test webhook signing key, 32 b').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('somebody else entirely, 32 bytes').toString('base64')}`;
const CAMPAIGN = 'b-spring01';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);

beforeAll(async () => {
  server = await startMemberServer(database.url, { RESEND_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${server.url}/api/resend/webhook`, { method: 'POST', body, headers });

const event = (type: string, to: string, extra: Record<string, unknown> = {}) => ({
  type,
  data: {
    email_id: `em_${to}`,
    from: 'Coach <coach@example.com>',
    to: [to],
    subject: 'Follow up on Friday',
    created_at: new Date().toISOString(),
    tags: { campaign: CAMPAIGN },
    ...extra,
  },
});

/** Every row the webhook can write, as text: "nothing written" is checked against it. */
async function written(): Promise<string> {
  const tables = ['email_events', 'email_suppressions', 'campaign_stats'];
  const rows = await Promise.all(tables.map(async (table) => (await sql.execute(`SELECT * FROM ${table}`)).rows));
  return JSON.stringify(rows);
}

const stats = async () =>
  (await sql.execute({ sql: 'SELECT * FROM campaign_stats WHERE campaign = ?', args: [CAMPAIGN] })).rows[0];
const suppression = async (email: string) =>
  (await sql.execute({ sql: 'SELECT reason, campaign, detail FROM email_suppressions WHERE email = ?', args: [email] }))
    .rows[0];

describe('refused events', () => {
  it('a forged signature, the wrong secret, a stale or future time, a body that is not JSON or too large: refused, nothing written', async () => {
    const before = await written();
    const good = signedWebhook(SECRET, event('email.bounced', 'forged@example.com', { bounce: { type: 'Permanent' } }));
    const forged = { ...good.headers, 'svix-signature': good.headers['svix-signature']!.replace(/.{4}$/, 'AAAA') };
    const otherKey = signedWebhook(OTHER_SECRET, event('email.complained', 'forged@example.com'));
    const stale = signedWebhook(SECRET, event('email.complained', 'forged@example.com'), {
      at: new Date(Date.now() - 10 * 60_000),
    });
    const future = signedWebhook(SECRET, event('email.complained', 'forged@example.com'), {
      at: new Date(Date.now() + 10 * 60_000),
    });
    const notJson = signedWebhook(SECRET, event('x', 'y'));
    const notJsonBody = 'this is { not json';
    const notJsonSigned = { ...notJson.headers };
    {
      const { Webhook } = await import('standardwebhooks');
      notJsonSigned['svix-signature'] = new Webhook(SECRET).sign(
        notJson.headers['svix-id']!,
        new Date(Number(notJson.headers['svix-timestamp']) * 1000),
        notJsonBody,
      );
    }
    const large = signedWebhook(
      SECRET,
      event('email.complained', 'large@example.com', { padding: 'x'.repeat(70_000) }),
    );

    const cases: [string, string, Record<string, string>, number, RegExp][] = [
      ['a forged signature', good.body, forged, 400, /did not verify/],
      ['a body changed after signing', good.body.replace('forged@', 'other@'), good.headers, 400, /did not verify/],
      ['the wrong secret', otherKey.body, otherKey.headers, 400, /did not verify/],
      ['a stale timestamp', stale.body, stale.headers, 400, /did not verify/],
      ['a future timestamp', future.body, future.headers, 400, /did not verify/],
      ['no signature headers', good.body, { 'content-type': 'application/json' }, 400, /did not verify/],
      [
        'a timestamp that is not a number',
        good.body,
        { ...good.headers, 'svix-timestamp': 'soon' },
        400,
        /did not verify/,
      ],
      ['a signed body that is not JSON', notJsonBody, notJsonSigned, 400, /not JSON/],
      ['a body too large', large.body, large.headers, 413, /too large/],
    ];
    for (const [name, body, headers, status, message] of cases) {
      const response = await post(body, headers);
      expect(response.status, name).toBe(status);
      expect(await response.text(), name).toMatch(message);
      expect(response.headers.get('set-cookie'), name).toBeNull();
    }
    expect(await written()).toBe(before);
  });

  it('GET is not a webhook', async () => {
    const response = await fetch(`${server.url}/api/resend/webhook`);
    expect(response.status).not.toBe(200);
    expect(response.status).toBeLessThan(500);
  });
});

describe('events that verify', () => {
  it('a hard bounce suppresses the address and is counted; its replay changes nothing', async () => {
    const bounce = signedWebhook(
      SECRET,
      event('email.bounced', 'Gone@Example.com', {
        bounce: { type: 'Permanent', subType: 'General', message: 'The mailbox does not exist' },
      }),
    );
    const response = await post(bounce.body, bounce.headers);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/hard bounce/);
    expect(await suppression('gone@example.com')).toMatchObject({
      reason: 'bounce',
      campaign: CAMPAIGN,
      detail: 'Permanent: General: The mailbox does not exist',
    });
    expect(await stats()).toMatchObject({ bounced: 1 });
    const events = await sql.execute({
      sql: 'SELECT * FROM email_events WHERE id = ?',
      args: [bounce.headers['svix-id']!],
    });
    expect(events.rows[0]).toMatchObject({
      type: 'email.bounced',
      email: 'gone@example.com',
      campaign: CAMPAIGN,
      provider_message_id: 'em_Gone@Example.com',
    });

    const before = await written();
    const replay = await post(bounce.body, bounce.headers);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe('Already handled.');
    expect(await written()).toBe(before);
  });

  it('a temporary bounce is recorded and leaves the address alone', async () => {
    for (const type of ['Transient', 'Undetermined']) {
      const soft = signedWebhook(SECRET, event('email.bounced', `soft-${type}@example.com`, { bounce: { type } }));
      const response = await post(soft.body, soft.headers);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/temporary bounce/);
      expect(await suppression(`soft-${type.toLowerCase()}@example.com`)).toBeUndefined();
    }
    expect(await stats()).toMatchObject({ bounced: 1 });
  });

  it('a complaint suppresses the address; a delivery is counted; other events are only recorded', async () => {
    const complaint = signedWebhook(SECRET, event('email.complained', 'annoyed@example.com'));
    expect((await post(complaint.body, complaint.headers)).status).toBe(200);
    expect(await suppression('annoyed@example.com')).toMatchObject({ reason: 'complaint', campaign: CAMPAIGN });

    const delivered = signedWebhook(SECRET, event('email.delivered', 'happy@example.com'));
    expect((await post(delivered.body, delivered.headers)).status).toBe(200);
    const opened = signedWebhook(SECRET, event('email.opened', 'happy@example.com'));
    expect((await post(opened.body, opened.headers)).status).toBe(200);
    expect(await stats()).toMatchObject({ delivered: 1, complained: 1, bounced: 1, sent: 0 });
    expect(await suppression('happy@example.com')).toBeUndefined();
    // An open (were tracking switched on at Resend) is kept without the address: nobody's reading.
    const openRow = await sql.execute({
      sql: 'SELECT email FROM email_events WHERE id = ?',
      args: [opened.headers['svix-id']!],
    });
    expect(openRow.rows[0]).toMatchObject({ email: null });

    // A tag that is not one of our campaigns counts nowhere.
    const foreign = signedWebhook(
      SECRET,
      event('email.delivered', 'x@example.com', { tags: { campaign: 'spring sale' } }),
    );
    expect((await post(foreign.body, foreign.headers)).status).toBe(200);
    const row = await sql.execute({
      sql: 'SELECT campaign FROM email_events WHERE id = ?',
      args: [foreign.headers['svix-id']!],
    });
    expect(row.rows[0]).toMatchObject({ campaign: null });
    expect(await stats()).toMatchObject({ delivered: 1 });
  });
});

describe('a site without the webhook secret', () => {
  it('answers 404, whatever is posted', async () => {
    const off = await startMemberServer(freshDatabaseFile().url);
    try {
      const signed = signedWebhook(SECRET, event('email.complained', 'x@example.com'));
      const response = await fetch(`${off.url}/api/resend/webhook`, {
        method: 'POST',
        body: signed.body,
        headers: signed.headers,
      });
      expect(response.status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

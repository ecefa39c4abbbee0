/**
 * A browser for HTTP tests against the built server: keeps its session cookie, posts forms from
 * the site's own origin, and comes from its own network address (documentation range) through
 * the trusted proxy header, so per-address rate limits apply per visitor as in production.
 */
import type { Client } from '@libsql/client';
import { expect } from 'vitest';

let visitors = 0;

export class Browser {
  cookie = '';
  private ip = `198.51.100.${(++visitors % 250) + 1}`;

  constructor(private readonly base: () => string) {}

  private headers(extra: Record<string, string> = {}) {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), 'x-forwarded-for': this.ip, ...extra };
  }

  private keep(response: Response) {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('session='));
    if (set) this.cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return response;
  }

  async get(path: string, extra: Record<string, string> = {}) {
    return this.keep(await fetch(this.base() + path, { redirect: 'manual', headers: this.headers(extra) }));
  }

  async post(path: string, fields: Record<string, string>, extra: Record<string, string> = {}) {
    return this.keep(
      await fetch(this.base() + path, {
        method: 'POST',
        redirect: 'manual',
        headers: this.headers({
          'content-type': 'application/x-www-form-urlencoded',
          origin: this.base(),
          ...extra,
        }),
        body: new URLSearchParams(fields).toString(),
      }),
    );
  }

  async postMultipart(path: string, form: FormData, extra: Record<string, string> = {}) {
    return this.keep(
      await fetch(this.base() + path, {
        method: 'POST',
        redirect: 'manual',
        headers: this.headers({ origin: this.base(), ...extra }),
        body: form,
      }),
    );
  }
}

/** The newest link to `path` emailed to an address, from the outbox. */
export async function latestLink(sql: Client, to: string, path: string): Promise<string> {
  const rows = (
    await sql.execute({ sql: 'SELECT text FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1', args: [to] })
  ).rows;
  const match = new RegExp(`${path.replace('?', '\\?')}\\?token=[a-z0-9]+`).exec(String(rows[0]?.['text'] ?? ''));
  if (!match) throw new Error(`no ${path} link for ${to}`);
  return match[0];
}

export const PASSWORD = 'a phrase long enough';

/** Signs up and confirms the address by its emailed link: a signed-in member. */
export async function signedUpMember(
  base: () => string,
  sql: Client,
  email: string,
  timeZone = 'Europe/Paris',
): Promise<Browser> {
  const browser = new Browser(base);
  await browser.post('/signup?_action=auth.signup', { email, password: PASSWORD, timeZone, name: 'Sam' });
  const verify = await browser.get(await latestLink(sql, email, '/auth/verify'));
  expect(verify.status).toBe(303);
  expect(browser.cookie).toMatch(/^session=/);
  return browser;
}

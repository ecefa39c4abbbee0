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

  private readonly base: () => string;

  constructor(base: () => string) {
    this.base = base;
  }

  private headers(extra: Record<string, string> = {}) {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), 'x-forwarded-for': this.ip, ...extra };
  }

  private keep(response: Response) {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('session='));
    // A deleted cookie comes back as `session=deleted` expiring in 1970: a browser drops it.
    const deleted = (cookie: string) => cookie.split(';')[0]!.endsWith('=') || /expires=[^;]*1970/i.test(cookie);
    if (set) this.cookie = deleted(set) ? '' : set.split(';')[0]!;
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

  /**
   * Any method and any body, raw (JSON, text, a stream, none): what a form cannot send. Writes
   * come from the site's own origin unless `headers` says otherwise.
   */
  async send(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
    const method = init.method ?? 'GET';
    const origin: Record<string, string> = method === 'GET' || method === 'HEAD' ? {} : { origin: this.base() };
    return this.keep(
      await fetch(this.base() + path, {
        method,
        redirect: 'manual',
        headers: this.headers({ ...origin, ...init.headers }),
        ...(init.body === undefined ? {} : { body: init.body, duplex: 'half' as const }),
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

/** A signed-up member given the coach role (as `npm run coach:grant` does). */
export async function signedUpCoach(base: () => string, sql: Client, email: string): Promise<Browser> {
  const coach = await signedUpMember(base, sql, email);
  await sql.execute({ sql: "UPDATE users SET role = 'coach' WHERE email = ?", args: [email] });
  return coach;
}

export { interviewForm } from '../fixtures/forms.ts';

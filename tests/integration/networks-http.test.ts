/**
 * Per-network limits count a whole IPv6 /64 as one network, as the built server sees it behind a
 * trusted proxy (X-Forwarded-For): rotating through the 2^64 addresses of one's own /64 buys no
 * extra cheat-sheet captures or sign-ups, and however the proxy writes the address (with a port,
 * in brackets, IPv4-mapped) it is the same network.
 */
import { describe, expect, it } from 'vitest';
import { Browser, PASSWORD } from '../setup/http-browser.ts';
import { useMemberServer } from '../setup/member-site.ts';

const { sql, base } = useMemberServer();

const visible = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '');
let emails = 0;

/** One cheat-sheet capture from `address` as the proxy wrote it; true when the form accepted it. */
async function capture(address: string): Promise<boolean> {
  const response = await new Browser(base).post(
    '/cheat-sheet?_action=leads.capture',
    { email: `network-${++emails}@example.com`, consent: 'on', sourcePath: '/cheat-sheet' },
    { 'x-forwarded-for': `198.51.100.250, ${address}` },
  );
  if (response.status === 303) {
    expect(response.headers.get('location'), address).toMatch(/\/cheat-sheet\/check-inbox$/);
    return true;
  }
  expect(visible(await response.text()), address).toContain('Too many requests from your network');
  return false;
}

describe('a network is an IPv4 address or an IPv6 /64', () => {
  it('ten cheat-sheet captures an hour from one /64, whichever of its addresses they come from', async () => {
    const addresses = Array.from({ length: 10 }, (_, n) => `2001:db8:77:1:${(n * 4099).toString(16)}::${n + 1}`);
    for (const address of addresses) expect(await capture(address), address).toBe(true);
    // The eleventh, from yet another address of the same /64, written as proxies may write it.
    expect(await capture('[2001:db8:77:1:ffff:ffff:ffff:fffe]:443')).toBe(false);
    expect(await capture('2001:DB8:77:1::')).toBe(false);
    // The next /64 is another network.
    expect(await capture('2001:db8:77:2::1')).toBe(true);
    const leads = Number(
      (await sql.execute("SELECT count(*) AS n FROM leads WHERE email LIKE 'network-%'")).rows[0]!['n'],
    );
    expect(leads).toBe(11);
  });

  it('an IPv4 address and its IPv4-mapped IPv6 form are one network', async () => {
    for (let n = 0; n < 5; n++) expect(await capture('192.0.2.44')).toBe(true);
    for (let n = 0; n < 5; n++) expect(await capture(n % 2 ? '::ffff:192.0.2.44' : '192.0.2.44:61000')).toBe(true);
    expect(await capture('[::ffff:c000:22c]:8080')).toBe(false);
    expect(await capture('192.0.2.45')).toBe(true);
  });

  it('sign-ups: five an hour from one /64, not five per address', async () => {
    const signUp = async (address: string, n: number) => {
      const response = await new Browser(base).post(
        '/signup?_action=auth.signup',
        { email: `network-member-${n}@example.com`, password: PASSWORD, timeZone: 'Europe/Paris', name: 'Sam' },
        { 'x-forwarded-for': address },
      );
      return visible(await response.text());
    };
    for (let n = 1; n <= 5; n++) expect(await signUp(`2001:db8:88:1::${n}`, n)).toContain('Check your inbox');
    expect(await signUp('2001:db8:88:1:aaaa:bbbb:cccc:dddd', 6)).toContain('Too many sign-ups from your network');
    expect(await signUp('2001:db8:88:2::1', 7)).toContain('Check your inbox');
  });
});

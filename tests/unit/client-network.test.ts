import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { networkOf, UNKNOWN_NETWORK } from '../../src/lib/http/client-network.ts';

describe('networkOf', () => {
  it.each([
    // What a socket reports.
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:cb00:7107', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::ABCD', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8::/64'],
    ['2001:0db8:0000:0000:ffff::1', '2001:db8::/64'],
    ['::1', '::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    // What a proxy may write as the nearest X-Forwarded-For entry.
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:51234', '203.0.113.7'],
    ['[2001:db8:1:2::1]', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::1]:443', '2001:db8:1:2::/64'],
    ['[::ffff:203.0.113.7]:8080', '203.0.113.7'],
  ])('%j is the network %j', (address, network) => {
    expect(networkOf(address)).toBe(network);
  });

  it.each([
    '',
    'unknown',
    '_hidden',
    'localhost',
    '203.0.113',
    '203.0.113.256',
    '0x7f.1',
    '0177.0.0.1',
    '203.0.113.7:port',
    '203.0.113.7:123456',
    '[203.0.113.7]',
    '[2001:db8::1',
    '2001:db8::1]:443',
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    '203.0.113.7, 198.51.100.2',
    '<script>',
  ])('%j is no address: the one fixed key', (junk) => {
    expect(networkOf(junk)).toBe(UNKNOWN_NETWORK);
  });

  const hextet = fc.integer({ min: 0, max: 0xffff });
  const hextets = (n: number) => fc.array(hextet, { minLength: n, maxLength: n });
  const full = (parts: number[]) => parts.map((part) => part.toString(16)).join(':');
  /** An address as its eight parts, or compressed the way a socket writes it (`2001:db8::1`). */
  const ipv6 = (parts: number[], compressed = true) =>
    compressed ? new URL(`http://[${full(parts)}]`).hostname.slice(1, -1) : full(parts);
  // Leaves out ::/80 prefixes, where ::ffff:0:0/96 (IPv4-mapped) lives: those count as IPv4.
  const prefix = hextets(4).filter((parts) => parts.some((part) => part !== 0));

  it('any two addresses in one /64 are one network', () => {
    fc.assert(
      fc.property(prefix, hextets(4), hextets(4), fc.boolean(), (net, a, b, compressed) => {
        expect(networkOf(ipv6([...net, ...a], compressed))).toBe(networkOf(ipv6([...net, ...b])));
        expect(networkOf(`[${ipv6([...net, ...a])}]:443`)).toBe(networkOf(ipv6([...net, ...b], compressed)));
      }),
    );
  });

  it('addresses in different /64s are different networks', () => {
    fc.assert(
      fc.property(prefix, prefix, hextets(4), hextets(4), fc.boolean(), (netA, netB, a, b, compressed) => {
        fc.pre(netA.join() !== netB.join());
        expect(networkOf(ipv6([...netA, ...a], compressed))).not.toBe(networkOf(ipv6([...netB, ...b])));
      }),
    );
  });

  it('an IPv4 address is its own network, alone or mapped into IPv6', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), (a, b) => {
        expect(networkOf(a)).toBe(a);
        expect(networkOf(`::ffff:${a}`)).toBe(a);
        expect(networkOf(`${a}:80`)).toBe(a);
        if (a !== b) expect(networkOf(a)).not.toBe(networkOf(b));
      }),
    );
  });

  it('never throws, and anything else is an address, an IPv6 /64 or unknown', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV6(), fc.ipV4Extended()), (text) => {
        expect(networkOf(text)).toMatch(/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+\/64|unknown)$/);
      }),
    );
  });
});

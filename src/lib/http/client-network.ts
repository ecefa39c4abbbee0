/**
 * The network a visitor is counted as by rate limits and view counts. An IPv4 address is its own
 * network. An IPv6 address counts as its /64: a home or a phone is handed a whole /64 and can use
 * any of its 2^64 addresses, so counting single addresses would give one visitor an unlimited
 * supply of fresh counters. An IPv4-mapped IPv6 address (::ffff:1.2.3.4, what a dual-stack socket
 * reports for an IPv4 visitor) is the IPv4 address. Anything that is not an address is one fixed
 * key, so junk cannot mint fresh counters either.
 */
import ipaddr from 'ipaddr.js';

export const UNKNOWN_NETWORK = 'unknown';

/** `[2001:db8::1]` with an optional port (how a proxy writes an IPv6 address with one). */
const BRACKETED = /^\[([^\]]*)\](?::\d{1,5})?$/;
/** Four decimal parts with an optional port. */
const IPV4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/;

/**
 * An address as a socket or one X-Forwarded-For entry gives it: `203.0.113.7`, `203.0.113.7:51234`,
 * `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:443`, `fe80::1%eth0`. Undefined for anything else,
 * including IPv4 written in the hex, octal or short forms no proxy sends.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const value = text.trim();
  const bracketed = BRACKETED.exec(value);
  if (bracketed) return ipaddr.IPv6.isValid(bracketed[1]!) ? ipaddr.IPv6.parse(bracketed[1]!) : undefined;
  const ipv4 = IPV4.exec(value);
  if (ipv4) return ipaddr.IPv4.isValidFourPartDecimal(ipv4[1]!) ? ipaddr.IPv4.parse(ipv4[1]!) : undefined;
  if (value.includes(':') && ipaddr.IPv6.isValid(value)) return ipaddr.IPv6.parse(value);
  return undefined;
}

/** The network key of an address as text: `203.0.113.7`, `2001:db8:1:2::/64`, or `unknown`. */
export function networkOf(text: string): string {
  const address = parseAddress(text);
  if (!address) return UNKNOWN_NETWORK;
  if (address instanceof ipaddr.IPv4) return address.toString();
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  const prefix = new ipaddr.IPv6([...address.parts.slice(0, 4), 0, 0, 0, 0]);
  return `${prefix.toString()}/64`;
}

/** True for this machine's own addresses: 127.0.0.0/8 and ::1, alone or IPv4-mapped. */
export function isLoopbackAddress(text: string): boolean {
  const address = parseAddress(text);
  if (!address) return false;
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress())
    return address.toIPv4Address().range() === 'loopback';
  return address.range() === 'loopback';
}

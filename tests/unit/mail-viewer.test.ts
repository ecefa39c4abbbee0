import { describe, expect, it } from 'vitest';
import {
  hasForwardingHeader,
  isFromThisMachine,
  mailViewerAnswers,
  mailViewerState,
} from '../../src/lib/email/mail-viewer.ts';
import { FORWARDING_HEADERS, HOSTS, SERVER_SETTINGS } from '../fixtures/local-requests.ts';

const LOOPBACK_SOCKETS = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.0.0.53'];
const OTHER_SOCKETS = [
  '192.0.2.2',
  '::ffff:192.0.2.2',
  'fd00::2',
  '2001:db8::1',
  '10.0.0.1',
  '0.0.0.0',
  '::',
  undefined,
];

const request = (socketAddress: string | undefined, headers: Record<string, string>) => ({
  socketAddress,
  headers: new Headers(headers),
});

describe('the local mail viewer', () => {
  it.each(SERVER_SETTINGS)('is $on with $name, and says why', ({ on, ...settings }) => {
    const state = mailViewerState(settings);
    expect(state.on).toBe(on);
    if (settings.emailKey) expect(state.why).toContain('RESEND_API_KEY is set');
    if (settings.trustProxy) expect(state.why).toContain('TRUST_PROXY is true');
    if (!on && settings.siteUrl.startsWith('https:')) expect(state.why).toContain(settings.siteUrl);
    if (on) expect(state.why).toContain('from this machine only');
  });

  it('answers only in the one allowed cell of settings × socket × Host × forwarding headers', () => {
    const wrong: string[] = [];
    const sockets = [...LOOPBACK_SOCKETS, ...OTHER_SOCKETS];
    const extraHeaders: [string, string][] = [['accept', 'text/html'], ...FORWARDING_HEADERS];
    for (const { on, name, ...settings } of SERVER_SETTINGS) {
      const state = mailViewerState(settings);
      for (const socket of sockets) {
        for (const { host, local } of HOSTS) {
          for (const [header, value] of extraHeaders) {
            const forwarded = header !== 'accept';
            const expected = on && LOOPBACK_SOCKETS.includes(socket!) && local && !forwarded;
            const answers = mailViewerAnswers(state, request(socket, { host, [header]: value }));
            if (answers !== expected)
              wrong.push(`${name}, socket ${socket}, Host ${JSON.stringify(host)}, ${header}: ${answers}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses a request with no Host at all', () => {
    expect(isFromThisMachine(request('127.0.0.1', {}))).toBe(false);
  });

  it('takes any X-Forwarded-* header, in any case, as a proxy’s', () => {
    for (const name of ['X-Forwarded-For', 'x-forwarded-ssl', 'X-FORWARDED-PREFIX', 'x-forwarded'])
      expect(hasForwardingHeader(new Headers({ [name]: 'on' })), name).toBe(true);
    expect(hasForwardingHeader(new Headers({ host: 'localhost', cookie: 'a=b', 'x-requested-with': 'x' }))).toBe(false);
  });
});

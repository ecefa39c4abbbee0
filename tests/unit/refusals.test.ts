import { describe, expect, it } from 'vitest';
import { isValidHost, parserRefusal, refusalFor } from '../../server/refusals.ts';

describe('isValidHost', () => {
  it.each([
    'localhost',
    'localhost:4321',
    '127.0.0.1',
    '127.0.0.1:65535',
    'example.com',
    'Example.COM.',
    'www.own-the-follow-up.example:443',
    'under_score.example',
    'xn--bcher-kva.example',
    '[::1]',
    '[::1]:4321',
    '[2001:db8::7]:8080',
    '[::ffff:127.0.0.1]',
  ])('accepts %s', (value) => {
    expect(isValidHost(value)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['user:pass@', 'user:pass@127.0.0.1'],
    ['a user', 'user@example.com'],
    ['a port over 65535', 'example.com:99999'],
    ['port 0', 'example.com:0'],
    ['a word for a port', 'example.com:http'],
    ['an empty port', 'example.com:'],
    ['two ports', 'example.com:80:81'],
    ['only a port', ':80'],
    ['a space', 'exa mple.com'],
    ['a tab', 'exa\tmple.com'],
    ['a path', 'example.com/login'],
    ['a leading slash', '/example.com'],
    ['a query', 'example.com?x'],
    ['a fragment', 'example.com#x'],
    ['a scheme', 'http://example.com'],
    ['a backslash', 'exa\\mple.com'],
    ['a %-escape', '%65xample.com'],
    ['an empty label', 'a..b'],
    ['a label over 63', `${'a'.repeat(64)}.example`],
    ['a name over 255', `${'a.'.repeat(130)}example`],
    ['an IPv4 out of range', '1.2.3.999'],
    ['an unbracketed IPv6', '::1'],
    ['an unclosed bracket', '[::1'],
    ['a bracketed non-address', '[zz::1]'],
    ['IPvFuture', '[v1.fe80::a+en1]'],
    ['a non-ASCII name', 'bücher.example'],
    ['a comma list', 'a.example, b.example'],
  ])('refuses %s', (_name, value) => {
    expect(isValidHost(value)).toBe(false);
  });
});

describe('refusalFor', () => {
  const head = (method: string | undefined, hosts: string[] | undefined, httpVersion = '1.1') => ({
    method,
    httpVersion,
    hosts,
  });

  it('lets GET, HEAD and POST with one good Host through', () => {
    for (const method of ['GET', 'HEAD', 'POST']) expect(refusalFor(head(method, ['a.example']))).toBeUndefined();
  });

  it.each(['TRACE', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'CONNECT', 'PROPFIND', 'get', undefined])(
    'answers %s with 405 and Allow',
    (method) => {
      expect(refusalFor(head(method, ['a.example']))).toMatchObject({
        status: 405,
        headers: { allow: 'GET, HEAD, POST' },
      });
    },
  );

  it.each([
    ['no Host on HTTP/1.1', undefined],
    ['two Hosts', ['a.example', 'a.example']],
    ['a bad Host', ['user:pass@a.example']],
  ])('answers %s with 400, before looking at the method', (_name, hosts) => {
    expect(refusalFor(head('TRACE', hosts))).toMatchObject({ status: 400 });
    expect(refusalFor(head('GET', hosts))).toMatchObject({ status: 400 });
  });

  it('lets HTTP/1.0 go without a Host', () => {
    expect(refusalFor(head('GET', undefined, '1.0'))).toBeUndefined();
  });
});

describe('parserRefusal', () => {
  const error = (code: string, raw = '') => Object.assign(new Error(code), { code, rawPacket: Buffer.from(raw) });

  it('keeps the statuses Node gives', () => {
    expect(parserRefusal(error('HPE_HEADER_OVERFLOW')).status).toBe(431);
    expect(parserRefusal(error('HPE_CHUNK_EXTENSIONS_OVERFLOW')).status).toBe(413);
    expect(parserRefusal(error('ERR_HTTP_REQUEST_TIMEOUT')).status).toBe(408);
    expect(parserRefusal(error('HPE_INVALID_HEADER_TOKEN')).status).toBe(400);
  });

  it('answers a method llhttp does not know with the 405 of every unserved method', () => {
    expect(parserRefusal(error('HPE_INVALID_METHOD', 'get / HTTP/1.1\r\n'))).toMatchObject({
      status: 405,
      headers: { allow: 'GET, HEAD, POST' },
    });
  });

  it('answers noise where a method should be with 400', () => {
    expect(parserRefusal(error('HPE_INVALID_METHOD', '\u0016\u0003\u0001\u0002\u0000')).status).toBe(400);
  });
});

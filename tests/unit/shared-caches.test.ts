import { describe, expect, it } from 'vitest';
import { keepFromSharedCaches, sharedCacheMayStore } from '../../src/lib/http/shared-caches.ts';

function after(headers: Record<string, string>, response: { setsCookie: boolean; signedIn: boolean }) {
  const result = new Headers(headers);
  keepFromSharedCaches(result, response);
  return Object.fromEntries(result);
}

describe('keepFromSharedCaches', () => {
  it.each([
    { 'cache-control': 'public, max-age=30' },
    { 'cache-control': 'public, max-age=60, s-maxage=600', expires: 'Thu, 01 Jan 2099 00:00:00 GMT' },
    { 'cache-control': 's-maxage=60', 'cdn-cache-control': 'max-age=600', 'surrogate-control': 'max-age=600' },
    { 'cloudflare-cdn-cache-control': 'max-age=600' },
    {},
  ] as Record<string, string>[])(
    'a response that sets a cookie is private and kept by no cache, whatever it asked: %j',
    (headers) => {
      for (const signedIn of [true, false]) {
        expect(after(headers, { setsCookie: true, signedIn })).toEqual({ 'cache-control': 'private, no-store' });
      }
    },
  );

  it('a signed-in page that says nothing about caching is private', () => {
    expect(after({}, { setsCookie: false, signedIn: true })).toEqual({ 'cache-control': 'private, no-store' });
  });

  it('any other response a shared cache may store varies on Cookie, once', () => {
    expect(after({ 'cache-control': 'public, max-age=30' }, { setsCookie: false, signedIn: true })).toEqual({
      'cache-control': 'public, max-age=30',
      vary: 'Cookie',
    });
    expect(after({}, { setsCookie: false, signedIn: false })).toEqual({ vary: 'Cookie' });
    expect(after({ vary: 'Accept-Encoding' }, { setsCookie: false, signedIn: false })).toEqual({
      vary: 'Accept-Encoding, Cookie',
    });
    expect(after({ vary: 'accept-encoding, COOKIE' }, { setsCookie: false, signedIn: false }).vary).toBe(
      'accept-encoding, COOKIE',
    );
    expect(after({ vary: '*' }, { setsCookie: false, signedIn: false }).vary).toBe('*');
  });

  it('leaves private and no-store responses as they are', () => {
    for (const cacheControl of ['private, no-store', 'no-store', 'Private, max-age=60'])
      expect(after({ 'cache-control': cacheControl }, { setsCookie: false, signedIn: true })).toEqual({
        'cache-control': cacheControl,
      });
  });
});

describe('sharedCacheMayStore', () => {
  it.each([
    ['public, max-age=30', true],
    ['max-age=0, must-revalidate', true],
    ['no-cache', true],
    [null, true],
    ['private', false],
    ['no-store', false],
    ['public, NO-STORE', false],
    ['private="set-cookie", max-age=60', true],
  ] as const)('%j: %s', (cacheControl, may) => {
    expect(sharedCacheMayStore(cacheControl)).toBe(may);
  });
});

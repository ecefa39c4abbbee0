import { describe, expect, it } from 'vitest';
import { actionCall, bodyType, isActionName } from '../../src/lib/http/request-body';

const url = (path: string) => new URL(`https://coach.example${path}`);

describe('actionCall', () => {
  it.each([
    ['a page form', 'POST', '/account?_action=account.updateProfile', { name: 'account.updateProfile', via: 'page' }],
    ['the RPC endpoint', 'POST', '/_actions/tracker.setStage', { name: 'tracker.setStage', via: 'rpc' }],
    ['an empty name', 'POST', '/account?_action=', undefined],
    ['a GET', 'GET', '/account?_action=account.updateProfile', undefined],
    ['a POST without one', 'POST', '/unsubscribe?token=x', undefined],
  ])('%s', (_name, method, path, expected) => {
    expect(actionCall(method, url(path))).toEqual(expected);
  });
});

describe('isActionName', () => {
  it.each(['auth.login', 'tracker.importFile', 'a.b.c'])('takes %s', (name) => expect(isActionName(name)).toBe(true));
  // Each of these made Astro throw (a 500) instead of answering "not found".
  it.each(['auth', '%', '%E0%A4%A', 'auth.', '.login', 'auth..login', 'auth.login%2Ex', 'auth/login', ''])(
    'refuses %j',
    (name) => expect(isActionName(name)).toBe(false),
  );
});

describe('bodyType', () => {
  it.each([
    ['application/x-www-form-urlencoded', 'form'],
    ['APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8', 'form'],
    ['multipart/form-data; boundary=x', 'form'],
    ['application/json', 'json'],
    ['text/plain', 'other'],
    ['', 'other'],
    [null, 'other'],
  ])('%j is %s', (contentType, kind) => expect(bodyType(contentType)).toBe(kind));
});

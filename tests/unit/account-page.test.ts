import { describe, expect, it } from 'vitest';
import { describeAgent } from '../../src/lib/auth/account-page.ts';

describe('describeAgent', () => {
  it.each([
    ['', 'Unknown browser'],
    ['Mozilla/5.0 (iPhone) AppleWebKit Version/17 Mobile Safari/604.1', 'Phone, Safari'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'Computer, Firefox'],
    ['Mozilla/5.0 (Windows NT 10.0) AppleWebKit Chrome/120 Safari/537.36 Edg/120', 'Computer, Edge'],
    ['Mozilla/5.0 (Linux; Android 14) AppleWebKit Chrome/120 Mobile Safari/537.36', 'Phone, Chrome'],
    ['curl/8.0', 'Computer, browser'],
  ])('%s → %s', (agent, expected) => {
    expect(describeAgent(agent)).toBe(expected);
  });
});

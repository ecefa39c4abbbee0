import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordMatches } from '../../src/lib/auth/passwords.server';

describe('password hashes', () => {
  it('are argon2id with at least OWASP’s minimum: 19 MiB, 2 passes, 1 lane', async () => {
    const stored = await hashPassword('a phrase long enough');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwordMatches(stored, 'a phrase long enough')).toBe(true);
    expect(await passwordMatches(stored, 'a phrase long enougH')).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it.each([
    ['the old library defaults (4 MiB, 3 passes)', '$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaA'],
    ['fewer passes', '$argon2id$v=19$m=19456,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA'],
    ['argon2i', '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA'],
    ['version 0x10', '$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA'],
    ['two lanes', '$argon2id$v=19$m=19456,t=2,p=2$c2FsdHNhbHRzYWx0$aGFzaA'],
    ['something that is not a PHC string', 'x'],
  ])('made with %s are made again', (_name, stored) => {
    expect(needsRehash(stored)).toBe(true);
  });

  it('made with older parameters still verify', async () => {
    const old = await hash('a phrase long enough', { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    expect(await passwordMatches(old, 'a phrase long enough')).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('never throw on a stored value that is not a hash', async () => {
    expect(await passwordMatches('not a hash', 'a phrase long enough')).toBe(false);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema.ts';
import {
  createSession,
  invalidateUserSessions,
  SESSION_LIFETIME_MS,
  validateSessionToken,
} from '../../src/lib/auth/session.server.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

let test: TestDatabase;
const day = 86_400_000;
const t0 = new Date('2026-11-26T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

beforeEach(async () => {
  test = openTestDatabase();
  await test.db.insert(users).values([
    { id: 'u1', email: 'one@example.com', passwordHash: 'x' },
    { id: 'u2', email: 'two@example.com', passwordHash: 'x' },
  ]);
});

describe('sessions', () => {
  it('store only a hash of the secret, never the token', async () => {
    const { token } = await createSession(test.db, 'u1', 'Firefox', t0);
    const [row] = await test.db.select().from(sessions);
    expect(token).toMatch(/^[a-z2-7]+\.[a-z2-7]+$/);
    expect(row!.id).toBe(token.split('.')[0]);
    expect(row!.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
  });

  it('validate the right token and refuse a wrong secret, a malformed token or another id', async () => {
    const { token } = await createSession(test.db, 'u1', '', t0);
    const [id, secret] = token.split('.');
    expect((await validateSessionToken(test.db, token, at(1000)))?.user.email).toBe('one@example.com');
    expect(
      await validateSessionToken(
        test.db,
        `${id}.${secret!.replace(/.$/, secret!.endsWith('a') ? 'b' : 'a')}`,
        at(1000),
      ),
    ).toBeNull();
    expect(await validateSessionToken(test.db, `${id}`, at(1000))).toBeNull();
    expect(await validateSessionToken(test.db, `${id}.${secret}.extra`, at(1000))).toBeNull();
    expect(await validateSessionToken(test.db, `nosuchid.${secret}`, at(1000))).toBeNull();
  });

  it('slide forward when used in the second half of their life, and expire when unused', async () => {
    const { token } = await createSession(test.db, 'u1', '', t0);
    const early = await validateSessionToken(test.db, token, at(10 * day));
    expect(early?.renewed).toBe(false);
    const renewed = await validateSessionToken(test.db, token, at(20 * day));
    expect(renewed?.renewed).toBe(true);
    expect(renewed?.session.expiresAt).toEqual(at(20 * day + SESSION_LIFETIME_MS));
    // Still valid past the original expiry because it was renewed…
    expect(await validateSessionToken(test.db, token, at(40 * day))).not.toBeNull();
    // …and gone once a full lifetime passes unused; the row is removed.
    expect(await validateSessionToken(test.db, token, at(40 * day + SESSION_LIFETIME_MS + 1))).toBeNull();
    expect(await test.db.select().from(sessions)).toHaveLength(0);
  });

  it('sign out everywhere else keeps only this one; sign out everywhere ends all', async () => {
    const a = await createSession(test.db, 'u1', '', t0);
    const b = await createSession(test.db, 'u1', '', t0);
    const other = await createSession(test.db, 'u2', '', t0);
    await invalidateUserSessions(test.db, 'u1', a.session.id);
    expect(await validateSessionToken(test.db, a.token, at(1))).not.toBeNull();
    expect(await validateSessionToken(test.db, b.token, at(1))).toBeNull();
    await invalidateUserSessions(test.db, 'u1');
    expect(await validateSessionToken(test.db, a.token, at(1))).toBeNull();
    expect(await validateSessionToken(test.db, other.token, at(1))).not.toBeNull();
  });
});

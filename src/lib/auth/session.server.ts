/**
 * Sessions, following the Lucia guide (lucia-auth.com, "Basic session implementation"): a token
 * `id.secret` of two random strings; the database keeps the id and a SHA-256 of the secret, so a
 * leaked table lets nobody in; the secret is compared in constant time; expiry slides forward
 * while the member keeps using the site.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { preparedQuery, type Database } from '../../../db/connect.ts';
import { sessions, users } from '../../../db/schema.ts';

export const SESSION_COOKIE = 'session';
export const SESSION_LIFETIME_MS = 30 * 86_400_000;
/** A session used with less than this left is extended to a full lifetime again. */
export const SESSION_RENEW_BELOW_MS = 15 * 86_400_000;

export type Session = typeof sessions.$inferSelect;
export type User = typeof users.$inferSelect;
export interface SessionValidation {
  session: Session;
  user: User;
  /** True when the expiry moved and the cookie should be set again. */
  renewed: boolean;
}

export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function generateSessionToken(): { id: string; secret: string; token: string } {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  return { id, secret, token: `${id}.${secret}` };
}

export async function createSession(
  db: Database,
  userId: string,
  userAgent = '',
  now = new Date(),
): Promise<{ session: Session; token: string }> {
  const { id, secret, token } = generateSessionToken();
  const [session] = await db
    .insert(sessions)
    .values({
      id,
      secretHash: hashSecret(secret),
      userId,
      userAgent: userAgent.slice(0, 300),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
    })
    .returning();
  return { session: session!, token };
}

/** The session and its member, read on every signed-in request. */
const sessionWithUser = preparedQuery((db) =>
  db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sql.placeholder('id')))
    .limit(1)
    .prepare(),
);

export async function validateSessionToken(
  db: Database,
  token: string,
  now = new Date(),
): Promise<SessionValidation | null> {
  const [id, secret, extra] = token.split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 64) return null;
  const [row] = await sessionWithUser(db).execute({ id });
  if (!row) return null;
  const given = new TextEncoder().encode(hashSecret(secret));
  const stored = new TextEncoder().encode(row.session.secretHash);
  if (!constantTimeEqual(given, stored)) return null;
  if (row.session.expiresAt.getTime() <= now.getTime()) {
    await invalidateSession(db, id);
    return null;
  }
  let renewed = false;
  if (row.session.expiresAt.getTime() - now.getTime() < SESSION_RENEW_BELOW_MS) {
    row.session.expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    row.session.lastSeenAt = now;
    await db.update(sessions).set({ expiresAt: row.session.expiresAt, lastSeenAt: now }).where(eq(sessions.id, id));
    renewed = true;
  }
  return { session: row.session, user: row.user, renewed };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** One of the user's sessions, or undefined (also for another user's session id). */
export async function findUserSession(db: Database, userId: string, sessionId: string): Promise<Session | undefined> {
  const [session] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .limit(1);
  return session;
}

/** The user's sessions, most recently used first. */
export function listUserSessions(db: Database, userId: string): Promise<Session[]> {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.lastSeenAt));
}

/** Ends every session of the user, or every one but `keep` (sign out everywhere else). */
export async function invalidateUserSessions(db: Database, userId: string, keep?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId));
}

export interface CookieJar {
  set(
    name: string,
    value: string,
    options: { httpOnly: boolean; sameSite: 'lax'; secure: boolean; path: string; expires: Date },
  ): void;
  delete(name: string, options: { path: string }): void;
}

export function setSessionTokenCookie(cookies: CookieJar, token: string, expiresAt: Date, secure: boolean): void {
  cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function deleteSessionTokenCookie(cookies: CookieJar): void {
  cookies.delete(SESSION_COOKIE, { path: '/' });
}

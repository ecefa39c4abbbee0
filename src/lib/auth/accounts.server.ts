/**
 * Accounts: sign-up with a verified address, password and one-time-link sign-in, password reset.
 * Answers never say whether an address has an account: callers show the same message whatever
 * happened. The account's own data (export, deletion) is in account-data.ts.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect.ts';
import type { AppContext } from '../app/context.server.ts';
import { emailTokens, leads, users } from '../../../db/schema.ts';
import { enqueueEmailForAccount } from '../email/outbox.server.ts';
import { recomputeNextSends } from '../marketing/sequence.server.ts';
import { loginLinkEmail, passwordResetEmail, verifyEmailEmail, type EmailContent } from '../email/messages.server.ts';
import { hashPassword, needsRehash, NO_ACCOUNT_HASH, passwordMatches } from './passwords.server.ts';
import {
  createSession,
  generateSecureRandomString,
  hashSecret,
  invalidateUserSessions,
  type User,
} from './session.server.ts';
import { Refusal } from '../app/refusal.ts';

const LINK_LIFETIME_MS = { verify: 48 * 3_600_000, reset: 3_600_000, login: 15 * 60_000 } as const;
type LinkPurpose = keyof typeof LINK_LIFETIME_MS;
const LINK_PATH: Record<LinkPurpose, string> = { verify: '/auth/verify', reset: '/auth/reset', login: '/auth/link' };

async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

/** A one-time link and the email that carries it, made before the transaction that stores them. */
interface PreparedLink {
  purpose: LinkPurpose;
  token: string;
  content: EmailContent;
}

async function prepareLink(ctx: AppContext, purpose: LinkPurpose): Promise<PreparedLink> {
  const token = generateSecureRandomString();
  const url = new URL(`${LINK_PATH[purpose]}?token=${token}`, ctx.siteUrl).href;
  const render = purpose === 'verify' ? verifyEmailEmail : purpose === 'reset' ? passwordResetEmail : loginLinkEmail;
  return { purpose, token, content: await render({ siteUrl: ctx.siteUrl, url }) };
}

/**
 * Stores a prepared link for the account `account` selects and queues its email to `to`, in the
 * caller's transaction. The database decides whether there is such an account: the statements are
 * the same either way, and write rows only when there is one, so a request for an unknown address
 * does the same work as one for a known address and takes as long.
 */
async function storeLink(tx: Executor, account: SQL, to: string, link: PreparedLink, now: Date): Promise<void> {
  const tokenHash = hashSecret(link.token);
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS[link.purpose]);
  // One live link per purpose: asking again replaces the previous one.
  await tx
    .delete(emailTokens)
    .where(
      and(
        eq(emailTokens.purpose, link.purpose),
        inArray(emailTokens.userId, tx.select({ id: users.id }).from(users).where(account)),
      ),
    );
  await tx.insert(emailTokens).select(
    tx
      .select({
        tokenHash: sql<string>`${tokenHash}`.as('token_hash'),
        userId: users.id,
        purpose: sql<LinkPurpose>`${link.purpose}`.as('purpose'),
        expiresAt: sql<number>`${expiresAt.getTime()}`.as('expires_at'),
        createdAt: sql<number>`${now.getTime()}`.as('created_at'),
      })
      .from(users)
      .where(account),
  );
  // The message carries the raw token: it is never sent, and its body is erased, once the link is dead.
  await enqueueEmailForAccount(
    tx,
    account,
    {
      idempotencyKey: `auth-${link.purpose}:${tokenHash.slice(0, 24)}`,
      kind: `auth.${link.purpose}`,
      to,
      linkExpiresAt: expiresAt,
      ...link.content,
    },
    now,
  );
}

/** Sends a link of this purpose if the address has an account, and does the same work if not. */
async function sendLinkIfAccount(ctx: AppContext, email: string, purpose: LinkPurpose): Promise<void> {
  const now = ctx.clock();
  const link = await prepareLink(ctx, purpose);
  await ctx.db.transaction((tx) => storeLink(tx, eq(users.email, email), email, link, now));
}

/** Uses a one-time link: valid once, before it expires. Returns the user it belongs to. */
async function consumeLink(ctx: AppContext, token: string, purpose: LinkPurpose, now: Date): Promise<User | undefined> {
  if (!/^[a-z2-7]{20,64}$/.test(token)) return undefined;
  const [row] = await ctx.db
    .delete(emailTokens)
    .where(and(eq(emailTokens.tokenHash, hashSecret(token)), eq(emailTokens.purpose, purpose)))
    .returning();
  if (!row || row.expiresAt.getTime() <= now.getTime()) return undefined;
  const [user] = await ctx.db.select().from(users).where(eq(users.id, row.userId)).limit(1);
  return user;
}

export interface SignUpInput {
  email: string;
  password: string;
  name: string;
  timeZone: string;
  /** The email campaign whose link opened the sign-up page (see signupCampaign in auth-form.ts). */
  campaign?: string | undefined;
}

/**
 * A new address gets an account and a verification link; an address that already has one gets a
 * sign-in link instead. Either way the visitor is told to check their inbox, and the server does
 * the same work: one password hash, one email rendered, one transaction of the same statements.
 */
export async function signUp(ctx: AppContext, input: SignUpInput): Promise<void> {
  const now = ctx.clock();
  const existing = await findUserByEmail(ctx.db, input.email);
  // Hashed for a known address too (and thrown away): skipping it would show in the time taken.
  const passwordHash = await hashPassword(input.password);
  const link = await prepareLink(ctx, existing ? 'login' : 'verify');
  const id = generateSecureRandomString();
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(users)
      .values({
        id,
        email: input.email,
        passwordHash,
        name: input.name,
        timeZone: input.timeZone,
        // Reply emails are opt-in: a member asks for them when commenting, or on /account.
        emailReplies: false,
        // Kept for a new account only, like the rest: a known address's row is left as it was.
        signupCampaign: input.campaign ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing();
    // A sign-in link for the account that was there; a verification link only for the account
    // made here, not for one another request for the same address made a moment ago.
    await storeLink(tx, eq(users.id, existing?.id ?? id), input.email, link, now);
  });
}

/** The verification link: confirms the address, joins any cheat-sheet history, signs in. */
export async function verifyEmail(ctx: AppContext, token: string, userAgent: string) {
  const now = ctx.clock();
  const user = await consumeLink(ctx, token, 'verify', now);
  if (!user) return undefined;
  await markVerified(ctx, user, now);
  return createSession(ctx.db, user.id, userAgent, now);
}

async function markVerified(ctx: AppContext, user: User, now: Date): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!user.emailVerifiedAt)
      await tx.update(users).set({ emailVerifiedAt: now, updatedAt: now }).where(eq(users.id, user.id));
    // A lead with the same address is the same person: link it. The sequence goes on with its
    // steps meant for members (while their switch is on); the sign-up invitation stops.
    await tx.update(leads).set({ userId: user.id, updatedAt: now }).where(eq(leads.email, user.email));
    await recomputeNextSends(tx, now, user.email);
  });
}

/** A wrong password and an unknown address are refused alike, in the same words. */
const signInRefused = () =>
  new Refusal(
    'unauthorized',
    'wrong-password',
    'That email and password do not match an account. Check them, or sign in with a link by email instead.',
  );

/**
 * A new session for the right password. A right password checked against a hash made with older
 * parameters is hashed again with the current ones.
 */
export async function signIn(ctx: AppContext, email: string, password: string, userAgent: string) {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) {
    await passwordMatches(await NO_ACCOUNT_HASH, password);
    throw signInRefused();
  }
  if (!(await passwordMatches(user.passwordHash, password))) throw signInRefused();
  if (needsRehash(user.passwordHash)) await rehashPassword(ctx, user, password);
  return { user, ...(await createSession(ctx.db, user.id, userAgent, ctx.clock())) };
}

/** Replaces the stored hash, unless the password changed meanwhile (then the newer hash stays). */
async function rehashPassword(ctx: AppContext, user: User, password: string): Promise<void> {
  await ctx.db
    .update(users)
    .set({ passwordHash: await hashPassword(password) })
    .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
}

export function requestPasswordReset(ctx: AppContext, email: string): Promise<void> {
  return sendLinkIfAccount(ctx, email, 'reset');
}

export function requestLoginLink(ctx: AppContext, email: string): Promise<void> {
  return sendLinkIfAccount(ctx, email, 'login');
}

/** Checks a reset link without using it, so the form can say early that it has expired. */
export async function resetLinkIsLive(ctx: AppContext, token: string): Promise<boolean> {
  if (!/^[a-z2-7]{20,64}$/.test(token)) return false;
  const [row] = await ctx.db
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, hashSecret(token)), eq(emailTokens.purpose, 'reset')))
    .limit(1);
  return !!row && row.expiresAt.getTime() > ctx.clock().getTime();
}

/** A new password from the reset link: every session ends, then this browser is signed in. */
export async function resetPassword(ctx: AppContext, token: string, password: string, userAgent: string) {
  const now = ctx.clock();
  const user = await consumeLink(ctx, token, 'reset', now);
  if (!user)
    throw new Refusal(
      'bad-input',
      'link-expired',
      'This reset link has expired or was already used. Ask for a new one below.',
    );
  await ctx.db
    .update(users)
    .set({ passwordHash: await hashPassword(password), updatedAt: now })
    .where(eq(users.id, user.id));
  await invalidateUserSessions(ctx.db, user.id);
  await markVerified(ctx, user, now);
  return createSession(ctx.db, user.id, userAgent, now);
}

/** The one-time sign-in link. */
export async function signInWithLink(ctx: AppContext, token: string, userAgent: string) {
  const now = ctx.clock();
  const user = await consumeLink(ctx, token, 'login', now);
  if (!user) return undefined;
  await markVerified(ctx, user, now);
  return createSession(ctx.db, user.id, userAgent, now);
}

/** Changing the password ends every other session; this one stays signed in. */
export async function changePassword(
  ctx: AppContext,
  user: User,
  sessionId: string,
  current: string,
  next: string,
): Promise<void> {
  if (!(await passwordMatches(user.passwordHash, current)))
    throw new Refusal('bad-input', 'wrong-password', 'Your current password is not right. Nothing was changed.');
  await ctx.db
    .update(users)
    .set({ passwordHash: await hashPassword(next), updatedAt: ctx.clock() })
    .where(eq(users.id, user.id));
  await invalidateUserSessions(ctx.db, user.id, sessionId);
}

/** What a member edits on the account page: name, time zone and which emails they want. */
export type Profile = Pick<
  User,
  'name' | 'timeZone' | 'country' | 'region' | 'emailReminders' | 'emailReplies' | 'emailCoach' | 'emailSequence'
>;

export async function updateProfile(db: Database, userId: string, profile: Profile, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ ...profile, updatedAt: now })
      .where(eq(users.id, userId))
      .returning({ email: users.email });
    // The cheat-sheet series switched back on: the member's next email is due again.
    if (updated) await recomputeNextSends(tx, now, updated.email);
  });
}

export async function verifyPassword(user: User, password: string): Promise<boolean> {
  return passwordMatches(user.passwordHash, password);
}

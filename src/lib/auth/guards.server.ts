import type { ActionAPIContext } from 'astro:actions';
import type { APIContext, AstroGlobal } from 'astro';
import { safeReturnPath } from './auth-form';
import { Refusal } from '../app/refusal';
import type { Database } from '../../../db/connect.ts';
import { BurstLimiter } from '../http/burst-limiter';
import { describeWait, forgiveRateLimitHit, hitRateLimit, type RateLimitRule } from '../http/rate-limit.server';
import { deleteSessionTokenCookie, setSessionTokenCookie, type Session, type User } from './session.server';
import { hashToken } from './tokens.server';

/** Cookies are Secure whenever the site is served over HTTPS. */
export function servedOverHttps(siteUrl: string): boolean {
  return new URL(siteUrl).protocol === 'https:';
}

type CookieContext = Pick<ActionAPIContext, 'cookies'>;

export function startSession(
  context: Pick<ActionAPIContext, 'cookies' | 'locals'>,
  token: string,
  expiresAt: Date,
): void {
  setSessionTokenCookie(context.cookies, token, expiresAt, servedOverHttps(context.locals.app.siteUrl));
}

export function endSession(context: CookieContext): void {
  deleteSessionTokenCookie(context.cookies);
}

/** The member in an Action, or an `unauthorized` refusal the form shows. */
export function requireActionUser(context: Pick<ActionAPIContext, 'locals'>): { user: User; session: Session } {
  const { user, session } = context.locals;
  if (!user || !session)
    throw new Refusal('unauthorized', 'signed-out', 'Your session has ended. Sign in again to continue.');
  return { user, session };
}

/** The coach in an Action; anyone else is told it is not there, as on the coach's pages. */
export function requireActionCoach(context: Pick<ActionAPIContext, 'locals'>): { user: User; session: Session } {
  const auth = requireActionUser(context);
  if (auth.user.role !== 'coach') throw new Refusal('not-found', 'not-coach', 'Not found.');
  return auth;
}

/**
 * Tracker writes are cheap single-row changes a person makes one at a time; 300 a minute per member
 * is far above any person and keeps one account from filling the database's single write queue.
 */
export const TRACKER_WRITES_PER_MINUTE = 300;
const trackerWrites = new BurstLimiter({ limit: TRACKER_WRITES_PER_MINUTE, windowMs: 60_000, maxKeys: 100_000 });

/** The member in a tracker Action, within their burst limit. */
export function requireTrackerWriter(context: Pick<ActionAPIContext, 'locals'>): { user: User; session: Session } {
  const auth = requireActionUser(context);
  const now = Date.now();
  if (!trackerWrites.allow(auth.user.id, now)) {
    throw new Refusal(
      'too-many',
      'tracker-writes',
      `Too many changes to your tracker in a minute. Please wait ${describeWait(trackerWrites.retryAfterSeconds(auth.user.id, now))} and try again.`,
    );
  }
  return auth;
}

/**
 * For pages: the member, or a redirect to sign in that brings them back here afterwards.
 * Usage: `const auth = requireUser(Astro); if (auth instanceof Response) return auth;`
 */
export function requireUser(Astro: AstroGlobal): { user: User; session: Session } | Response {
  const { user, session } = Astro.locals;
  if (user && session) return { user, session };
  return Astro.redirect(signInPath(Astro.url.pathname + Astro.url.search), 303);
}

/** The sign-in page, coming back to `returnTo` afterwards if that is a path on this site. */
function signInPath(returnTo: string): string {
  return `/login?next=${encodeURIComponent(safeReturnPath(returnTo))}`;
}

/** For coach pages: signed-in members who are not the coach get a 404, as if nothing were here. */
export function requireCoach(Astro: AstroGlobal): { user: User; session: Session } | Response {
  const auth = requireUser(Astro);
  if (auth instanceof Response) return auth;
  if (auth.user.role !== 'coach') return new Response('Not found', { status: 404 });
  return auth;
}

/**
 * For the coach's downloads (endpoints): a refusal, or undefined when the coach asks. Visitors are
 * sent to sign in and back to `returnTo`; members get a 404, as on the coach's pages.
 */
export function refuseAllButCoach(
  context: Pick<APIContext, 'locals' | 'redirect'>,
  returnTo: string,
): Response | undefined {
  if (!context.locals.user) return context.redirect(signInPath(returnTo), 303);
  if (context.locals.user.role !== 'coach') return new Response('Not found', { status: 404 });
  return undefined;
}

const tooMany = (what: string, retryAfterSeconds: number) =>
  new Refusal(
    'too-many',
    'rate-limited',
    `Too many ${what}. For your safety, please wait ${describeWait(retryAfterSeconds)} and try again.`,
  );

/** Counts a hit and throws a clear `too-many` refusal past the limit. */
export async function enforceRateLimit(
  db: Database,
  rule: RateLimitRule,
  subject: string,
  what: string,
): Promise<void> {
  const result = await hitRateLimit(db, rule, subject);
  if (!result.allowed) throw tooMany(what, result.retryAfterSeconds);
}

/** Rate-limit subjects for addresses are hashed: the table never holds an address in clear. */
export const addressKey = (email: string) => hashToken(email);

/**
 * The limits on one email address: one per network it is tried from, and a ceiling across all
 * networks. The ceiling must be more than twice the per-network limit over the same window (two
 * fixed windows can overlap any span), so that one network, held by its own limit, can never reach
 * it: what a stranger does stops the stranger, not the owner somewhere else.
 */
export interface AddressLimits {
  perNetwork: RateLimitRule;
  acrossNetworks: RateLimitRule;
}

/** An attempt counted against an address's limits; `forgive` takes it back (a right password). */
export interface CountedAttempt {
  forgive: () => Promise<void>;
}

/**
 * Counts an attempt on an address from a network, and throws past either limit. An attempt the
 * per-network limit refuses is not counted towards the ceiling, and one the ceiling refuses is
 * taken back from the network's count: only attempts that went ahead count.
 */
export async function enforceAddressLimits(
  db: Database,
  limits: AddressLimits,
  email: string,
  network: string,
  what: string,
): Promise<CountedAttempt> {
  const address = addressKey(email);
  // The hashed address last, as in every counter keyed by one: deleting the account finds it.
  const fromNetwork = `${network}:${address}`;
  const local = await hitRateLimit(db, limits.perNetwork, fromNetwork);
  if (!local.allowed) throw tooMany(what, local.retryAfterSeconds);
  const overall = await hitRateLimit(db, limits.acrossNetworks, address);
  const forgiveLocal = () => forgiveRateLimitHit(db, limits.perNetwork, fromNetwork, local.windowStart);
  if (!overall.allowed) {
    await forgiveLocal();
    throw tooMany(what, overall.retryAfterSeconds);
  }
  return {
    forgive: async () => {
      await forgiveLocal();
      await forgiveRateLimitHit(db, limits.acrossNetworks, address, overall.windowStart);
    },
  };
}

type LinkSignIn = (token: string, userAgent: string) => Promise<{ token: string; session: Session } | undefined>;

/**
 * For pages behind a one-time link in an email: uses the link's token and, when it is good, signs
 * the browser in and redirects. Undefined when the link did not work (the page explains why).
 */
export async function signInFromLink(
  Astro: AstroGlobal,
  use: LinkSignIn,
  destination: string,
): Promise<Response | undefined> {
  const result = await use(Astro.url.searchParams.get('token') ?? '', Astro.request.headers.get('user-agent') ?? '');
  if (!result) {
    Astro.response.status = 400;
    return undefined;
  }
  startSession(Astro, result.token, result.session.expiresAt);
  return Astro.redirect(destination, 303);
}

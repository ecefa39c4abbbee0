import type { APIRoute } from 'astro';
import { coachingLimits, hasCoaching } from '../../../lib/coaching/entitlements.server';
import { hashToken } from '../../../lib/auth/tokens.server';
import { calendarSubscriber } from '../../../lib/tracker/calendar-feed.server';
import { calendarSteps } from '../../../lib/tracker/listing.server';
import { trackerCalendar } from '../../../lib/tracker/calendar';

export const prerender = false;

/**
 * The private calendar feed: due follow-ups as all-day events. The address is the secret (only its
 * hash is stored); an unknown or revoked address gets a 404 that says nothing more. When the coach
 * keeps the feed for Coaching, a member without it gets a 403 that says so.
 */
export const GET: APIRoute = async ({ params, locals }) => {
  const { db, siteUrl, clock } = locals.app;
  const token = params.token ?? '';
  if (!/^[A-Za-z0-9_-]{16,100}$/.test(token)) return new Response('Not found', { status: 404 });
  const member = await calendarSubscriber(db, hashToken(token));
  if (!member) return new Response('Not found', { status: 404 });
  if ((await coachingLimits(db)).calendar && !(await hasCoaching(db, member))) {
    return new Response(
      `The calendar feed is part of Coaching on this site. See ${new URL('/pricing', siteUrl).href}`,
      {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      },
    );
  }
  const { steps, leftOut } = await calendarSteps(db, member);
  const feed = trackerCalendar(steps, { timeZone: member.timeZone, siteUrl, now: clock(), leftOut });
  return new Response(feed, {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'cache-control': 'private, no-store',
      'x-robots-tag': 'noindex',
    },
  });
};

/**
 * The member's due follow-ups as their private calendar feed. Pure: the entries, the zone, the
 * site's address and the time are passed in.
 *
 * Each follow-up is an all-day event. One due before today (in the member's zone) is overdue and
 * goes on today, marked so and with the day it was due: a calendar shows what is to do now, not
 * a backlog on past days nobody looks at. One due today, even at a time already past, is today's.
 *
 * The feed is read by a calendar app every few hours, for months: one stored entry it cannot
 * write (a date in the year 9999, an instant a Date cannot hold, from before dates were checked at
 * input) must not make it fail for good. Such an entry is left out; the rest of the feed is written.
 */
import { isDateInRange, isInstantInRange } from '../forms/fields';
import { calendarFeed, type CalendarEvent } from './ics';
import { dueLabel, stepLabel } from './view';
import { isTimeZone, localDate, startOfLocalDay } from '../time/zoned-time';

export interface DueStep {
  id: string;
  company: string;
  contactName: string;
  planStep: string | null;
  planPrecision: 'time' | 'day' | null;
  planDueAt: Date | null;
  planReason: string;
  /** When the entry last changed: its plan is rewritten in the same write as any change to it. */
  updatedAt: Date | null;
  /** The entry's latest conversation, the round the step belongs to; null without one. */
  roundId: string | null;
  /** How many messages for this step the member already sent in that round. */
  stepsSent: number;
}

export interface TrackerCalendarOptions {
  timeZone: string;
  siteUrl: string;
  now: Date;
  /** Due steps past the feed's cap, not in `items`: the calendar's description says how many. */
  leftOut?: number;
}

type EventContext = Omit<TrackerCalendarOptions, 'leftOut'>;

/**
 * The follow-up itself, not its date: the entry, its round, the step and how many of that step
 * were sent before it (the 2nd check-in is not the 1st). A due date that moves (a time-zone or
 * holiday change, their reply giving a date) keeps it, so the app moves the event; a new round or
 * the next step gets a new one.
 */
export function followUpUid(item: Pick<DueStep, 'id' | 'roundId' | 'planStep' | 'stepsSent'>): string {
  return `${item.id}/${item.roundId ?? 'none'}/${item.planStep}/${item.stepsSent}@own-the-follow-up`;
}

/**
 * When the event last changed, for its SEQUENCE: the entry's last change, or for an overdue one the
 * start of today if later, since moving to today changed its date. Never later than now.
 */
function revisedAt(item: DueStep, overdue: boolean, today: string, { timeZone, now }: EventContext) {
  const times = [isInstantInRange(item.updatedAt) ? item.updatedAt.getTime() : Number.NaN];
  if (overdue) times.push(startOfLocalDay(today, timeZone).getTime());
  const latest = Math.min(Math.max(...times.filter(Number.isFinite)), now.getTime());
  return Number.isFinite(latest) ? new Date(latest) : undefined;
}

/** The event of one due step, or null when it has no date a calendar can show. */
export function dueStepEvent(item: DueStep, context: EventContext): CalendarEvent | null {
  const { timeZone, siteUrl, now } = context;
  const at = item.planDueAt;
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) return null;
  const dueDate = localDate(at, timeZone);
  if (!isDateInRange(dueDate)) return null;
  const today = localDate(now, timeZone);
  const overdue = dueDate < today;
  const what = `${stepLabel(item)}: ${item.contactName}, ${item.company}`;
  const was = overdue ? dueLabel({ planDueAt: at, planPrecision: item.planPrecision }, timeZone) : '';
  return {
    uid: followUpUid(item),
    date: overdue ? today : dueDate,
    summary: overdue ? `Overdue: ${what}` : what,
    description: was ? `Was due ${was}. ${item.planReason}`.trim() : item.planReason,
    url: new URL(/^[\w-]{1,64}$/.test(item.id) ? `/tracker/o/${item.id}` : '/tracker', siteUrl).href,
    revisedAt: revisedAt(item, overdue, today, context),
  };
}

/** What the feed holds, and how many follow-ups it left out past its cap (when it did). */
export function calendarDescription(shown: number, leftOut: number, siteUrl: string): string {
  const about = 'Your follow-ups from Own the Follow-Up, each on the day it is due. Overdue ones are on today.';
  if (!(leftOut > 0)) return about;
  const more = leftOut === 1 ? '1 more is' : `${leftOut} more are`;
  return `${about} Showing the ${shown} due soonest; ${more} in your tracker at ${new URL('/tracker', siteUrl).href}`;
}

/** The feed of every due step that has a date a calendar can show. */
export function trackerCalendar(
  items: readonly DueStep[],
  { timeZone, siteUrl, now, leftOut = 0 }: TrackerCalendarOptions,
): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const events = items.flatMap((item) => dueStepEvent(item, { timeZone: zone, siteUrl, now }) ?? []);
  const description = calendarDescription(events.length, leftOut, siteUrl);
  return calendarFeed({ name: 'Follow-ups due', description, events, now });
}

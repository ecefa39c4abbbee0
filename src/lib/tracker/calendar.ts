/**
 * The member's due follow-ups as their private calendar feed. Pure: the entries, the zone, the
 * site's address and the time are passed in.
 *
 * The feed is read by a calendar app every few hours, for months: one stored entry it cannot
 * write (a date in the year 9999, an instant a Date cannot hold, from before dates were checked at
 * input) must not make it fail for good. Such an entry is left out; the rest of the feed is written.
 */
import { isDateInRange } from '../forms/fields';
import { calendarFeed, type CalendarEvent } from './ics';
import { stepLabel } from './view';
import { isTimeZone, localDate } from '../time/zoned-time';

export interface DueStep {
  id: string;
  company: string;
  contactName: string;
  planStep: string | null;
  planDueAt: Date | null;
  planReason: string;
}

export interface TrackerCalendarOptions {
  timeZone: string;
  siteUrl: string;
  now: Date;
}

/** The event of one due step, or null when it has no date a calendar can show. */
export function dueStepEvent(item: DueStep, timeZone: string, siteUrl: string): CalendarEvent | null {
  const at = item.planDueAt;
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) return null;
  const date = localDate(at, timeZone);
  if (!isDateInRange(date)) return null;
  return {
    uid: `${item.id}-${item.planStep}-${at.getTime()}@own-the-follow-up`,
    date,
    summary: `${stepLabel(item)}: ${item.contactName}, ${item.company}`,
    description: item.planReason,
    url: new URL(/^[\w-]{1,64}$/.test(item.id) ? `/tracker/o/${item.id}` : '/tracker', siteUrl).href,
  };
}

/** The feed of every due step that has a date a calendar can show. */
export function trackerCalendar(items: readonly DueStep[], { timeZone, siteUrl, now }: TrackerCalendarOptions): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const events = items.flatMap((item) => dueStepEvent(item, zone, siteUrl) ?? []);
  return calendarFeed({ name: 'Follow-ups due', events, now });
}

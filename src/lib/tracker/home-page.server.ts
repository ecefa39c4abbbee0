/**
 * Everything the tracker's home shows (src/pages/tracker/index.astro). The home stays light
 * whatever the tracker holds: the due lists are capped, and the board is summarised by counts (the
 * full board is its own page).
 */
import type { AppContext } from '../app/context.server';
import { endOfLocalDay, localDate } from '../time/zoned-time';
import type { Member } from './entries.server';
import { homeSummary, type HomeSummary } from './listing.server';
import { columnCounts, type BoardColumn } from './view';

/** The most entries each due list shows. */
const SHOWN = { overdue: 20, today: 20, upcoming: 15 };

export interface TrackerHome {
  sections: HomeSummary;
  /** The entries in each column of the board. */
  totals: Record<BoardColumn, number>;
  /** All the member's entries. */
  total: number;
}

export async function loadTrackerHome(app: Pick<AppContext, 'db'>, user: Member): Promise<TrackerHome> {
  const now = new Date();
  const endOfToday = endOfLocalDay(localDate(now, user.timeZone), user.timeZone);
  const sections = await homeSummary(app.db, user, now, endOfToday, SHOWN);
  return {
    sections,
    totals: columnCounts(sections.stages, {
      toSend: sections.overdue.count + sections.today.count,
      scheduled: sections.upcoming.count,
    }),
    total: sections.stages.reduce((sum, row) => sum + Number(row.count), 0),
  };
}

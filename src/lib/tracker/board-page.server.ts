/** Everything the board shows (src/pages/tracker/board.astro): the member's entries as cards. */
import type { AppContext } from '../app/context.server';
import { boardFilter, type BoardFilter } from './board-page';
import type { Member } from './entries.server';
import { listOpportunities } from './listing.server';
import { boardCard, type BoardCard } from './view';

export interface BoardPage {
  filter: BoardFilter;
  cards: BoardCard[];
}

export async function loadBoardPage(app: Pick<AppContext, 'db'>, user: Member, url: URL): Promise<BoardPage> {
  const filter = boardFilter(url.searchParams);
  const now = new Date();
  const listed = await listOpportunities(app.db, user, filter);
  return { filter, cards: listed.map((item) => boardCard(item, now, user.timeZone)) };
}

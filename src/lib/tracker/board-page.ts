/** What the board (src/pages/tracker/board.astro) is asked to show, from its address. Pure. */
import { MAX_SEARCH_LENGTH } from '../forms/fields';
import { OPPORTUNITY_KINDS, STAGES, type OpportunityKind, type Stage } from './model';

export interface BoardFilter {
  /** Words to find ('' for none), cut to the search box's length. */
  q: string;
  kind: OpportunityKind | undefined;
  stage: Stage | undefined;
  /** Archived entries instead of the current ones. */
  archived: boolean;
}

/** The board's filter from `?q=&kind=&stage=&archived=1`; a kind or stage it does not know is no filter. */
export function boardFilter(params: URLSearchParams): BoardFilter {
  const kindParam = params.get('kind') ?? '';
  const stageParam = params.get('stage') ?? '';
  return {
    q: (params.get('q') ?? '').slice(0, MAX_SEARCH_LENGTH),
    kind: (OPPORTUNITY_KINDS as readonly string[]).includes(kindParam) ? (kindParam as OpportunityKind) : undefined,
    stage: (STAGES as readonly string[]).includes(stageParam) ? (stageParam as Stage) : undefined,
    archived: params.get('archived') === '1',
  };
}

/** The board shows less than everything current. */
export const isFiltered = (filter: BoardFilter) =>
  filter.q !== '' || !!filter.kind || !!filter.stage || filter.archived;

/** Everything the coach's page about one member shows (src/pages/coach/members/[id].astro). */
import type { AppContext } from '../app/context.server';
import { billingSummary, type BillingSummary } from '../coaching/billing-rules';
import { leadStatusText, longDateUtc, utmTags } from './member-page';
import { memberDetail } from './members.server';

export interface MemberPage {
  /** The member, or undefined: no member with this id. */
  detail: Awaited<ReturnType<typeof memberDetail>>;
  /** What their account page says about their plan (undefined without a member). */
  billing: BillingSummary | undefined;
  /** The member is the coach looking. */
  isSelf: boolean;
  leadStatus: string;
  utm: ReturnType<typeof utmTags>;
}

export async function loadMemberPage(
  app: Pick<AppContext, 'db'>,
  coach: { id: string },
  id: string,
): Promise<MemberPage> {
  const now = new Date();
  const detail = await memberDetail(app.db, id, now);
  return {
    detail,
    billing: detail ? billingSummary(detail.entitlement, now, longDateUtc) : undefined,
    isSelf: detail?.user.id === coach.id,
    leadStatus: leadStatusText(detail?.lead),
    utm: utmTags(detail?.lead),
  };
}

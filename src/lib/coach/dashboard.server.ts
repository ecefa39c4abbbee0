/** Everything the coach's dashboard shows (src/pages/coach/index.astro). */
import type { AppContext } from '../app/context.server';
import { getPublishedCards } from '../articles/collection.server';
import { coachingLimits, type CoachingLimits } from '../coaching/entitlements.server';
import { pendingReviewCount } from '../coaching/reviews.server';
import { queueCounts } from '../comments/moderation.server';
import type { QueueCounts } from '../comments/moderation-queue';
import { campaignReport, funnelReport, type CampaignFunnel, type FunnelReport } from '../funnel/counts.server';
import { periodDays, periodFrom, periodLabel, periodProblem, type Period } from '../funnel/rules';
import { peopleCounts, type PeopleCounts } from './summary.server';

export interface CoachDashboard {
  /** The period shown: the one asked for, or the default when the dates asked for cannot be shown. */
  period: Period;
  /** Why the dates asked for cannot be shown, or null. */
  periodError: string | null;
  periodLabel: string;
  /** Each day of the period, for the charts. */
  days: string[];
  report: FunnelReport;
  /** The period's emails and what their links brought. */
  campaigns: CampaignFunnel[];
  /** Article titles by id, for the funnel's rows. */
  titles: Map<string, string>;
  queues: QueueCounts;
  reviewsWaiting: number;
  /** Comments reported or held, and drafts to review. */
  waiting: number;
  people: PeopleCounts;
  limits: CoachingLimits;
}

export async function loadCoachDashboard(app: Pick<AppContext, 'db'>, url: URL): Promise<CoachDashboard> {
  const { db } = app;
  const now = new Date();
  const period = periodFrom(url.searchParams, now);
  const [report, campaigns, queues, reviewsWaiting, limits, cards, people] = await Promise.all([
    funnelReport(db, period),
    campaignReport(db, period),
    queueCounts(db),
    pendingReviewCount(db),
    coachingLimits(db),
    getPublishedCards(),
    peopleCounts(db, now),
  ]);
  return {
    period,
    periodError: periodProblem(url.searchParams),
    periodLabel: periodLabel(period),
    days: periodDays(period),
    report,
    campaigns,
    titles: new Map(cards.map((card) => [card.id, card.title])),
    queues,
    reviewsWaiting,
    waiting: queues.reported + queues.held + reviewsWaiting,
    people,
    limits,
  };
}

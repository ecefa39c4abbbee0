/**
 * Everything one tracker entry's page shows (src/pages/tracker/o/[id].astro): the entry and its
 * history, the playbook's next step and its draft, the coach's reviews and whether the member has
 * Coaching. Another member's entry loads as one that does not exist.
 */
import { getEntry } from 'astro:content';
import type { AppContext } from '../app/context.server';
import { hasCoaching } from '../coaching/entitlements.server';
import { reviewsOf } from '../coaching/reviews.server';
import { localClockTime, localParts } from '../time/zoned-time';
import { draftFor, type Draft } from './drafts';
import { loadOpportunity, playbookInput } from './entries.server';
import { workingCalendarOf } from '../time/holidays.server';
import { STEP_LABELS } from './model';
import { opportunitySavedMessage } from './opportunity-page';
import { nextStep, type NextStep } from './playbook';
import type { Opportunity } from './records';
import type { OpportunityDetail } from './view';

type Review = Awaited<ReturnType<typeof reviewsOf>>[number];

export interface OpportunityPage {
  /** The entry with its history, or undefined: not found (or another member's). */
  detail: OpportunityDetail | undefined;
  opportunity: Opportunity | undefined;
  next: NextStep | undefined;
  /** The step's name when the playbook has one to send, else ''. */
  stepName: string;
  /** The drafted message of the next step, when there is one to send. */
  draft: Draft | undefined;
  coaching: boolean;
  reviews: Review[];
  /** The answered review whose version the draft starts from (`?use=`). */
  used: Review | undefined;
  /** Today and the time now, in the member's zone. */
  today: string;
  nowTime: string;
  /** The confirmation of the form that redirected here (`?saved=`). */
  savedMessage: string | undefined;
}

export async function loadOpportunityPage(
  app: Pick<AppContext, 'db'>,
  user: { id: string; role: string; name: string; timeZone: string; country: string | null; region: string | null },
  id: string,
  url: URL,
): Promise<OpportunityPage> {
  const { db } = app;
  const [detail, coaching] = await Promise.all([loadOpportunity(db, user, id), hasCoaching(db, user)]);
  const reviews = detail ? await reviewsOf(db, user, id) : [];
  // "Use the coach's version": the draft starts from an answered review of this entry.
  const used = reviews.find((review) => review.id === url.searchParams.get('use') && review.status === 'answered');
  const now = new Date();
  const next = detail ? nextStep(playbookInput(detail, user.timeZone, await workingCalendarOf(user)), now) : undefined;
  const opportunity = detail?.opportunity;
  const latest = detail?.conversations.at(-1);

  let draft: Draft | undefined;
  if (detail && opportunity && next?.plan.state === 'step') {
    const sheet = await getEntry('cheatSheet', 'interview-success');
    draft = draftFor(
      next.plan.step,
      {
        contactName: opportunity.contactName,
        contactEmail: opportunity.contactEmail,
        company: opportunity.company,
        roleTitle: opportunity.roleTitle,
        specificDetail: latest?.specificDetail ?? '',
        valueIdea: latest?.valueIdea ?? '',
        decisionBy: latest?.decisionBy ?? null,
        timingNote: latest?.timingNote ?? '',
        memberName: user.name,
      },
      sheet?.data.templates ?? [],
    );
  }
  return {
    detail,
    opportunity,
    next,
    stepName: next?.plan.state === 'step' ? STEP_LABELS[next.plan.step] : '',
    draft,
    coaching,
    reviews,
    used,
    today: localParts(now, user.timeZone).date,
    nowTime: localClockTime(now, user.timeZone),
    savedMessage: opportunitySavedMessage(url.searchParams.get('saved')),
  };
}

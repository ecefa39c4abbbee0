/** The words of the coach's page about one member (src/pages/coach/members/[id].astro). Pure. */
import { savedMessage } from '../forms/saved-message';

/** What the coach's two levers say once saved (the `saved` key of their redirect). */
export const MEMBER_SAVED_MESSAGES: Readonly<Record<string, string>> = {
  coach: 'Done: they are now a coach.',
  member: 'Done: they are no longer a coach.',
  stopped: 'Done: they can no longer comment.',
  allowed: 'Done: they can comment again.',
};

export const memberSavedMessage = (key: string | null) => savedMessage(MEMBER_SAVED_MESSAGES, key);

const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** A moment, in UTC, as the coach's pages write it: "7 Dec 2026, 21:30 UTC". */
export const atUtc = (date: Date) => `${when.format(date)} UTC`;

/** A day, in UTC: "7 December 2026". */
export const longDateUtc = (date: Date) => longDate.format(date);

export interface MemberLead {
  status: string;
  confirmedAt: Date | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

/** Where the member's cheat-sheet request stands, in a sentence ('' without one). */
export function leadStatusText(lead: Pick<MemberLead, 'status' | 'confirmedAt'> | undefined): string {
  if (!lead) return '';
  if (lead.status === 'confirmed')
    return `${lead.status}, address confirmed${lead.confirmedAt ? ` on ${atUtc(lead.confirmedAt)}` : ''}.`;
  if (lead.status === 'pending') return `${lead.status}, waiting for them to confirm their address.`;
  return `${lead.status}: they no longer receive the cheat-sheet emails.`;
}

/** The campaign (UTM) tags the request came with, each with its label; the empty ones left out. */
export function utmTags(lead: Pick<MemberLead, 'utmSource' | 'utmMedium' | 'utmCampaign'> | undefined) {
  if (!lead) return [];
  return (
    [
      ['Campaign source', lead.utmSource],
      ['Campaign medium', lead.utmMedium],
      ['Campaign name', lead.utmCampaign],
    ] as const
  ).filter(([, value]) => value);
}

/**
 * A campaign names what an email belongs to: a broadcast (`b-<id>`) or a step of the nurture
 * sequence (`s-<id>`). Links to the site carry it as `utm_campaign`, so the coach's funnel credits
 * views, captures, members and paying members to the email that brought them, without knowing
 * who clicked: no pixel, no per-person tracking. Pure.
 */

export type CampaignSource = 'newsletter' | 'sequence';

export const campaignOf = {
  broadcast: (id: string) => `b-${id}`,
  step: (id: string) => `s-${id}`,
};

/** A campaign this site wrote: anything else in a `utm_campaign` is someone else's and ignored. */
export const CAMPAIGN_PATTERN = /^[bs]-[A-Za-z0-9_-]{1,64}$/;

export function isCampaign(value: string | null | undefined): value is string {
  return typeof value === 'string' && CAMPAIGN_PATTERN.test(value);
}

/** What a campaign is, from its name. */
export function campaignKind(campaign: string): { kind: 'broadcast' | 'step'; id: string } | undefined {
  if (!isCampaign(campaign)) return undefined;
  return { kind: campaign.startsWith('b-') ? 'broadcast' : 'step', id: campaign.slice(2) };
}

/** The outbox kinds of marketing email (the transactional kinds are named where they are queued). */
export const MARKETING_KINDS = {
  broadcast: 'broadcast',
  broadcastTest: 'broadcast.test',
  sequence: 'lead.sequence',
} as const;

/**
 * The address with the campaign's UTM parameters, when it points at this site; any other address
 * is returned as it was (other sites get nothing from us). Parameters already there are replaced.
 */
export function withUtm(href: string, siteUrl: string, campaign: string, source: CampaignSource): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return href;
  }
  if (url.origin !== new URL(siteUrl).origin) return href;
  url.searchParams.set('utm_source', source);
  url.searchParams.set('utm_medium', 'email');
  url.searchParams.set('utm_campaign', campaign);
  return url.href;
}

/**
 * How the member's follow-up is going, in numbers: how many people they contacted replied (by
 * kind and by stage), and how soon their thank-you notes go out after an interview. Pure: it
 * only reads the rows it is given. Archived opportunities count, since their history is real.
 */
import { OPPORTUNITY_KINDS, STAGES, type OpportunityKind, type Stage } from './model';
import type { ConversationRow, OpportunityRow, TouchRow } from './records';

export interface Rate {
  /** Contacted opportunities with at least one reply logged. */
  replied: number;
  /** Opportunities with at least one message sent. */
  contacted: number;
  /** replied / contacted, unrounded; null when nobody was contacted. */
  rate: number | null;
}

export interface TrackerStats {
  total: number;
  byKind: Record<OpportunityKind, Rate>;
  byStage: Record<Stage, Rate>;
  /** Median hours from an interview round to its thank-you note, to one decimal; null when none were sent. */
  medianHoursToThankYou: number | null;
  /** Interview rounds with a thank-you note sent after them. */
  thankYousCounted: number;
  /** Touches of the given opportunities only. */
  sentCount: number;
  replyCount: number;
}

const HOUR_MS = 3_600_000;

interface Contact {
  contacted: boolean;
  replied: boolean;
}

function rateOf(contacts: readonly Contact[]): Rate {
  const contacted = contacts.filter((contact) => contact.contacted).length;
  // A reply logged without anything sent (say, they wrote first) is not a reply to follow-up.
  const replied = contacts.filter((contact) => contact.contacted && contact.replied).length;
  return { replied, contacted, rate: contacted === 0 ? null : replied / contacted };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item)) ?? [];
    list.push(item);
    groups.set(key(item), list);
  }
  return groups;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle]!;
  return sorted.length % 2 === 1 ? upper : (sorted[middle - 1]! + upper) / 2;
}

/**
 * Hours from each interview round to the first thank-you sent at or after it and before the
 * opportunity's next round: a note sent after round two thanks round two, not round one.
 */
function hoursToThankYou(conversations: readonly ConversationRow[], touches: readonly TouchRow[]): number[] {
  const rounds = [...conversations].sort((a, b) => a.at.getTime() - b.at.getTime());
  const thankYous = touches
    .filter((touch) => touch.type === 'sent' && touch.step === 'thank-you')
    .map((touch) => touch.at.getTime())
    .sort((a, b) => a - b);
  const hours: number[] = [];
  rounds.forEach((round, index) => {
    const from = round.at.getTime();
    const until = rounds[index + 1]?.at.getTime() ?? Infinity;
    const sent = thankYous.find((at) => at >= from && at < until);
    if (sent !== undefined) hours.push((sent - from) / HOUR_MS);
  });
  return hours;
}

function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

export function trackerStats(
  opportunities: readonly OpportunityRow[],
  conversations: readonly ConversationRow[],
  touches: readonly TouchRow[],
): TrackerStats {
  const known = new Set(opportunities.map((opportunity) => opportunity.id));
  const ownTouches = touches.filter((touch) => known.has(touch.opportunityId));
  const touchesOf = groupBy(ownTouches, (touch) => touch.opportunityId);
  const conversationsOf = groupBy(conversations, (conversation) => conversation.opportunityId);

  const contacts = opportunities.map((opportunity) => {
    const own = touchesOf.get(opportunity.id) ?? [];
    return {
      opportunity,
      contacted: own.some((touch) => touch.type === 'sent'),
      replied: own.some((touch) => touch.type === 'reply'),
    };
  });
  const byKind = Object.fromEntries(
    OPPORTUNITY_KINDS.map((kind) => [kind, rateOf(contacts.filter((c) => c.opportunity.kind === kind))]),
  ) as Record<OpportunityKind, Rate>;
  const byStage = Object.fromEntries(
    STAGES.map((stage) => [stage, rateOf(contacts.filter((c) => c.opportunity.stage === stage))]),
  ) as Record<Stage, Rate>;

  const hours = opportunities
    .filter((opportunity) => opportunity.kind === 'interview')
    .flatMap((opportunity) =>
      hoursToThankYou(conversationsOf.get(opportunity.id) ?? [], touchesOf.get(opportunity.id) ?? []),
    );
  const middle = median(hours);

  return {
    total: opportunities.length,
    byKind,
    byStage,
    medianHoursToThankYou: middle === null ? null : oneDecimal(middle),
    thankYousCounted: hours.length,
    sentCount: ownTouches.filter((touch) => touch.type === 'sent').length,
    replyCount: ownTouches.filter((touch) => touch.type === 'reply').length,
  };
}

/**
 * The coach's downloads of leads and members, as CSV: the columns in order, each with its header.
 * Cells are defused by csvRow, so a name like "=HYPERLINK(…)" stays text in a spreadsheet. Pure.
 */
import type { leads } from '../../../db/schema';
import type { CsvColumn } from '../data/csv';

type Lead = typeof leads.$inferSelect;

/** A lead as /coach/leads.csv writes it. */
export const LEAD_CSV_COLUMNS: readonly CsvColumn<Lead>[] = [
  ['email', (lead) => lead.email],
  ['status', (lead) => lead.status],
  ['source_path', (lead) => lead.sourcePath],
  ['source_article', (lead) => lead.sourceArticle],
  ['utm_source', (lead) => lead.utmSource],
  ['utm_medium', (lead) => lead.utmMedium],
  ['utm_campaign', (lead) => lead.utmCampaign],
  ['consent_text', (lead) => lead.consentText],
  ['consent_at', (lead) => lead.consentAt],
  ['created_at', (lead) => lead.createdAt],
  ['confirmed_at', (lead) => lead.confirmedAt],
  ['unsubscribed_at', (lead) => lead.unsubscribedAt],
  ['member', (lead) => (lead.userId ? 'yes' : 'no')],
];

/** What the members CSV reads of a member (a row of the coach's member list). */
export interface MemberCsvRow {
  email: string;
  name: string;
  role: string;
  plan: string;
  createdAt: Date;
  emailVerifiedAt: Date | null;
  sourceArticle: string | null;
  sourcePath: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  consentAt: Date | null;
  commentingBlockedAt: Date | null;
}

/** A member as /coach/members.csv writes them: who joined, on which plan, from where, with which consent. */
export const MEMBER_CSV_COLUMNS: readonly CsvColumn<MemberCsvRow>[] = [
  ['email', (member) => member.email],
  ['name', (member) => member.name],
  ['role', (member) => member.role],
  ['plan', (member) => member.plan],
  ['joined_at', (member) => member.createdAt],
  ['email_confirmed_at', (member) => member.emailVerifiedAt],
  ['source_article', (member) => member.sourceArticle],
  ['source_path', (member) => member.sourcePath],
  ['utm_source', (member) => member.utmSource],
  ['utm_medium', (member) => member.utmMedium],
  ['utm_campaign', (member) => member.utmCampaign],
  ['consent_at', (member) => member.consentAt],
  ['commenting_stopped_at', (member) => member.commentingBlockedAt],
];

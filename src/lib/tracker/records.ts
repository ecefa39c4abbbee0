/**
 * The tracker's rows as the database gives them, shared by the pure modules that read them
 * (export, statistics, calendar): their types, and the one mapping from a stored entry to what
 * those modules see of it.
 */
import type { conversations, opportunities, touches } from '../../../db/schema';
import type { OpportunityKind, Stage, StepId } from './model';

/** The stored rows, every column. */
export type Opportunity = typeof opportunities.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Touch = typeof touches.$inferSelect;

/** Who and where: what a member types about an opportunity. */
export interface OpportunityFieldsValue {
  kind: OpportunityKind;
  company: string;
  roleTitle: string;
  contactName: string;
  contactRole: string;
  contactEmail: string;
  notes: string;
}

/** An interview process or a networking relationship. Archived ones keep their history. */
export interface OpportunityRow extends OpportunityFieldsValue {
  id: string;
  stage: Stage;
  archivedAt: Date | null;
  createdAt: Date;
}

/** What is known about one conversation. */
export interface ConversationValue {
  at: Date;
  /** `YYYY-MM-DD` in the member's zone. */
  decisionBy: string | null;
  timingNote: string;
  specificDetail: string;
  valueIdea: string;
}

/** One interview round or networking call of an opportunity. */
export interface ConversationRow extends ConversationValue {
  id: string;
  opportunityId: string;
}

/** A message the member sent, or a reply they logged. */
export interface TouchRow {
  id: string;
  opportunityId: string;
  type: 'sent' | 'reply';
  step: StepId | null;
  at: Date;
  decisionBy: string | null;
  subject: string;
  body: string;
}

/** What the exports, statistics and calendar see of a stored entry: no plan columns, no owner. */
export function asOpportunityRow(row: Opportunity): OpportunityRow {
  return {
    id: row.id,
    kind: row.kind,
    company: row.company,
    roleTitle: row.roleTitle,
    contactName: row.contactName,
    contactRole: row.contactRole,
    contactEmail: row.contactEmail,
    stage: row.stage,
    notes: row.notes,
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
  };
}

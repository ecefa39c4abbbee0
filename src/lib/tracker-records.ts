/**
 * The tracker's rows as the database gives them, shared by the pure modules that read them
 * (export, statistics, calendar). Types only.
 */
import type { OpportunityKind, Stage, StepId } from './tracker-model';

/** An interview process or a networking relationship. Archived ones keep their history. */
export interface OpportunityRow {
  id: string;
  kind: OpportunityKind;
  company: string;
  roleTitle: string;
  contactName: string;
  contactRole: string;
  contactEmail: string;
  stage: Stage;
  notes: string;
  archivedAt: Date | null;
  createdAt: Date;
}

/** One interview round or networking call of an opportunity. */
export interface ConversationRow {
  id: string;
  opportunityId: string;
  at: Date;
  /** `YYYY-MM-DD` in the member's zone. */
  decisionBy: string | null;
  timingNote: string;
  specificDetail: string;
  valueIdea: string;
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

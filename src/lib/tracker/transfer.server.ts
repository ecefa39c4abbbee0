/**
 * The member's whole tracker out (the JSON and CSV exports, the statistics) and entries in from
 * a CSV import.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { conversations, opportunities, touches } from '../../../db/schema';
import type { ConversationRow, Opportunity, OpportunityRow, TouchRow } from './records';
import type { ImportedOpportunity } from './csv';
import type { StepId } from './model';
import { newId, replan, type Member } from './entries.server';

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

/** Everything in a member's tracker, in the shapes the export, stats and calendar use. */
export async function trackerData(db: Database, member: Member) {
  const [opportunityRows, conversationRows, touchRows] = await Promise.all([
    db.select().from(opportunities).where(eq(opportunities.userId, member.id)).orderBy(asc(opportunities.createdAt)),
    db.select().from(conversations).where(eq(conversations.userId, member.id)).orderBy(asc(conversations.at)),
    db.select().from(touches).where(eq(touches.userId, member.id)).orderBy(asc(touches.at)),
  ]);
  return {
    raw: opportunityRows,
    opportunities: opportunityRows.map(asOpportunityRow),
    conversations: conversationRows.map((row): ConversationRow => ({
      id: row.id,
      opportunityId: row.opportunityId,
      at: row.at,
      decisionBy: row.decisionBy,
      timingNote: row.timingNote,
      specificDetail: row.specificDetail,
      valueIdea: row.valueIdea,
    })),
    touches: touchRows.map((row): TouchRow => ({
      id: row.id,
      opportunityId: row.opportunityId,
      type: row.type,
      step: row.step as StepId | null,
      at: row.at,
      decisionBy: row.decisionBy,
      subject: row.subject,
      body: row.body,
    })),
  };
}

/** Adds imported opportunities in one transaction: all of them, or none if anything fails. */
export async function importOpportunities(
  db: Database,
  member: Member,
  imported: readonly ImportedOpportunity[],
  now = new Date(),
): Promise<number> {
  await db.transaction(async (tx) => {
    for (const item of imported) {
      const id = newId();
      const { conversations: rounds, ...fields } = item;
      await tx.insert(opportunities).values({ id, userId: member.id, ...fields, lastActivityAt: now, createdAt: now });
      for (const round of rounds)
        await tx
          .insert(conversations)
          .values({ id: newId(), opportunityId: id, userId: member.id, ...round, createdAt: now });
      await replan(tx, member, id, now);
    }
  });
  return imported.length;
}

/**
 * The member's whole tracker out (the JSON and CSV exports, the statistics) and entries in from
 * an import (a CSV or the JSON export).
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { conversations, opportunities, touches } from '../../../db/schema';
import { asOpportunityRow, type ConversationRow, type TouchRow } from './records';
import type { ImportedOpportunity } from './import-report';
import type { StepId } from './model';
import { newId, replan, type Member } from './entries.server';

/** Everything in a member's tracker, in the shapes the export, stats and calendar use. */
export async function trackerData(db: Database, member: Member) {
  const [opportunityRows, conversationRows, touchRows] = await Promise.all([
    db.select().from(opportunities).where(eq(opportunities.userId, member.id)).orderBy(asc(opportunities.createdAt)),
    db
      .select()
      .from(conversations)
      .where(eq(conversations.userId, member.id))
      .orderBy(asc(conversations.at), asc(conversations.createdAt)),
    db.select().from(touches).where(eq(touches.userId, member.id)).orderBy(asc(touches.at), asc(touches.createdAt)),
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

/** What an entry is known by when the same export is imported twice: who, where, and when it was added. */
function entryKey(entry: {
  kind: string;
  company: string;
  contactName: string;
  roleTitle: string;
  createdAt: Date;
}): string {
  return [entry.kind, entry.company, entry.contactName, entry.roleTitle, entry.createdAt.getTime()].join('\u0000');
}

export interface ImportResult {
  added: number;
  /** Entries of the file already in the tracker (same person, company, role and time added): left as they are. */
  alreadyThere: number;
}

/**
 * Adds imported entries in one transaction (all of them, or none if anything fails), with their
 * rounds, messages and replies, notes, stage and archive state, then plans each from its history.
 * An entry that says when it was added and matches one already in the tracker is skipped, so the
 * same export imported twice adds nothing the second time. Rows that happened at the same instant
 * keep the file's order (their `createdAt` breaks the tie).
 */
export async function importOpportunities(
  db: Database,
  member: Member,
  imported: readonly ImportedOpportunity[],
  now = new Date(),
): Promise<ImportResult> {
  const result: ImportResult = { added: 0, alreadyThere: 0 };
  await db.transaction(async (tx) => {
    const existing = await tx
      .select({
        kind: opportunities.kind,
        company: opportunities.company,
        contactName: opportunities.contactName,
        roleTitle: opportunities.roleTitle,
        createdAt: opportunities.createdAt,
      })
      .from(opportunities)
      .where(eq(opportunities.userId, member.id));
    const known = new Set(existing.map(entryKey));
    for (const item of imported) {
      const { conversations: rounds, touches: messages = [], createdAt = now, archivedAt = null, ...fields } = item;
      const key = entryKey({ ...fields, createdAt });
      if (item.createdAt && known.has(key)) {
        result.alreadyThere++;
        continue;
      }
      known.add(key);
      const id = newId();
      // Rows of the entry's history, in the file's order: `createdAt` breaks ties in time.
      const history = <T extends object>(rows: readonly T[]) =>
        rows.map((row, order) => ({
          id: newId(),
          opportunityId: id,
          userId: member.id,
          ...row,
          createdAt: new Date(now.getTime() + order),
        }));
      await tx
        .insert(opportunities)
        .values({ id, userId: member.id, ...fields, archivedAt, lastActivityAt: now, createdAt });
      if (rounds.length > 0) await tx.insert(conversations).values(history(rounds));
      if (messages.length > 0) await tx.insert(touches).values(history(messages));
      await replan(tx, member, id, now);
      result.added++;
    }
  });
  return result;
}

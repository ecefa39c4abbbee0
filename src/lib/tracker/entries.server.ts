/**
 * One tracker entry and its history: an opportunity with its conversations and touches, always
 * read and written for one member (every query carries the member's id, so another member's id
 * matches nothing). Each change rewrites the opportunity's stored plan in the same transaction,
 * from the playbook.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect';
import { conversations, opportunities, touches } from '../../../db/schema';
import { isDateInRange, isInstantInRange } from '../forms/fields';
import { nextStep, type Plan, type PlaybookInput } from './playbook';
import type { ConversationValue, Opportunity, OpportunityFieldsValue, TouchRow } from './records';
import type { OpportunityDetail } from './view';
import type { Stage, StepId } from './model';
import { generateSecureRandomString } from '../auth/session.server';
import { workingCalendarOf } from '../time/holidays.server';
import { WEEKENDS_ONLY, type WorkingCalendar } from '../time/zoned-time';

export interface Member {
  id: string;
  timeZone: string;
  /** Whose public holidays the member's working days skip (`users.country`, `users.region`); none when absent. */
  country?: string | null;
  region?: string | null;
}

export const newId = () => generateSecureRandomString();

/** The playbook's view of an opportunity's history, with the member's holidays (`workingCalendarOf`). */
export function playbookInput(
  detail: OpportunityDetail,
  timeZone: string,
  calendar: WorkingCalendar = WEEKENDS_ONLY,
): PlaybookInput {
  return {
    kind: detail.opportunity.kind,
    stage: detail.opportunity.stage,
    timeZone,
    calendar,
    conversations: detail.conversations.map((item) => ({ at: item.at, decisionBy: item.decisionBy })),
    touches: detail.touches.map((item) => ({
      type: item.type,
      step: item.step as StepId | null,
      at: item.at,
      decisionBy: item.decisionBy,
    })),
  };
}

/** What the stored plan columns hold for a plan and its sentence. */
function planColumns(plan: Plan, planReason: string) {
  if (plan.state !== 'step')
    return {
      planState: plan.state,
      planStep: null,
      planPrecision: null,
      planEarliestAt: null,
      planDueAt: null,
      planReason,
    };
  return {
    planReason,
    planState: plan.state,
    planStep: plan.step,
    planPrecision: plan.precision,
    planEarliestAt: plan.earliestAt,
    planDueAt: plan.dueAt,
  };
}

/** The key of a scheduled step: a reminder names it so the same step is never reminded twice. */
export function planKey(opportunity: Pick<Opportunity, 'planStep' | 'planDueAt'>): string | null {
  return opportunity.planStep && opportunity.planDueAt
    ? `${opportunity.planStep}@${opportunity.planDueAt.getTime()}`
    : null;
}

/** One of the member's opportunities with its history, or undefined (also for another member's id). */
export async function loadOpportunity(
  executor: Executor,
  member: Member,
  id: string,
): Promise<OpportunityDetail | undefined> {
  const [opportunity] = await executor
    .select()
    .from(opportunities)
    .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
    .limit(1);
  if (!opportunity) return undefined;
  const [conversationRows, touchRows] = await Promise.all([
    executor
      .select()
      .from(conversations)
      .where(eq(conversations.opportunityId, id))
      .orderBy(asc(conversations.at), asc(conversations.createdAt)),
    executor
      .select()
      .from(touches)
      .where(eq(touches.opportunityId, id))
      .orderBy(asc(touches.at), asc(touches.createdAt)),
  ]);
  return {
    opportunity,
    conversations: conversationRows.filter((row) => isInstantInRange(row.at)).map(withUsableDecisionDate),
    touches: touchRows.filter((row) => isInstantInRange(row.at)).map(withUsableDecisionDate),
  };
}

/**
 * Dates are checked at input (2000 to 2099), but a row stored before they were, or written by
 * hand, may hold an instant no Date can hold or a decision date like `9999-99-99`. The planner and
 * the pages leave such a conversation or touch out, and read such a decision date as none; the
 * exports (trackerData) still carry them.
 */
function withUsableDecisionDate<T extends { decisionBy: string | null }>(row: T): T {
  return row.decisionBy === null || isDateInRange(row.decisionBy) ? row : { ...row, decisionBy: null };
}

/** Recomputes and stores an opportunity's plan from its history. */
export async function replan(tx: Executor, member: Member, id: string, now: Date): Promise<void> {
  const detail = await loadOpportunity(tx, member, id);
  if (!detail) return;
  // The plan and its sentence never depend on the clock; `now` only stamps the activity.
  const calendar = await workingCalendarOf(member);
  const { plan, reason } = nextStep(playbookInput(detail, member.timeZone, calendar), now);
  const lastEvent = Math.max(
    detail.opportunity.createdAt.getTime(),
    ...detail.conversations.map((item) => item.createdAt.getTime()),
    ...detail.touches.map((item) => item.createdAt.getTime()),
  );
  await tx
    .update(opportunities)
    .set({ ...planColumns(plan, reason), lastActivityAt: new Date(Math.max(lastEvent, now.getTime())), updatedAt: now })
    .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)));
}

/**
 * Replans every opportunity of a member: after a time-zone change day boundaries move, after a
 * country or region change the holidays do.
 */
export async function replanAll(db: Database, member: Member, now = new Date()): Promise<void> {
  const rows = await db.select({ id: opportunities.id }).from(opportunities).where(eq(opportunities.userId, member.id));
  await db.transaction(async (tx) => {
    for (const row of rows) await replan(tx, member, row.id, now);
  });
}

export async function createOpportunity(
  db: Database,
  member: Member,
  fields: OpportunityFieldsValue,
  conversation: ConversationValue,
  now = new Date(),
): Promise<string> {
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(opportunities).values({ id, userId: member.id, ...fields, lastActivityAt: now, createdAt: now });
    await tx
      .insert(conversations)
      .values({ id: newId(), opportunityId: id, userId: member.id, ...conversation, createdAt: now });
    await replan(tx, member, id, now);
  });
  return id;
}

/** Changes the who and where of an opportunity; false when it is not the member's. */
export async function updateOpportunity(
  db: Database,
  member: Member,
  id: string,
  fields: OpportunityFieldsValue,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(opportunities)
      .set({ ...fields, updatedAt: now })
      .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
      .returning({ id: opportunities.id });
    if (updated.length === 0) return false;
    await replan(tx, member, id, now);
    return true;
  });
}

export async function setStage(db: Database, member: Member, id: string, stage: Stage, now = new Date()) {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(opportunities)
      .set({ stage, updatedAt: now })
      .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
      .returning({ id: opportunities.id });
    if (updated.length === 0) return false;
    await replan(tx, member, id, now);
    return true;
  });
}

export async function setArchived(db: Database, member: Member, id: string, archived: boolean, now = new Date()) {
  const updated = await db
    .update(opportunities)
    .set({ archivedAt: archived ? now : null, updatedAt: now })
    .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
    .returning({ id: opportunities.id });
  return updated.length > 0;
}

/** Deletes an opportunity with its conversations and touches (the foreign keys cascade). */
export async function deleteOpportunity(db: Database, member: Member, id: string): Promise<boolean> {
  const deleted = await db
    .delete(opportunities)
    .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
    .returning({ id: opportunities.id });
  return deleted.length > 0;
}

/** Another round or call: the schedule restarts from it. */
export async function addConversation(
  db: Database,
  member: Member,
  opportunityId: string,
  conversation: ConversationValue,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const owned = await ownedOpportunity(tx, member, opportunityId);
    if (!owned) return false;
    await tx.insert(conversations).values({
      id: newId(),
      opportunityId,
      userId: member.id,
      ...conversation,
      createdAt: now,
    });
    await replan(tx, member, opportunityId, now);
    return true;
  });
}

/** A touch as it is logged: the row without its ids. */
export type TouchValue = Omit<TouchRow, 'id' | 'opportunityId'>;

/** Logs a message sent or a reply received, and schedules what comes next. */
export async function logTouch(
  db: Database,
  member: Member,
  opportunityId: string,
  touch: TouchValue,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const owned = await ownedOpportunity(tx, member, opportunityId);
    if (!owned) return false;
    await tx.insert(touches).values({ id: newId(), opportunityId, userId: member.id, ...touch, createdAt: now });
    await replan(tx, member, opportunityId, now);
    return true;
  });
}

/** Removes a logged touch (a mistaken "mark as sent"), and replans. */
export async function deleteTouch(db: Database, member: Member, touchId: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(touches)
      .where(and(eq(touches.id, touchId), eq(touches.userId, member.id)))
      .returning({ opportunityId: touches.opportunityId });
    const opportunityId = deleted[0]?.opportunityId;
    if (!opportunityId) return false;
    await replan(tx, member, opportunityId, now);
    return true;
  });
}

async function ownedOpportunity(tx: Executor, member: Member, id: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: opportunities.id })
    .from(opportunities)
    .where(and(eq(opportunities.id, id), eq(opportunities.userId, member.id)))
    .limit(1);
  return !!row;
}

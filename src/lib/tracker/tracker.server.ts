/**
 * The tracker's data: opportunities, their conversations and touches, always read and written
 * for one member (every query carries the member's id, so another member's id matches nothing).
 * Each change rewrites the opportunity's stored plan in the same transaction, from the playbook.
 */
import { and, asc, desc, eq, gte, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect';
import { conversations, opportunities, touches, trackerSettings } from '../../../db/schema';
import { isDateInRange, isInstantInRange } from '../forms/fields';
import { nextStep, type Plan } from './playbook';
import type {
  ConversationRow,
  ConversationValue,
  OpportunityFieldsValue,
  OpportunityRow,
  TouchRow,
} from './records';
import type { ImportedOpportunity } from './csv';
import type { OpportunityKind, Stage, StepId } from './model';
import { generateSecureRandomString } from '../auth/session.server';

export interface Member {
  id: string;
  timeZone: string;
}

export type Opportunity = typeof opportunities.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Touch = typeof touches.$inferSelect;

export interface OpportunityDetail {
  opportunity: Opportunity;
  conversations: Conversation[];
  touches: Touch[];
}

const newId = () => generateSecureRandomString();

/** The playbook's view of an opportunity's history. */
export function playbookInput(detail: OpportunityDetail, timeZone: string) {
  return {
    kind: detail.opportunity.kind,
    stage: detail.opportunity.stage,
    timeZone,
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
async function replan(tx: Executor, member: Member, id: string, now: Date): Promise<void> {
  const detail = await loadOpportunity(tx, member, id);
  if (!detail) return;
  // The plan and its sentence never depend on the clock; `now` only stamps the activity.
  const { plan, reason } = nextStep(playbookInput(detail, member.timeZone), now);
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

/** Replans every opportunity of a member: after a time-zone change, day boundaries move. */
export async function replanAll(db: Database, member: Member, now = new Date()): Promise<void> {
  const rows = await db.select({ id: opportunities.id }).from(opportunities).where(eq(opportunities.userId, member.id));
  await db.transaction(async (tx) => {
    for (const row of rows) await replan(tx, member, row.id, now);
  });
}

export type { ConversationValue, OpportunityFieldsValue };

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

export interface TrackerFilter {
  /** Words to find in company, contact, role or notes. */
  q?: string;
  kind?: OpportunityKind;
  stage?: Stage;
  archived?: boolean;
}

/** The columns the tracker home, the board and the reminders show: everything but long text. */
export const listColumns = {
  id: opportunities.id,
  kind: opportunities.kind,
  company: opportunities.company,
  roleTitle: opportunities.roleTitle,
  contactName: opportunities.contactName,
  stage: opportunities.stage,
  archivedAt: opportunities.archivedAt,
  planState: opportunities.planState,
  planStep: opportunities.planStep,
  planPrecision: opportunities.planPrecision,
  planEarliestAt: opportunities.planEarliestAt,
  planDueAt: opportunities.planDueAt,
  planReason: opportunities.planReason,
  lastActivityAt: opportunities.lastActivityAt,
};

export type TrackerItem = {
  [K in keyof typeof listColumns]: (typeof opportunities.$inferSelect)[K extends keyof typeof opportunities.$inferSelect
    ? K
    : never];
};

/** `%` and `_` typed by the member are matched literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The member's opportunities, most recently active first (served by opportunities_user_activity). */
export function listOpportunities(db: Database, member: Member, filter: TrackerFilter = {}) {
  const conditions: SQL[] = [eq(opportunities.userId, member.id)];
  conditions.push(filter.archived ? isNotNull(opportunities.archivedAt) : isNull(opportunities.archivedAt));
  if (filter.kind) conditions.push(eq(opportunities.kind, filter.kind));
  if (filter.stage) conditions.push(eq(opportunities.stage, filter.stage));
  const words = (filter.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 6);
  for (const word of words) {
    const pattern = likePattern(word.slice(0, 60));
    conditions.push(
      or(
        sql`${opportunities.company} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.contactName} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.roleTitle} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.notes} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    );
  }
  return db
    .select(listColumns)
    .from(opportunities)
    .where(and(...conditions))
    .orderBy(desc(opportunities.lastActivityAt))
    .limit(1000);
}

/** Open steps with a due date, soonest first (served by opportunities_user_due_cover). */
export function listDueSteps(db: Database, member: Member) {
  return db
    .select(listColumns)
    .from(opportunities)
    .where(
      and(eq(opportunities.userId, member.id), isNull(opportunities.archivedAt), isNotNull(opportunities.planDueAt)),
    )
    .orderBy(asc(opportunities.planDueAt))
    .limit(500);
}

const DAY_MS = 86_400_000;
/** The largest time a Date can hold. */
const LATEST_DATE_MS = 8_640_000_000_000_000;

/** The member's entries with a due step, between two instants (inclusive), soonest first. */
export function dueBetween(db: Database, member: Member, from: number, to: number, limit: number) {
  return db
    .select(listColumns)
    .from(opportunities)
    .where(dueRange(member, from, to))
    .orderBy(asc(opportunities.planDueAt))
    .limit(limit);
}

function dueRange(member: Member, from: number, to: number) {
  return and(
    eq(opportunities.userId, member.id),
    isNull(opportunities.archivedAt),
    gte(opportunities.planDueAt, new Date(from)),
    lte(opportunities.planDueAt, new Date(to)),
  );
}

export interface DueSection {
  items: TrackerItem[];
  count: number;
}

export interface HomeSummary {
  overdue: DueSection;
  today: DueSection;
  upcoming: DueSection;
  /** Open (unarchived) entries by stage and plan state, for the board's column totals. */
  stages: { stage: Stage; planState: Opportunity['planState']; count: number }[];
}

/**
 * Open entries by stage and plan state, with how many are overdue, due today and upcoming: read
 * from the covering index alone (opportunities_user_due_cover), never from the rows.
 */
export function homeTotals(db: Database, member: Member, at: number, dayEnd: number, horizon: number) {
  const due = opportunities.planDueAt;
  const timedSoon = sql`(${due} > ${dayEnd} AND ${opportunities.planPrecision} = 'time' AND ${due} <= ${horizon})`;
  return db
    .select({
      stage: opportunities.stage,
      planState: opportunities.planState,
      count: sql<number>`count(*)`,
      overdue: sql<number>`coalesce(sum(${due} < ${at}), 0)`,
      today: sql<number>`coalesce(sum((${due} >= ${at} AND ${due} <= ${dayEnd}) OR ${timedSoon}), 0)`,
      upcoming: sql<number>`coalesce(sum(${due} > ${dayEnd} AND NOT ${timedSoon}), 0)`,
    })
    .from(opportunities)
    .where(and(eq(opportunities.userId, member.id), isNull(opportunities.archivedAt)))
    .groupBy(opportunities.stage, opportunities.planState);
}

/**
 * The tracker home in three queries whatever the tracker holds: one aggregate (totals by stage
 * and by urgency) and the first few entries of each list, read as index ranges. The buckets are
 * the playbook's (bucketOf): overdue once past due; today when due by the end of the member's
 * day, or a timed step due within 24 h; upcoming after that. `endOfToday` is the last
 * millisecond of the member's local day.
 */
export async function homeSummary(
  db: Database,
  member: Member,
  now: Date,
  endOfToday: Date,
  shown: { overdue: number; today: number; upcoming: number },
): Promise<HomeSummary> {
  const at = now.getTime();
  const dayEnd = endOfToday.getTime();
  const horizon = at + DAY_MS;
  const isToday = (item: TrackerItem) =>
    item.planDueAt!.getTime() <= dayEnd || (item.planPrecision === 'time' && item.planDueAt!.getTime() <= horizon);
  const [groups, overdueItems, soon] = await Promise.all([
    homeTotals(db, member, at, dayEnd, horizon),
    dueBetween(db, member, 0, at - 1, shown.overdue),
    dueBetween(db, member, at, LATEST_DATE_MS, shown.today + shown.upcoming),
  ]);
  const total = (key: 'overdue' | 'today' | 'upcoming') => groups.reduce((sum, row) => sum + Number(row[key]), 0);
  const todayItems = soon.filter(isToday).slice(0, shown.today);
  let upcomingItems = soon.filter((item) => !isToday(item));
  // More due today than shown: the first upcoming entries lie past all of today's.
  if (total('today') > todayItems.length && upcomingItems.length < shown.upcoming && total('upcoming') > 0)
    upcomingItems = (await dueBetween(db, member, dayEnd + 1, LATEST_DATE_MS, shown.upcoming + total('today'))).filter(
      (item) => !isToday(item),
    );
  return {
    overdue: { items: overdueItems, count: total('overdue') },
    today: { items: todayItems, count: total('today') },
    upcoming: { items: upcomingItems.slice(0, shown.upcoming), count: total('upcoming') },
    stages: groups.map(({ stage, planState, count }) => ({ stage, planState, count: Number(count) })),
  };
}

// ---- Export, import ----

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

export async function countOpportunities(db: Database, member: Member): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(opportunities)
    .where(eq(opportunities.userId, member.id));
  return Number(row?.n ?? 0);
}

// ---- Calendar feed ----

export async function calendarTokenHash(db: Database, member: Member): Promise<string | null> {
  const [row] = await db
    .select({ hash: trackerSettings.calendarTokenHash })
    .from(trackerSettings)
    .where(eq(trackerSettings.userId, member.id));
  return row?.hash ?? null;
}

/** Stores a new feed secret's hash (revoking any old URL), or none to switch the feed off. */
export async function setCalendarTokenHash(db: Database, member: Member, hash: string | null): Promise<void> {
  await db
    .insert(trackerSettings)
    .values({ userId: member.id, calendarTokenHash: hash })
    .onConflictDoUpdate({ target: trackerSettings.userId, set: { calendarTokenHash: hash } });
}

export async function memberForCalendar(db: Database, hash: string) {
  const [row] = await db
    .select({ userId: trackerSettings.userId })
    .from(trackerSettings)
    .where(eq(trackerSettings.calendarTokenHash, hash))
    .limit(1);
  return row?.userId;
}

/**
 * How tracker entries are shown: which list or board column an entry belongs in and the short
 * labels beside it. Pure: the stored plan, the member's zone and the time are passed in.
 */
import { isInstantInRange } from '../forms/fields';
import { bucketOf, type Bucket, type Plan } from './playbook';
import { STAGE_LABELS, STEP_LABELS, type OpportunityKind, type Stage, type StepId } from './model';
import { formatDay, formatDayTime } from '../time/zoned-time';
import type { Conversation, Opportunity, Touch } from './records';

/** One opportunity with its history, as its page shows it. */
export interface OpportunityDetail {
  opportunity: Opportunity;
  conversations: Conversation[];
  touches: Touch[];
}

/** An entry as the tracker home, the board and the reminders list it: everything but long text. */
export type TrackerItem = Pick<
  Opportunity,
  | 'id'
  | 'kind'
  | 'company'
  | 'roleTitle'
  | 'contactName'
  | 'stage'
  | 'archivedAt'
  | 'planState'
  | 'planStep'
  | 'planPrecision'
  | 'planEarliestAt'
  | 'planDueAt'
  | 'planReason'
  | 'lastActivityAt'
>;

/** The first few entries of one of the home's lists, and how many the list holds in all. */
export interface DueSection {
  items: TrackerItem[];
  count: number;
}

/** The plan columns stored on an opportunity row. */
export interface StoredPlan {
  stage: Stage;
  planState: 'step' | 'paused' | 'waiting' | 'ended' | 'empty';
  planStep: string | null;
  planPrecision: 'time' | 'day' | null;
  planEarliestAt: Date | null;
  planDueAt: Date | null;
}

/**
 * The stored plan as the playbook's Plan, for bucketOf (which reads only the due moment). A due
 * moment outside the dates the site accepts (a row stored before they were checked) is no plan.
 */
export function storedPlan(item: StoredPlan): Plan {
  const dueAt = isInstantInRange(item.planDueAt) ? item.planDueAt : null;
  const earliestAt = isInstantInRange(item.planEarliestAt) ? item.planEarliestAt : null;
  if (item.planState === 'step' && item.planStep && dueAt && earliestAt)
    return {
      state: 'step',
      step: item.planStep as StepId,
      earliestAt,
      dueAt,
      precision: item.planPrecision ?? 'day',
      basedOn: earliestAt,
      checkInsWithoutReply: 0,
    };
  if (item.planState === 'ended') return { state: 'ended', stage: item.stage };
  if (item.planState === 'paused' || item.planState === 'waiting')
    return { state: item.planState, since: dueAt ?? new Date(0) };
  return { state: 'empty' };
}

export function storedBucket(item: StoredPlan, now: Date, timeZone: string): Bucket {
  return bucketOf(storedPlan(item), now, timeZone);
}

/** `Thank-you note`, or '' when nothing is scheduled. */
export function stepLabel(item: Pick<StoredPlan, 'planStep'>): string {
  return item.planStep && item.planStep in STEP_LABELS ? STEP_LABELS[item.planStep as StepId] : '';
}

/** `by Tue 3 Dec, 3:00 pm` for a timed step, `Tue 3 Dec` for a day. */
export function dueLabel(item: Pick<StoredPlan, 'planDueAt' | 'planPrecision'>, timeZone: string): string {
  if (!isInstantInRange(item.planDueAt)) return '';
  return item.planPrecision === 'time'
    ? `by ${formatDayTime(item.planDueAt, timeZone)}`
    : formatDay(item.planDueAt, timeZone);
}

export const BOARD_COLUMNS = ['to-send', 'scheduled', 'replied', 'done', 'offer', 'closed'] as const;
export type BoardColumn = (typeof BOARD_COLUMNS)[number];

export const BOARD_COLUMN_LABELS: Record<BoardColumn, string> = {
  'to-send': 'To send',
  scheduled: 'Scheduled',
  replied: 'They replied',
  done: 'Done for now',
  offer: 'Offer',
  closed: 'Closed',
};

/** The board's column: what the member has to do, or how it ended. */
export function boardColumn(item: StoredPlan, bucket: Bucket): BoardColumn {
  if (item.stage === 'offer') return 'offer';
  if (item.stage !== 'open') return 'closed';
  if (item.planState === 'step') return bucket === 'upcoming' ? 'scheduled' : 'to-send';
  if (item.planState === 'paused') return 'replied';
  return 'done';
}

/** One card on the board, as plain data for the React island. */
export interface BoardCard {
  id: string;
  kind: OpportunityKind;
  company: string;
  roleTitle: string;
  contactName: string;
  stage: Stage;
  stageLabel: string;
  column: BoardColumn;
  step: string;
  due: string;
  overdue: boolean;
}

export interface ListedOpportunity extends StoredPlan {
  id: string;
  kind: OpportunityKind;
  company: string;
  roleTitle: string;
  contactName: string;
}

export function boardCard(item: ListedOpportunity, now: Date, timeZone: string): BoardCard {
  const bucket = storedBucket(item, now, timeZone);
  return {
    id: item.id,
    kind: item.kind,
    company: item.company,
    roleTitle: item.roleTitle,
    contactName: item.contactName,
    stage: item.stage,
    stageLabel: STAGE_LABELS[item.stage],
    column: boardColumn(item, bucket),
    step: stepLabel(item),
    due: dueLabel(item, timeZone),
    overdue: bucket === 'overdue',
  };
}

/**
 * The board's column totals without loading every card: stage and plan-state counts from the
 * database, and the entries with a due step split by urgency (counted for the lists).
 */
export function columnCounts(
  counts: readonly { stage: Stage; planState: StoredPlan['planState']; count: number }[],
  due: { toSend: number; scheduled: number },
): Record<BoardColumn, number> {
  const totals: Record<BoardColumn, number> = { 'to-send': 0, scheduled: 0, replied: 0, done: 0, offer: 0, closed: 0 };
  for (const row of counts) {
    if (row.stage === 'open' && row.planState === 'step') continue;
    totals[
      boardColumn({ ...row, planStep: null, planPrecision: null, planEarliestAt: null, planDueAt: null }, 'none')
    ] += Number(row.count);
  }
  totals['to-send'] += due.toSend;
  totals.scheduled += due.scheduled;
  return totals;
}

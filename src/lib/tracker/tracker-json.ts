/**
 * The tracker as one JSON file, written and read back without loss: every entry with its rounds
 * (conversations), the messages sent and the replies logged, the notes, the stage and whether it
 * is archived. The plan (`next`) is written for other tools to read; on import the playbook works
 * it out again from the history, so it is never taken from the file. Pure.
 *
 * Reading checks every entry with the forms' field rules. An entry with a problem is reported
 * (by its place in the file and the field) and left out; the others import. A file that is not a
 * tracker export, or holds more entries than allowed, imports nothing.
 */
import { z } from 'astro/zod';
import { isInstantInRange, multiLineText, singleLineText } from '../forms/fields';
import {
  conversationFields,
  opportunityFields,
  requireRoleForInterviews,
  STAGES,
  STEP_IDS,
  TOUCH_LIMITS,
  TOUCH_TYPES,
} from './model';
import { asOpportunityRow, type ConversationRow, type Opportunity, type TouchRow } from './records';
import {
  MAX_IMPORT_ITEMS,
  refusedFile,
  type ImportedOpportunity,
  type ImportProblem,
  type ImportReport,
} from './import-report';

/** Names the file's kind, so another program's JSON is told apart from ours. */
export const TRACKER_JSON_FORMAT = 'own-the-follow-up/tracker';
/** Raised when a change would make an older reader misread the file. */
export const TRACKER_JSON_VERSION = 1;

/** Rounds and messages one entry may hold: far beyond any real process, short of a runaway file. */
const MAX_CONVERSATIONS_PER_ENTRY = 500;
const MAX_TOUCHES_PER_ENTRY = 2000;

// ---- Export ----

export interface TrackerJsonInput {
  exportedAt: Date;
  timeZone: string;
  /** The stored rows, oldest entry first; conversations and touches in the order they happened. */
  opportunities: readonly Opportunity[];
  conversations: readonly ConversationRow[];
  touches: readonly TouchRow[];
}

function byOpportunity<T extends { opportunityId: string }>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(item.opportunityId);
    if (list) list.push(item);
    else grouped.set(item.opportunityId, [item]);
  }
  return grouped;
}

/** The export, as an object JSON.stringify turns into the file (Dates become ISO 8601 in UTC). */
export function trackerJson(input: TrackerJsonInput) {
  const conversationsOf = byOpportunity(input.conversations);
  const touchesOf = byOpportunity(input.touches);
  return {
    format: TRACKER_JSON_FORMAT,
    version: TRACKER_JSON_VERSION,
    exportedAt: input.exportedAt,
    timeZone: input.timeZone,
    opportunities: input.opportunities.map((row) => ({
      ...asOpportunityRow(row),
      next: { state: row.planState, step: row.planStep, dueAt: row.planDueAt, reason: row.planReason },
      conversations: (conversationsOf.get(row.id) ?? []).map(({ opportunityId: _, ...item }) => item),
      touches: (touchesOf.get(row.id) ?? []).map(({ opportunityId: _, ...item }) => item),
    })),
  };
}

// ---- Import ----

export interface ReadTrackerJsonOptions {
  now: Date;
  /** Entries allowed in one file; a larger file is refused whole. */
  maxEntries?: number;
}

const instant = z
  .string({ error: 'Use a date and time like 2026-12-03T14:30:00.000Z.' })
  .refine((value) => z.iso.datetime({ offset: true }).safeParse(value).success, {
    message: 'Use a date and time like 2026-12-03T14:30:00.000Z.',
  })
  .transform((value) => new Date(value))
  .refine(isInstantInRange, 'Check the year: use a date between 2000 and 2099.');

const conversationSchema = z.object({
  at: instant,
  decisionBy: conversationFields.decisionBy,
  timingNote: conversationFields.timingNote,
  specificDetail: conversationFields.specificDetail,
  valueIdea: conversationFields.valueIdea,
});

const touchSchema = z.object({
  type: z.enum(TOUCH_TYPES, { error: `Use one of: ${TOUCH_TYPES.join(', ')}.` }),
  step: z
    .enum(STEP_IDS, { error: `Use one of: ${STEP_IDS.join(', ')}, or null.` })
    .nullish()
    .default(null),
  at: instant,
  decisionBy: conversationFields.decisionBy,
  subject: singleLineText({ max: TOUCH_LIMITS.subject })
    .nullish()
    .transform((value) => value ?? ''),
  body: multiLineText({ max: TOUCH_LIMITS.body })
    .nullish()
    .transform((value) => value ?? ''),
});

const entrySchema = z
  .object({
    ...opportunityFields,
    stage: z.enum(STAGES, { error: `Use one of: ${STAGES.join(', ')}.` }).default('open'),
    archivedAt: instant.nullish().transform((value) => value ?? null),
    createdAt: instant.optional(),
    conversations: z
      .array(conversationSchema, { error: 'Give the conversations as a list.' })
      .max(MAX_CONVERSATIONS_PER_ENTRY, `Keep an entry under ${MAX_CONVERSATIONS_PER_ENTRY} conversations.`)
      .default([]),
    touches: z
      .array(touchSchema, { error: 'Give the messages as a list.' })
      .max(MAX_TOUCHES_PER_ENTRY, `Keep an entry under ${MAX_TOUCHES_PER_ENTRY} messages.`)
      .default([]),
  })
  .superRefine(requireRoleForInterviews);

/** `touches[2].body` reads as "message 3, body": places counted from 1, as a member counts. */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const names: Record<string, string> = { conversations: 'conversation', touches: 'message' };
  const parts: string[] = [];
  for (let index = 0; index < path.length; index++) {
    const key = path[index];
    const next = path[index + 1];
    if (typeof key === 'string' && names[key] && typeof next === 'number') {
      parts.push(`${names[key]} ${next + 1}`);
      index++;
    } else parts.push(String(key));
  }
  return parts.join(', ');
}

/** The first problem per field of an entry, in the order the rules found them. */
function entryProblems(entry: number, issues: readonly z.core.$ZodIssue[]): ImportProblem[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldLabel(issue.path);
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return [...byField].map(([field, message]) => ({ row: entry, field, message }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refused(message: string, entries = 0): ImportReport {
  return refusedFile('entry', { row: 0, field: '', message }, entries);
}

/** True when a decoded file looks like JSON rather than a spreadsheet. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[{[]/.test(text);
}

/**
 * Reads the JSON export (of this version or an earlier one, which had no `format` field). Dates in
 * the history are kept as they are: an import moves a job search, it does not question it.
 */
export function readTrackerJson(text: string, options: ReadTrackerJsonOptions): ImportReport {
  const maxEntries = options.maxEntries ?? MAX_IMPORT_ITEMS;
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? ` (${error.message})` : '';
    return refused(
      `This file is not valid JSON${detail}. Import the file "Download JSON" gave you as it is, or a CSV.`,
    );
  }
  const notOurs =
    'This JSON file is not a tracker export. Import the file "Download JSON" gave you, or a CSV with the columns above.';
  if (!isObject(file) || !Array.isArray(file.opportunities)) return refused(notOurs);
  if (file.format !== undefined && file.format !== TRACKER_JSON_FORMAT) return refused(notOurs);
  if (typeof file.version === 'number' && file.version > TRACKER_JSON_VERSION)
    return refused(
      `This file was written by a newer version of the tracker (format version ${file.version}); this site reads up to version ${TRACKER_JSON_VERSION}.`,
    );
  const entries = file.opportunities;
  if (entries.length > maxEntries)
    return refused(
      `This file has ${entries.length.toLocaleString('en-US')} entries; up to ${maxEntries.toLocaleString('en-US')} import at once.`,
      entries.length,
    );

  const problems: ImportProblem[] = [];
  const opportunities: ImportedOpportunity[] = [];
  entries.forEach((entry, index) => {
    if (!isObject(entry)) {
      problems.push({ row: index + 1, field: '', message: 'This entry is not an object with fields.' });
      return;
    }
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...entryProblems(index + 1, parsed.error.issues));
      return;
    }
    const value = parsed.data;
    const byTime = <T extends { at: Date }>(items: T[]) =>
      items
        .map((item, order) => ({ item, order }))
        .sort((a, b) => a.item.at.getTime() - b.item.at.getTime() || a.order - b.order)
        .map(({ item }) => item);
    opportunities.push({
      kind: value.kind,
      company: value.company,
      roleTitle: value.roleTitle,
      contactName: value.contactName,
      contactRole: value.contactRole,
      contactEmail: value.contactEmail,
      notes: value.notes,
      stage: value.stage,
      archivedAt: value.archivedAt,
      ...(value.createdAt ? { createdAt: value.createdAt } : {}),
      conversations: byTime(value.conversations),
      touches: byTime(value.touches),
    });
  });
  return {
    unit: 'entry',
    refused: false,
    opportunities,
    problems,
    rowsRead: entries.length,
    rowsAccepted: opportunities.length,
    notices: [],
  };
}

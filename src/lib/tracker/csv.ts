/**
 * The tracker as a spreadsheet: every conversation as one CSV row with its opportunity's
 * details repeated, and the same file read back. Importing checks each row with the very field
 * rules the forms use, reports every problem by row and column, and keeps the good rows. Pure:
 * the time zone and the current instant are passed in.
 */
import { z } from 'astro/zod';
import { csvRow, detectCsvDelimiter, readCsvLeniently } from '../data/csv';
import {
  conversationFields,
  conversationInstant,
  opportunityFields,
  questionDates,
  ROLE_MISSING_MESSAGE,
  STAGES,
} from './model';
import type { ConversationRow, OpportunityRow } from './records';
import {
  MAX_IMPORT_ITEMS,
  refusedFile,
  type ImportedConversation,
  type ImportedOpportunity,
  type ImportProblem,
  type ImportReport,
} from './import-report';
import { localParts } from '../time/zoned-time';
import { dateOrderNotice, dateOrderOf, isAmbiguousDate, spreadsheetDate, type DateOrder } from './spreadsheet-dates';

/**
 * The header row, in order, and the schema field each column feeds (so a schema message is
 * reported under its column). The importer needs every column and ignores any others.
 */
const FIELD_OF_COLUMN = {
  kind: 'kind',
  company: 'company',
  role_title: 'roleTitle',
  contact_name: 'contactName',
  contact_role: 'contactRole',
  contact_email: 'contactEmail',
  stage: 'stage',
  conversation_date: 'happenedOn',
  conversation_time: 'happenedAt',
  decision_by: 'decisionBy',
  timing_note: 'timingNote',
  specific_detail: 'specificDetail',
  value_idea: 'valueIdea',
  notes: 'notes',
} as const;
export type TrackerCsvColumn = keyof typeof FIELD_OF_COLUMN;
export const TRACKER_CSV_COLUMNS = Object.keys(FIELD_OF_COLUMN) as readonly TrackerCsvColumn[];

/** The columns that describe a conversation; a row with all of them blank is an opportunity alone. */
const CONVERSATION_COLUMNS: readonly TrackerCsvColumn[] = [
  'conversation_date',
  'conversation_time',
  'decision_by',
  'timing_note',
  'specific_detail',
  'value_idea',
];

const DAY_MS = 86_400_000;

// ---- Export ----

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

function conversationsByOpportunity(conversations: readonly ConversationRow[]): Map<string, ConversationRow[]> {
  const grouped = new Map<string, ConversationRow[]>();
  for (const conversation of conversations) {
    const list = grouped.get(conversation.opportunityId) ?? [];
    list.push(conversation);
    grouped.set(conversation.opportunityId, list);
  }
  for (const list of grouped.values()) list.sort((a, b) => a.at.getTime() - b.at.getTime());
  return grouped;
}

function exportCells(opportunity: OpportunityRow, conversation: ConversationRow | null, timeZone: string): string[] {
  // A row stored before dates were checked may hold no instant at all: its date cells stay empty.
  const local =
    conversation && Number.isFinite(conversation.at.getTime()) ? localParts(conversation.at, timeZone) : null;
  const cells: Record<TrackerCsvColumn, string> = {
    kind: opportunity.kind,
    company: opportunity.company,
    role_title: opportunity.roleTitle,
    contact_name: opportunity.contactName,
    contact_role: opportunity.contactRole,
    contact_email: opportunity.contactEmail,
    stage: opportunity.stage,
    conversation_date: local?.date ?? '',
    conversation_time: local ? `${twoDigits(local.hour)}:${twoDigits(local.minute)}` : '',
    decision_by: conversation?.decisionBy ?? '',
    timing_note: conversation?.timingNote ?? '',
    specific_detail: conversation?.specificDetail ?? '',
    value_idea: conversation?.valueIdea ?? '',
    notes: opportunity.notes,
  };
  return TRACKER_CSV_COLUMNS.map((column) => cells[column]);
}

/**
 * The tracker as CSV: a header, then one row per conversation (oldest first within an
 * opportunity) with the opportunity's details repeated, dates and times on the member's own
 * clock. An opportunity without conversations still gets a row. Cells go through csvRow, so
 * nothing a contact typed can run as a spreadsheet formula.
 */
export function trackerCsv(
  opportunities: readonly OpportunityRow[],
  conversations: readonly ConversationRow[],
  timeZone: string,
): string {
  const grouped = conversationsByOpportunity(conversations);
  let text = csvRow(TRACKER_CSV_COLUMNS);
  for (const opportunity of opportunities) {
    const rounds = grouped.get(opportunity.id) ?? [];
    if (rounds.length === 0) text += csvRow(exportCells(opportunity, null, timeZone));
    for (const conversation of rounds) text += csvRow(exportCells(opportunity, conversation, timeZone));
  }
  return text;
}

// ---- Import ----

export interface ReadTrackerCsvOptions {
  timeZone: string;
  now: Date;
  /** How `03/04/2026` is read; by default judged from the file's other dates, else day first. */
  dateOrder?: DateOrder;
  /** Data rows allowed in one file; a larger file is refused whole. */
  maxRows?: number;
}

const opportunitySchema = z.object({
  ...opportunityFields,
  // A blank stage arrives as undefined, so a file without stages imports as open.
  stage: z.enum(STAGES, { error: `Use one of: ${STAGES.join(', ')}.` }).default('open'),
});

const conversationSchema = z.object(conversationFields);

type ImportedOpportunityFields = Omit<ImportedOpportunity, 'conversations' | 'touches' | 'archivedAt' | 'createdAt'>;

interface AcceptedRow {
  opportunity: ImportedOpportunityFields;
  conversation: ImportedConversation | null;
}

/** `Role Title` and `role-title` name the same column as `role_title`. */
function columnName(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function columnIndexes(header: readonly string[]): Map<string, number> {
  const indexes = new Map<string, number>();
  header.forEach((name, index) => {
    const key = columnName(name);
    if (!indexes.has(key)) indexes.set(key, index);
  });
  return indexes;
}

/**
 * Spreadsheets rewrite `09:30` as `9:30`, and some add seconds; both still mean the time the
 * member wrote. Anything else goes to the schema unchanged, to be refused there.
 */
function normalizeClock(value: string): string {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(value.trim());
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : value;
}

function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** Only the first message per field: one clear thing to fix rather than every rule it broke. */
function addIssues(problems: Map<string, string>, issues: readonly z.core.$ZodIssue[]): void {
  for (const issue of issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '';
    if (!problems.has(field)) problems.set(field, issue.message);
  }
}

/** Checks one data row with the forms' rules; returns its values, or its problems by field. */
function readRow(
  cell: (column: TrackerCsvColumn) => string,
  options: ReadTrackerCsvOptions & { dateOrder: DateOrder },
): { ok: true; value: AcceptedRow } | { ok: false; problems: Map<string, string> } {
  const problems = new Map<string, string>();
  const kind = cell('kind').trim().toLowerCase();
  const opportunity = opportunitySchema.safeParse({
    kind,
    company: cell('company'),
    roleTitle: cell('role_title'),
    contactName: cell('contact_name'),
    contactRole: cell('contact_role'),
    contactEmail: cell('contact_email'),
    stage: cell('stage').trim().toLowerCase() || undefined,
    notes: cell('notes'),
  });
  if (!opportunity.success) addIssues(problems, opportunity.error.issues);
  // The forms' rule (requireRoleForInterviews), checked here even when other fields fail, so the
  // member sees every problem with the row at once (a refinement runs only on a valid object).
  if (kind === 'interview' && cell('role_title').trim() === '' && !problems.has('roleTitle'))
    problems.set('roleTitle', ROLE_MISSING_MESSAGE);

  let conversation: ImportedConversation | null = null;
  if (CONVERSATION_COLUMNS.some((column) => cell(column).trim() !== '')) {
    const parsed = conversationSchema.safeParse({
      happenedOn: spreadsheetDate(cell('conversation_date'), options.dateOrder),
      happenedAt: normalizeClock(cell('conversation_time')),
      decisionBy: spreadsheetDate(cell('decision_by'), options.dateOrder),
      timingNote: cell('timing_note'),
      specificDetail: cell('specific_detail'),
      valueIdea: cell('value_idea'),
      // Old conversations are normal in an import; only impossible dates are refused.
      confirmDates: 'on',
    });
    if (!parsed.success) addIssues(problems, parsed.error.issues);
    else {
      const at = conversationInstant(parsed.data, options.timeZone);
      for (const [field, message] of Object.entries(questionDates(parsed.data, options.now, options.timeZone)))
        if (!problems.has(field)) problems.set(field, message);
      // A day of slack covers a file written in a zone ahead of the member's.
      if (at.getTime() > options.now.getTime() + DAY_MS && !problems.has('happenedOn'))
        problems.set('happenedOn', 'This date is in the future.');
      conversation = {
        at,
        decisionBy: parsed.data.decisionBy,
        timingNote: parsed.data.timingNote,
        specificDetail: parsed.data.specificDetail,
        valueIdea: parsed.data.valueIdea,
      };
    }
  }
  if (problems.size > 0 || !opportunity.success) return { ok: false, problems };
  return { ok: true, value: { opportunity: opportunity.data, conversation } };
}

/** Rows for the same process or relationship: same kind, company, person and role. */
function opportunityKey(value: ImportedOpportunityFields): string {
  const person = value.contactEmail !== '' ? `email:${value.contactEmail}` : `name:${value.contactName}`;
  return [value.kind, value.company, person, value.roleTitle].map((part) => part.toLowerCase()).join('\u0000');
}

/** Groups accepted rows into opportunities; the first row of a group supplies its details. */
function groupRows(rows: readonly AcceptedRow[]): ImportedOpportunity[] {
  const groups = new Map<string, ImportedOpportunity>();
  for (const row of rows) {
    const key = opportunityKey(row.opportunity);
    let group = groups.get(key);
    if (!group) {
      group = { ...row.opportunity, conversations: [] };
      groups.set(key, group);
    }
    if (row.conversation) group.conversations.push(row.conversation);
  }
  for (const group of groups.values()) group.conversations.sort((a, b) => a.at.getTime() - b.at.getTime());
  return [...groups.values()];
}

const COLUMN_OF_FIELD = new Map<string, TrackerCsvColumn>(
  TRACKER_CSV_COLUMNS.map((column) => [FIELD_OF_COLUMN[column], column]),
);

/** A row's problems under their column names, in column order whatever order the rules ran in. */
function rowProblems(row: number, byField: ReadonlyMap<string, string>): ImportProblem[] {
  const position = (field: string) => TRACKER_CSV_COLUMNS.indexOf(field as TrackerCsvColumn);
  return [...byField]
    .map(([field, message]) => ({ row, field: COLUMN_OF_FIELD.get(field) ?? '', message }))
    .sort((a, b) => position(a.field) - position(b.field));
}

function refused(problem: ImportProblem, rowsRead = 0): ImportReport {
  return refusedFile('row', problem, rowsRead);
}

/**
 * Reads a tracker CSV (as trackerCsv writes it, or as a member typed it). Every row is checked
 * with the forms' field rules; a row with problems is reported and left out, the rest import.
 * A file that cannot be read, lacks columns or is too long imports nothing. Blank rows are
 * skipped without comment.
 */
export function readTrackerCsv(text: string, options: ReadTrackerCsvOptions): ImportReport {
  const maxRows = options.maxRows ?? MAX_IMPORT_ITEMS;
  // Excel writes semicolons where the comma is the decimal mark, and some tools write tabs.
  const known = new Set<string>(TRACKER_CSV_COLUMNS);
  const delimiter = detectCsvDelimiter(text, (cell) => known.has(columnName(cell)));
  const { rows: records, unreadable } = readCsvLeniently(text, delimiter);
  const unreadableRows = new Map(unreadable.map((problem) => [problem.row, problem.message]));
  const headerProblem = unreadableRows.get(1);
  if (headerProblem !== undefined) return refused({ row: 1, field: '', message: headerProblem });

  const [header, ...data] = records;
  if (!header || isBlankRow(header))
    return refused({
      row: 1,
      field: '',
      message: `This file is empty. Its first row should name the columns: ${TRACKER_CSV_COLUMNS.join(', ')}.`,
    });
  const indexes = columnIndexes(header);
  const missing = TRACKER_CSV_COLUMNS.filter((column) => !indexes.has(column));
  if (missing.length > 0)
    return refused({
      row: 1,
      field: '',
      message: `This file is missing the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}. Its first row should name the columns: ${TRACKER_CSV_COLUMNS.join(', ')}.`,
    });

  // Spreadsheet row numbers: the header is row 1, so data row i is row i + 2.
  const rows = data
    .map((cells, index) => ({ cells, row: index + 2 }))
    .filter(({ cells, row }) => unreadableRows.has(row) || !isBlankRow(cells));
  if (rows.length > maxRows)
    return refused(
      {
        row: 1,
        field: '',
        message: `This file has more than ${maxRows} rows. Split it into files of up to ${maxRows} rows and import each one.`,
      },
      rows.length,
    );

  const cellOf = (cells: readonly string[], column: TrackerCsvColumn) => cells[indexes.get(column) ?? -1] ?? '';
  const dates = rows.flatMap(({ cells }) => [cellOf(cells, 'conversation_date'), cellOf(cells, 'decision_by')]);
  const dateOrder = options.dateOrder ?? dateOrderOf(dates);
  const ambiguous = dates.find(isAmbiguousDate);
  const notices = ambiguous ? [dateOrderNotice(ambiguous, dateOrder)] : [];

  const problems: ImportProblem[] = [];
  const accepted: AcceptedRow[] = [];
  for (const { cells, row } of rows) {
    const unreadableMessage = unreadableRows.get(row);
    if (unreadableMessage !== undefined) {
      problems.push({ row, field: '', message: unreadableMessage });
      continue;
    }
    const cell = (column: TrackerCsvColumn) => cellOf(cells, column);
    const result = readRow(cell, { ...options, dateOrder });
    if (result.ok) {
      accepted.push(result.value);
      continue;
    }
    problems.push(...rowProblems(row, result.problems));
  }
  return {
    unit: 'row',
    refused: false,
    opportunities: groupRows(accepted),
    problems,
    rowsRead: rows.length,
    rowsAccepted: accepted.length,
    notices,
  };
}

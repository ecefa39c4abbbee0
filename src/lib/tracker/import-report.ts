/**
 * What an import read from a member's file, whichever format it came in (a CSV of conversations,
 * or the JSON export with everything), and the sentence that tells the member what happened. Pure.
 */
import { MAX_UPLOAD_BYTES, megabytes } from '../http/request-body';
import type { Stage } from './model';
import type { ConversationValue, OpportunityFieldsValue, TouchRow } from './records';

/**
 * The largest file an import reads. The upload's whole body may be MAX_UPLOAD_BYTES; the form's
 * other parts take a few hundred bytes of it.
 */
export const MAX_IMPORT_FILE_BYTES = MAX_UPLOAD_BYTES - 16 * 1024;

/** Said beside the file field, whether the file or the request carrying it was too large. */
export const IMPORT_TOO_LARGE_MESSAGE = `That file is over ${megabytes(MAX_UPLOAD_BYTES)}. Split it into smaller files and import each one.`;

export type ImportedConversation = ConversationValue;

/** A message sent or a reply logged, as the JSON export carries it. */
export type ImportedTouch = Omit<TouchRow, 'id' | 'opportunityId'>;

export interface ImportedOpportunity extends OpportunityFieldsValue {
  stage: Stage;
  /** Oldest first. Empty when the file listed the opportunity without any conversation. */
  conversations: ImportedConversation[];
  /** What only the JSON export carries; a CSV row has none of them. */
  touches?: ImportedTouch[];
  archivedAt?: Date | null;
  /** When the entry was first added; with it, an entry already in the tracker is recognised. */
  createdAt?: Date;
}

/** Rows of a CSV, or entries of a JSON export, that one file may hold; a larger file is refused whole. */
export const MAX_IMPORT_ITEMS = 2000;

/** The unit a file is read in: a spreadsheet's rows, or the JSON export's entries. */
export type ImportUnit = 'row' | 'entry';

/** How the summary and the import page name a unit, and the place of a problem within one. */
export const IMPORT_UNIT_WORDS: Record<
  ImportUnit,
  { one: string; many: string; One: string; Many: string; Part: string }
> = {
  row: { one: 'row', many: 'rows', One: 'Row', Many: 'Rows', Part: 'Column' },
  entry: { one: 'entry', many: 'entries', One: 'Entry', Many: 'Entries', Part: 'Field' },
};

export interface ImportProblem {
  /** The spreadsheet row (1-based; the header is row 1), or the entry's place in a JSON file (1-based). */
  row: number;
  /** The CSV column or the JSON field, or '' for the whole row, entry or file. */
  field: string;
  message: string;
}

export interface ImportReport {
  unit: ImportUnit;
  opportunities: ImportedOpportunity[];
  problems: ImportProblem[];
  /** True when the file was refused as a whole (unreadable, missing columns, too long): nothing imports. */
  refused: boolean;
  /** Data rows (or entries) found, blank rows aside. */
  rowsRead: number;
  /** Data rows (or entries) read without a problem. */
  rowsAccepted: number;
  /** What the importer assumed about the file (its encoding, how it read dates), to tell the member. */
  notices: string[];
}

/** A report of a file refused as a whole for one reason. */
export function refusedFile(unit: ImportUnit, problem: ImportProblem, rowsRead = 0): ImportReport {
  return { unit, opportunities: [], problems: [problem], refused: true, rowsRead, rowsAccepted: 0, notices: [] };
}

/** What the import Action returns: the report, the entries it added and those it found already there. */
export interface ImportOutcome {
  unit: ImportUnit;
  refused: boolean;
  added: number;
  /** Entries of a JSON export that were already in the tracker (the same file imported twice), left as they are. */
  alreadyThere: number;
  rowsRead: number;
  rowsAccepted: number;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * The import's one-line summary. Counts come from the report, never from the problems list: a
 * refused file (missing columns, too long, unreadable) has read nothing, so it says that nothing
 * was imported rather than "0 of 0 rows ... 1 row was skipped".
 */
export function importSummary(outcome: ImportOutcome): string {
  if (outcome.refused) return `Nothing was imported: the file was refused as a whole. See why below.`;
  const skipped = outcome.rowsRead - outcome.rowsAccepted;
  const { one, many } = IMPORT_UNIT_WORDS[outcome.unit];
  let text = `Added ${count(outcome.added, 'entry', 'entries')} from ${outcome.rowsAccepted.toLocaleString('en-US')} of ${outcome.rowsRead.toLocaleString('en-US')} ${many}.`;
  if (outcome.alreadyThere > 0)
    text += ` ${count(outcome.alreadyThere, 'entry was', 'entries were')} already in your tracker and left as ${outcome.alreadyThere === 1 ? 'it was' : 'they were'}.`;
  if (skipped > 0) text += ` ${count(skipped, `${one} was`, `${many} were`)} skipped: see why below.`;
  return text;
}

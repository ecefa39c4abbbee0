/**
 * An uploaded tracker file, read from its bytes: the JSON export (everything) or a CSV of
 * conversations, told apart by what the file holds rather than by its name. Pure.
 */
import { decodeSpreadsheet, ENCODING_NAMES } from '../data/encoding';
import { readTrackerCsv, type ReadTrackerCsvOptions } from './csv';
import type { ImportReport } from './import-report';
import { looksLikeJson, readTrackerJson } from './tracker-json';

export interface ReadTrackerFileOptions extends ReadTrackerCsvOptions {
  /** Entries a JSON file may hold; a larger one is refused whole. */
  maxEntries?: number;
}

/**
 * Decodes the bytes with decodeSpreadsheet (a byte order mark, else UTF-8 when the bytes are valid
 * UTF-8, else Windows-1252 as Excel saves it in many locales), then reads them as the JSON export
 * when they look like JSON, else as a CSV. When a CSV was not UTF-8 the report says which encoding
 * was assumed, and how to save the file so nothing is guessed.
 */
export function readTrackerFile(bytes: ArrayBuffer | Uint8Array, options: ReadTrackerFileOptions): ImportReport {
  const decoded = decodeSpreadsheet(bytes);
  if (looksLikeJson(decoded.text)) return readTrackerJson(decoded.text, options);
  const report = readTrackerCsv(decoded.text, options);
  if (decoded.encoding === 'windows-1252')
    report.notices.unshift(
      `This file is not UTF-8, so it was read as ${ENCODING_NAMES[decoded.encoding]}, the encoding Excel uses in many countries. If accented letters look wrong, save it from your spreadsheet as "CSV UTF-8" and import it again.`,
    );
  else if (decoded.encoding !== 'utf-8')
    report.notices.unshift(`This file was read as ${ENCODING_NAMES[decoded.encoding]}, as its byte order mark says.`);
  return report;
}

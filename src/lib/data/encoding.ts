/**
 * Text files members upload from spreadsheets, decoded from their bytes. Excel saves "CSV" in
 * the machine's legacy code page in many locales (Windows-1252 in western Europe and the
 * Americas), so decoding every upload as UTF-8 would turn `Müller` into `M\uFFFDller` without a
 * word. Pure.
 */

export type SpreadsheetEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedSpreadsheet {
  /** The text, without any byte order mark. */
  text: string;
  encoding: SpreadsheetEncoding;
  /** How the encoding was known: a byte order mark, the bytes being valid UTF-8, or a fallback. */
  detectedBy: 'bom' | 'valid-utf-8' | 'fallback';
}

/** A readable name for a report. */
export const ENCODING_NAMES: Record<SpreadsheetEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16',
  'utf-16be': 'UTF-16',
  'windows-1252': 'Windows-1252 (Western European)',
};

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

function decode(bytes: Uint8Array, encoding: SpreadsheetEncoding, fatal = false): string {
  // ignoreBOM keeps a mark in the text, so it is removed once, here, whatever the decoder does.
  const text = new TextDecoder(encoding, { fatal, ignoreBOM: true }).decode(bytes);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * Decodes an uploaded spreadsheet: a byte order mark (UTF-8, UTF-16 LE or BE) decides; else
 * bytes that are valid UTF-8 are UTF-8; else the file is read as Windows-1252, where every
 * byte is a character, so nothing is ever replaced with U+FFFD.
 */
export function decodeSpreadsheet(input: ArrayBuffer | Uint8Array): DecodedSpreadsheet {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { text: decode(bytes, 'utf-8'), encoding: 'utf-8', detectedBy: 'bom' };
  if (startsWith(bytes, [0xff, 0xfe]))
    return { text: decode(bytes, 'utf-16le'), encoding: 'utf-16le', detectedBy: 'bom' };
  if (startsWith(bytes, [0xfe, 0xff]))
    return { text: decode(bytes, 'utf-16be'), encoding: 'utf-16be', detectedBy: 'bom' };
  try {
    return { text: decode(bytes, 'utf-8', true), encoding: 'utf-8', detectedBy: 'valid-utf-8' };
  } catch {
    return { text: decode(bytes, 'windows-1252'), encoding: 'windows-1252', detectedBy: 'fallback' };
  }
}

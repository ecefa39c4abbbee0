import { describe, expect, it } from 'vitest';
import { decodeSpreadsheet } from '../../src/lib/data/encoding';

describe('decodeSpreadsheet', () => {
  it('reads bytes that are not UTF-8 as Windows-1252, never as U+FFFD', () => {
    // "Müller GmbH €" as Excel saves it in Germany.
    const bytes = new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x20, 0x47, 0x6d, 0x62, 0x48, 0x20, 0x80]);
    expect(decodeSpreadsheet(bytes)).toEqual({
      text: 'Müller GmbH €',
      encoding: 'windows-1252',
      detectedBy: 'fallback',
    });
    // Every byte means a character in Windows-1252, so nothing is ever replaced.
    const all = decodeSpreadsheet(new Uint8Array(Array.from({ length: 256 }, (_, i) => i)).subarray(1));
    expect(all.text).not.toContain('\uFFFD');
  });

  it('reads valid UTF-8 as UTF-8, keeping a U+FFFD that was really there', () => {
    const bytes = new TextEncoder().encode('Renée Šťastná \uFFFD');
    expect(decodeSpreadsheet(bytes)).toEqual({
      text: 'Renée Šťastná \uFFFD',
      encoding: 'utf-8',
      detectedBy: 'valid-utf-8',
    });
  });

  it('follows a byte order mark and removes it', () => {
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('Šťastná')]);
    expect(decodeSpreadsheet(utf8)).toEqual({ text: 'Šťastná', encoding: 'utf-8', detectedBy: 'bom' });
    const le = new Uint8Array([0xff, 0xfe, 0x4d, 0x00, 0xfc, 0x00]);
    expect(decodeSpreadsheet(le)).toEqual({ text: 'Mü', encoding: 'utf-16le', detectedBy: 'bom' });
    const be = new Uint8Array([0xfe, 0xff, 0x00, 0x4d, 0x00, 0xfc]);
    expect(decodeSpreadsheet(be)).toEqual({ text: 'Mü', encoding: 'utf-16be', detectedBy: 'bom' });
  });

  it('accepts an ArrayBuffer, as File.arrayBuffer() gives', () => {
    expect(decodeSpreadsheet(new TextEncoder().encode('abc').buffer).text).toBe('abc');
  });
});

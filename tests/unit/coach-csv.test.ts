import { describe, expect, it } from 'vitest';
import { LEAD_CSV_COLUMNS, MEMBER_CSV_COLUMNS, type MemberCsvRow } from '../../src/lib/coach/csv.ts';
import { csvTable } from '../../src/lib/data/csv.ts';

describe('csvTable', () => {
  it('writes the header row, then a row per item, each cell defused', () => {
    const columns = [
      ['name', (row: { name: string; n: number }) => row.name],
      ['twice', (row: { name: string; n: number }) => row.n * 2],
    ] as const;
    expect(csvTable(columns, [{ name: '=SUM(A1)', n: 2 }])).toBe('"name","twice"\r\n"\'=SUM(A1)","4"\r\n');
    expect(csvTable(columns, [])).toBe('"name","twice"\r\n');
  });
});

describe('the coach CSV columns', () => {
  it('name the lead columns in the order of the download', () => {
    expect(LEAD_CSV_COLUMNS.map(([header]) => header)).toEqual([
      'email',
      'status',
      'source_path',
      'source_article',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'consent_text',
      'consent_at',
      'created_at',
      'confirmed_at',
      'unsubscribed_at',
      'member',
    ]);
  });

  it('write a member with dates as ISO text and missing values empty', () => {
    const member: MemberCsvRow = {
      email: 'a@example.com',
      name: 'Ann',
      role: 'member',
      plan: 'free',
      createdAt: new Date('2026-01-02T03:04:05Z'),
      emailVerifiedAt: null,
      sourceArticle: 'thank-you',
      sourcePath: null,
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
      consentAt: null,
      commentingBlockedAt: null,
    };
    expect(csvTable(MEMBER_CSV_COLUMNS, [member]).split('\r\n')[1]).toBe(
      '"a@example.com","Ann","member","free","2026-01-02T03:04:05.000Z","","thank-you","","","","","",""',
    );
  });
});

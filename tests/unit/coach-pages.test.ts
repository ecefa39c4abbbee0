import { describe, expect, it } from 'vitest';
import { leadStatusText, utmTags } from '../../src/lib/coach/member-page.ts';
import { periodLabel } from '../../src/lib/funnel/rules.ts';

describe('leadStatusText', () => {
  const at = new Date('2026-03-04T05:06:00Z');
  it.each([
    [undefined, ''],
    [{ status: 'confirmed', confirmedAt: at }, 'confirmed, address confirmed on 4 Mar 2026, 05:06 UTC.'],
    [{ status: 'confirmed', confirmedAt: null }, 'confirmed, address confirmed.'],
    [{ status: 'pending', confirmedAt: null }, 'pending, waiting for them to confirm their address.'],
    [{ status: 'unsubscribed', confirmedAt: at }, 'unsubscribed: they no longer receive the cheat-sheet emails.'],
  ])('%o → %s', (lead, expected) => {
    expect(leadStatusText(lead)).toBe(expected);
  });
});

describe('utmTags', () => {
  it('labels the tags given and leaves out the empty ones', () => {
    expect(utmTags({ utmSource: 'news', utmMedium: null, utmCampaign: 'spring' })).toEqual([
      ['Campaign source', 'news'],
      ['Campaign name', 'spring'],
    ]);
    expect(utmTags(undefined)).toEqual([]);
  });
});

describe('periodLabel', () => {
  it('names a preset by its days, and dates typed in by both ends', () => {
    expect(periodLabel({ from: '2026-01-01', to: '2026-01-30', preset: 30 })).toBe('the last 30 days');
    expect(periodLabel({ from: '2026-01-01', to: '2026-01-09', preset: null })).toBe('2026-01-01 to 2026-01-09');
  });
});

import { describe, expect, it } from 'vitest';
import { describeAgent } from '../../src/lib/auth/account-page.ts';
import { leadStatusText, memberSavedMessage, utmTags } from '../../src/lib/coach/member-page.ts';
import {
  discussionPageLink,
  discussionPages,
  discussionParams,
  discussionRedirect,
  discussionSavedMessage,
} from '../../src/lib/comments/discussion-page.ts';
import { moderationTabs, moderationView, waitingIn } from '../../src/lib/comments/moderation-queue.ts';
import { savedMessage } from '../../src/lib/forms/saved-message.ts';
import { periodLabel } from '../../src/lib/funnel/rules.ts';
import { opportunityRedirect, opportunitySavedMessage } from '../../src/lib/tracker/opportunity-page.ts';

describe('savedMessage', () => {
  const messages = { sent: 'Sent.' };
  it.each([
    ['sent', 'Sent.'],
    ['other', undefined],
    ['', undefined],
    [null, undefined],
    ['constructor', undefined],
    ['toString', undefined],
  ] as const)('%s → %s', (key, expected) => {
    expect(savedMessage(messages, key)).toBe(expected);
  });

  it('each page knows its own keys', () => {
    expect(opportunitySavedMessage('reply')).toBe('Reply logged.');
    expect(memberSavedMessage('stopped')).toBe('Done: they can no longer comment.');
    expect(discussionSavedMessage('reported')).toBe('Thank you: the coach will look at it.');
    expect(opportunitySavedMessage('stopped')).toBeUndefined();
  });
});

describe('opportunityRedirect', () => {
  it.each([
    ['sent', '/tracker/o/x?saved=sent#next'],
    ['review', '/tracker/o/x?saved=review#review'],
    ['withdrawn', '/tracker/o/x?saved=withdrawn#review'],
  ])('%s → %s', (name, expected) => {
    expect(opportunityRedirect('/tracker/o/x', name)).toBe(expected);
  });
});

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

describe('moderation page', () => {
  const counts = { reported: 0, held: 2, hidden: 1 };
  it.each([
    ['log', 'log'],
    ['hidden', 'hidden'],
    [null, 'held'],
    ['nonsense', 'held'],
  ] as const)('?queue=%s → %s', (param, expected) => {
    expect(moderationView(param, counts)).toBe(expected);
  });
  it('counts each queue in its tab', () => {
    expect(moderationTabs(counts).map(([, label]) => label)).toEqual([
      'Reported (0)',
      'Waiting for approval (2)',
      'Hidden (1)',
      'Log',
    ]);
  });
  it.each([
    ['reported', 1, '1 comment is reported'],
    ['reported', 3, '3 comments are reported'],
    ['held', 1, '1 comment is waiting for approval'],
    ['held', 2, '2 comments are waiting for approval'],
    ['hidden', 4, '4 hidden'],
  ] as const)('%s %d → %s', (queue, n, expected) => {
    expect(waitingIn(queue, n)).toBe(expected);
  });
});

describe('discussion page', () => {
  it.each([
    ['', { sort: 'newest', pageNumber: 1 }],
    ['sort=top&page=3', { sort: 'top', pageNumber: 3 }],
    ['page=0', { sort: 'newest', pageNumber: 1 }],
    ['page=-4', { sort: 'newest', pageNumber: 1 }],
    ['page=abc', { sort: 'newest', pageNumber: 1 }],
    ['page=999999', { sort: 'newest', pageNumber: 10_000 }],
  ])('?%s', (query, expected) => {
    expect(discussionParams(new URLSearchParams(query))).toEqual(expected);
  });
  it('counts pages of fifty threads, at least one', () => {
    expect([0, 1, 50, 51].map(discussionPages)).toEqual([1, 1, 1, 2]);
  });
  it('links pages in the same order', () => {
    expect(discussionPageLink('a', 'top', 1)).toBe('/articles/a/comments?sort=top#comments');
    expect(discussionPageLink('a', 'newest', 2)).toBe('/articles/a/comments?sort=newest&page=2#comments');
  });
  it.each([
    ['posted', 'article', 'c1', '/articles/a#comments'],
    ['edited', 'article', 'c1', '/articles/a#c-c1'],
    ['liked', 'article', undefined, '/articles/a#comments'],
    ['reported', 'article', 'c1', '/articles/a/comments?saved=reported#c-c1'],
    ['posted', 'comments', 'c1', '/articles/a/comments?saved=posted#c-c1'],
    ['deleted', '', undefined, '/articles/a/comments?saved=deleted#comments'],
  ])('%s from %s → %s', (name, back, id, expected) => {
    expect(discussionRedirect('a', name, back, id)).toBe(expected);
  });
});

describe('periodLabel', () => {
  it('names a preset by its days, and dates typed in by both ends', () => {
    expect(periodLabel({ from: '2026-01-01', to: '2026-01-30', preset: 30 })).toBe('the last 30 days');
    expect(periodLabel({ from: '2026-01-01', to: '2026-01-09', preset: null })).toBe('2026-01-01 to 2026-01-09');
  });
});

describe('describeAgent', () => {
  it.each([
    ['', 'Unknown browser'],
    ['Mozilla/5.0 (iPhone) AppleWebKit Version/17 Mobile Safari/604.1', 'Phone, Safari'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'Computer, Firefox'],
    ['Mozilla/5.0 (Windows NT 10.0) AppleWebKit Chrome/120 Safari/537.36 Edg/120', 'Computer, Edge'],
    ['Mozilla/5.0 (Linux; Android 14) AppleWebKit Chrome/120 Mobile Safari/537.36', 'Phone, Chrome'],
    ['curl/8.0', 'Computer, browser'],
  ])('%s → %s', (agent, expected) => {
    expect(describeAgent(agent)).toBe(expected);
  });
});

/**
 * The tracker's pure helpers around the playbook: wall-clock time in a member's zone, the
 * questions asked about unusual dates, drafts filled from a conversation, and where an entry
 * is shown.
 */
import { describe, expect, it } from 'vitest';
import {
  draftFor,
  greetingName,
  mailtoLink,
  refuseUnfilledPlaceholders,
  unfilledPlaceholders,
} from '../../src/lib/tracker/drafts.ts';
import { Refusal } from '../../src/lib/app/refusal.ts';
import type { CheatSheetTemplate } from '../../src/lib/leads/cheat-sheet.ts';
import { newOpportunitySchema, questionDates } from '../../src/lib/tracker/model.ts';
import { boardColumn, dueLabel, storedBucket, type StoredPlan } from '../../src/lib/tracker/view.ts';
import {
  addWorkingDays,
  endOfLocalDay,
  formatDayTime,
  localParts,
  workingDaysBetween,
  zonedInstant,
} from '../../src/lib/time/zoned-time.ts';

describe('wall-clock time in a zone', () => {
  it.each([
    ['an ordinary afternoon', '2026-11-26', '15:00', 'Asia/Kolkata', '2026-11-26T09:30:00.000Z'],
    [
      'a time skipped by spring-forward moves on by the jump',
      '2026-03-08',
      '02:30',
      'America/New_York',
      '2026-03-08T07:30:00.000Z',
    ],
    [
      'a time that happens twice is the first one',
      '2026-11-01',
      '01:30',
      'America/New_York',
      '2026-11-01T05:30:00.000Z',
    ],
    ['London in summer time', '2026-07-01', '09:00', 'Europe/London', '2026-07-01T08:00:00.000Z'],
    ['Auckland is a day ahead', '2026-11-27', '08:00', 'Pacific/Auckland', '2026-11-26T19:00:00.000Z'],
  ])('%s', (_name, date, time, zone, expected) => {
    expect(zonedInstant(date, time, zone).toISOString()).toBe(expected);
    expect(localParts(new Date(expected), zone).date).toBe(date);
  });

  it('ends a 25-hour day at its own last millisecond', () => {
    expect(endOfLocalDay('2026-11-01', 'America/New_York').toISOString()).toBe('2026-11-02T04:59:59.999Z');
  });

  it.each([
    ['Thursday + 1', '2026-11-26', 1, '2026-11-27'],
    ['Friday + 1 is Monday', '2026-11-27', 1, '2026-11-30'],
    ['Saturday + 1 is Monday', '2026-11-28', 1, '2026-11-30'],
    ['Friday + 5 is the next Friday', '2026-11-27', 5, '2026-12-04'],
    ['across the year end', '2026-12-31', 2, '2027-01-04'],
  ])('working days: %s', (_name, from, count, expected) => {
    expect(addWorkingDays(from, count)).toBe(expected);
    expect(workingDaysBetween(from, expected)).toBe(count);
  });

  it('formats the day and time the member reads', () => {
    expect(formatDayTime(new Date('2026-12-01T20:00:00Z'), 'America/New_York')).toBe('Tue 1 Dec, 3:00 pm');
  });
});

describe('questioning dates', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const ask = (happenedOn: string, decisionBy: string | null = null, confirmDates = false) =>
    questionDates({ happenedOn, happenedAt: '10:00', decisionBy, confirmDates }, now, 'Europe/London');

  it('accepts today and the past year without a question', () => {
    expect(ask('2026-11-26')).toEqual({});
    expect(ask('2025-12-01', '2025-12-15')).toEqual({});
  });

  it('questions the future, more than a year ago, and a decision over a year out; a tick keeps them', () => {
    expect(ask('2026-11-30').happenedOn).toMatch(/in the future/);
    expect(ask('2024-01-01').happenedOn).toMatch(/over a year ago/);
    expect(ask('2026-11-20', '2028-01-01').decisionBy).toMatch(/over a year after/);
    expect(ask('2026-11-30', null, true)).toEqual({});
    expect(ask('2026-11-20', '2028-01-01', true)).toEqual({});
  });

  it('never accepts a decision before the conversation', () => {
    expect(ask('2026-11-20', '2026-11-19', true).decisionBy).toMatch(/before the conversation/);
  });

  it('a conversation in a zone ahead of UTC is not in the future on its own local day', () => {
    const result = questionDates(
      { happenedOn: '2026-11-27', happenedAt: '08:00', decisionBy: null, confirmDates: false },
      new Date('2026-11-26T20:00:00Z'),
      'Pacific/Auckland',
    );
    expect(result).toEqual({});
  });
});

describe('the add form schema', () => {
  it('trims, lower-cases the address and fills the optional parts', () => {
    const parsed = newOpportunitySchema.parse({
      kind: 'networking',
      company: '  Independent ',
      contactName: 'Bo Chen',
      contactEmail: ' Bo@Example.COM ',
      happenedOn: '2026-11-20',
    });
    expect(parsed).toMatchObject({
      company: 'Independent',
      contactEmail: 'bo@example.com',
      roleTitle: '',
      happenedAt: '12:00',
      decisionBy: null,
      confirmDates: false,
    });
  });

  it.each([
    ['a control character', { company: 'Acme\u0000' }, 'company', 'characters we cannot store'],
    ['a huge company name', { company: 'x'.repeat(121) }, 'company', 'under 120 characters'],
    ['an impossible date', { happenedOn: '2026-02-30' }, 'happenedOn', 'real date'],
    ['a bad time', { happenedAt: '24:00' }, 'happenedAt', 'time like 14:30'],
    ['an unknown kind', { kind: 'coffee' }, 'kind', 'interview or networking'],
  ])('refuses %s beside its field', (_name, change, field, message) => {
    const result = newOpportunitySchema.safeParse({
      kind: 'interview',
      company: 'Acme',
      roleTitle: 'Analyst',
      contactName: 'Ana',
      happenedOn: '2026-11-20',
      ...change,
    });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((candidate) => candidate.path[0] === field);
    expect(issue?.message).toContain(message);
  });
});

describe('drafts', () => {
  const templates: CheatSheetTemplate[] = [
    {
      id: 'thank-you',
      title: 'Thank you',
      when: 'Within 24 hours',
      subject: 'Thank you: {role title} interview',
      body: 'Hi {contact name},\n\nI enjoyed {something specific you discussed} at {company}. {one result}\n\n{your name}',
    },
    {
      id: 'first-check-in',
      title: 'Check-in',
      when: 'After the timeline',
      subject: 'Checking in',
      body: 'You expected to decide by {date they gave}.',
    },
  ];
  const context = {
    contactName: 'Priya Shah',
    contactEmail: 'priya@northwind.example',
    company: 'Northwind',
    roleTitle: 'Designer',
    specificDetail: 'critiques',
    valueIdea: '',
    decisionBy: '2026-12-04',
    timingNote: '',
    memberName: 'Sam',
  };

  it('fills what the conversation told us and leaves the rest for the member', () => {
    const draft = draftFor('thank-you', context, templates);
    expect(draft.subject).toBe('Thank you: Designer interview');
    expect(draft.body).toBe('Hi Priya,\n\nI enjoyed critiques at Northwind. {one result}\n\nSam');
    expect(draft.mailto).toMatch(
      /^mailto:priya@northwind\.example\?subject=Thank%20you%3A%20Designer%20interview&body=/,
    );
    expect(decodeURIComponent(draft.mailto.split('body=')[1]!)).toContain('Hi Priya,\r\n\r\nI enjoyed');
  });

  it('names the date they gave, or what they said about timing', () => {
    expect(draftFor('first-check-in', context, templates).body).toBe('You expected to decide by Fri 4 Dec.');
    expect(
      draftFor('first-check-in', { ...context, decisionBy: null, timingNote: 'the end of next week' }, templates).body,
    ).toBe('You expected to decide by the end of next week.');
  });

  it('writes the graceful close itself', () => {
    const draft = draftFor('close-the-loop', context, templates);
    expect(draft.subject).toBe('Closing the loop on the Designer role');
    expect(draft.body).toContain('Hi Priya,');
  });

  it('greets by first name and keeps an address with odd characters inside the mailto', () => {
    expect(greetingName('  Priya   Shah ')).toBe('Priya');
    expect(mailtoLink('a&b@example.com', 's', 'b')).toBe('mailto:a%26b@example.com?subject=s&body=b');
  });
});

describe('where an entry is shown', () => {
  const step = (dueAt: string, precision: 'time' | 'day' = 'day'): StoredPlan => ({
    stage: 'open',
    planState: 'step',
    planStep: 'first-check-in',
    planPrecision: precision,
    planEarliestAt: new Date('2026-11-01T00:00:00Z'),
    planDueAt: new Date(dueAt),
  });
  const now = new Date('2026-11-26T12:00:00Z');

  it.each([
    ['overdue', step('2026-11-25T23:59:59.999Z'), 'overdue', 'to-send'],
    ['due today', step('2026-11-26T23:59:59.999Z'), 'today', 'to-send'],
    ['a thank-you due within 24 hours', step('2026-11-27T10:00:00Z', 'time'), 'today', 'to-send'],
    ['later', step('2026-12-02T23:59:59.999Z'), 'upcoming', 'scheduled'],
  ] as const)('%s', (_name, item, bucket, column) => {
    expect(storedBucket(item, now, 'UTC')).toBe(bucket);
    expect(boardColumn(item, storedBucket(item, now, 'UTC'))).toBe(column);
  });

  it('puts replies, offers and endings in their own columns', () => {
    const base = step('2026-12-02T23:59:59.999Z');
    expect(boardColumn({ ...base, planState: 'paused', planDueAt: null }, 'none')).toBe('replied');
    expect(boardColumn({ ...base, stage: 'offer', planState: 'ended' }, 'none')).toBe('offer');
    expect(boardColumn({ ...base, stage: 'withdrawn', planState: 'ended' }, 'none')).toBe('closed');
    expect(boardColumn({ ...base, planState: 'waiting', planDueAt: null }, 'none')).toBe('done');
  });

  it('labels a day step by its day and a timed step by its time', () => {
    expect(dueLabel(step('2026-12-02T23:59:59.999Z'), 'UTC')).toBe('Wed 2 Dec');
    expect(dueLabel(step('2026-11-27T15:00:00Z', 'time'), 'Europe/London')).toBe('by Fri 27 Nov, 3:00 pm');
  });
});

describe('unfilled placeholders', () => {
  it('finds each placeholder once, subject first, as written', () => {
    expect(
      unfilledPlaceholders(
        'Thank you: {role title} interview',
        'Hi Priya,\n\nI did {one result that relates to it}.\n\n{role title} again; {your name}',
      ),
    ).toEqual(['{role title}', '{one result that relates to it}', '{your name}']);
  });

  it('ignores braces that are not a placeholder: empty, nested, or across lines', () => {
    expect(unfilledPlaceholders('Hi {}', 'a {b\nc} d', '{{x}}')).toEqual(['{x}']);
    expect(unfilledPlaceholders('Thank you', 'Hi Priya, thank you.')).toEqual([]);
  });

  it('refuses a message with a placeholder, naming it beside the message', () => {
    const message = { subject: 'Thank you', body: 'I did {one result that relates to it}.' };
    let refusal: unknown;
    try {
      refuseUnfilledPlaceholders(message, false);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(Refusal);
    expect(refusal).toMatchObject({ kind: 'bad-input', code: 'unfilled-placeholders', field: 'body' });
    expect((refusal as Refusal).message).toContain('{one result that relates to it} to fill in');
    expect((refusal as Refusal).message).toContain('Keep the text in braces as it is');
  });

  it('names several placeholders in a list', () => {
    expect(() => refuseUnfilledPlaceholders({ subject: '{a}', body: '{b} {c}' }, false)).toThrow(
      'still has {a}, {b} and {c} to fill in. Replace them',
    );
  });

  it('lets the message go when the member keeps the braces, or when none are left', () => {
    expect(() => refuseUnfilledPlaceholders({ subject: '{a}', body: '' }, true)).not.toThrow();
    expect(() => refuseUnfilledPlaceholders({ subject: 'Thanks', body: 'Hi.' }, false)).not.toThrow();
  });
});

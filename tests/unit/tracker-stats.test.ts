import { describe, expect, it } from 'vitest';
import type { StepId } from '../../src/lib/tracker/model';
import type { ConversationRow, OpportunityRow, TouchRow } from '../../src/lib/tracker/records';
import { trackerStats } from '../../src/lib/tracker/stats';

function opportunity(id: string, overrides: Partial<OpportunityRow> = {}): OpportunityRow {
  return {
    id,
    kind: 'interview',
    company: 'Acme',
    roleTitle: 'Designer',
    contactName: 'Dana',
    contactRole: '',
    contactEmail: '',
    stage: 'open',
    notes: '',
    archivedAt: null,
    createdAt: new Date('2026-03-01T00:00:00Z'),
    ...overrides,
  };
}

let nextId = 0;

function talk(opportunityId: string, at: string): ConversationRow {
  nextId += 1;
  return {
    id: `c${nextId}`,
    opportunityId,
    at: new Date(at),
    decisionBy: null,
    timingNote: '',
    specificDetail: '',
    valueIdea: '',
  };
}

function sent(opportunityId: string, at: string, step: StepId | null = 'thank-you'): TouchRow {
  nextId += 1;
  return {
    id: `t${nextId}`,
    opportunityId,
    type: 'sent',
    step,
    at: new Date(at),
    decisionBy: null,
    subject: '',
    body: '',
  };
}

function reply(opportunityId: string, at: string): TouchRow {
  nextId += 1;
  return {
    id: `t${nextId}`,
    opportunityId,
    type: 'reply',
    step: null,
    at: new Date(at),
    decisionBy: null,
    subject: '',
    body: '',
  };
}

const none = { replied: 0, contacted: 0, rate: null };

describe('trackerStats', () => {
  it('gives empty numbers for an empty tracker', () => {
    expect(trackerStats([], [], [])).toEqual({
      total: 0,
      byKind: { interview: none, networking: none },
      byStage: { open: none, offer: none, rejected: none, withdrawn: none, closed: none },
      medianHoursToThankYou: null,
      thankYousCounted: 0,
      sentCount: 0,
      replyCount: 0,
    });
  });

  it('counts replies among the opportunities contacted, by kind and by stage', () => {
    const opportunities = [
      opportunity('o1'), // interview, open: sent and replied
      opportunity('o2', { stage: 'rejected', archivedAt: new Date('2026-03-18T00:00:00Z') }), // sent, no reply
      opportunity('o3', { kind: 'networking' }), // a reply but nothing sent: not contacted
      opportunity('o4', { kind: 'networking', stage: 'offer' }), // sent and replied twice
      opportunity('o5'), // nothing at all
    ];
    const touches = [
      sent('o1', '2026-03-02T18:00:00Z'),
      sent('o1', '2026-03-09T18:00:00Z', 'first-check-in'),
      reply('o1', '2026-03-10T09:00:00Z'),
      sent('o2', '2026-03-04T18:00:00Z'),
      reply('o3', '2026-03-05T09:00:00Z'),
      sent('o4', '2026-03-06T18:00:00Z', 'networking-summary'),
      reply('o4', '2026-03-07T09:00:00Z'),
      reply('o4', '2026-03-08T09:00:00Z'),
      // An opportunity not given (deleted, say) counts nowhere.
      sent('gone', '2026-03-06T18:00:00Z'),
      reply('gone', '2026-03-07T18:00:00Z'),
    ];
    expect(trackerStats(opportunities, [], touches)).toMatchObject({
      total: 5,
      byKind: {
        interview: { replied: 1, contacted: 2, rate: 0.5 },
        networking: { replied: 1, contacted: 1, rate: 1 },
      },
      byStage: {
        open: { replied: 1, contacted: 1, rate: 1 },
        offer: { replied: 1, contacted: 1, rate: 1 },
        rejected: { replied: 0, contacted: 1, rate: 0 },
        withdrawn: none,
        closed: none,
      },
      sentCount: 4,
      replyCount: 4,
    });
  });

  it('gives an unrounded rate', () => {
    const opportunities = ['a', 'b', 'c'].map((id) => opportunity(id));
    const touches = [
      sent('a', '2026-03-02T18:00:00Z'),
      sent('b', '2026-03-02T18:00:00Z'),
      sent('c', '2026-03-02T18:00:00Z'),
    ];
    touches.push(reply('a', '2026-03-03T18:00:00Z'));
    expect(trackerStats(opportunities, [], touches).byKind.interview).toEqual({
      replied: 1,
      contacted: 3,
      rate: 1 / 3,
    });
  });

  it('takes the middle of an odd number of thank-you delays, archived opportunities included', () => {
    const opportunities = [
      opportunity('o1'),
      opportunity('o2', { stage: 'withdrawn', archivedAt: new Date('2026-03-18T00:00:00Z') }),
      opportunity('net', { kind: 'networking' }),
      opportunity('o3'),
    ];
    const conversations = [
      talk('o1', '2026-03-09T15:00:00Z'), // listed out of order on purpose
      talk('o1', '2026-03-02T15:00:00Z'),
      talk('o2', '2026-03-04T14:00:00Z'),
      talk('net', '2026-03-04T14:00:00Z'),
      talk('o3', '2026-03-05T14:00:00Z'), // no thank-you: not counted
    ];
    const touches = [
      sent('o1', '2026-03-03T10:00:00Z'), // a second note for round one: only the first counts
      sent('o1', '2026-03-02T18:00:00Z'), // round one: 3 h
      sent('o1', '2026-03-10T15:30:00Z'), // round two: 24.5 h
      sent('o1', '2026-03-09T16:00:00Z', 'first-check-in'), // not a thank-you
      sent('o2', '2026-03-04T14:00:00Z'), // at the very minute: 0 h
      sent('net', '2026-03-04T15:00:00Z'), // networking: not an interview thank-you
      sent('o3', '2026-03-01T12:00:00Z'), // before its only conversation: not counted
    ];
    const stats = trackerStats(opportunities, conversations, touches);
    // Delays 0, 3 and 24.5 hours.
    expect(stats.medianHoursToThankYou).toBe(3);
    expect(stats.thankYousCounted).toBe(3);
  });

  it('averages the two middle delays of an even number, to one decimal', () => {
    const conversations = [talk('o1', '2026-03-02T09:00:00Z'), talk('o2', '2026-03-03T09:00:00Z')];
    const touches = [sent('o1', '2026-03-02T11:00:00Z'), sent('o2', '2026-03-03T14:10:00Z')];
    // (2 h + 5 h 10 min) / 2 = 3.5833… h
    const stats = trackerStats([opportunity('o1'), opportunity('o2')], conversations, touches);
    expect(stats.medianHoursToThankYou).toBe(3.6);
    expect(stats.thankYousCounted).toBe(2);
  });

  it('credits a note sent after the next round to that round', () => {
    const conversations = [talk('o1', '2026-03-02T10:00:00Z'), talk('o1', '2026-03-02T12:00:00Z')];
    const touches = [sent('o1', '2026-03-02T13:20:00Z')];
    const stats = trackerStats([opportunity('o1')], conversations, touches);
    // Round one had no note before round two began; round two's came 1 h 20 min later.
    expect(stats.thankYousCounted).toBe(1);
    expect(stats.medianHoursToThankYou).toBe(1.3);
  });

  it('has no median when no interview got a thank-you note', () => {
    const opportunities = [opportunity('o1'), opportunity('net', { kind: 'networking' })];
    const conversations = [talk('o1', '2026-03-02T10:00:00Z'), talk('net', '2026-03-02T10:00:00Z')];
    const touches = [sent('o1', '2026-03-03T10:00:00Z', 'first-check-in'), sent('net', '2026-03-02T11:00:00Z')];
    const stats = trackerStats(opportunities, conversations, touches);
    expect(stats.medianHoursToThankYou).toBeNull();
    expect(stats.thankYousCounted).toBe(0);
  });
});

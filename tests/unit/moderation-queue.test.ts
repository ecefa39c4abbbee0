import { describe, expect, it } from 'vitest';
import { openingQueue, workElsewhere } from '../../src/lib/comments/moderation-queue.ts';

const counts = (reported: number, held: number, hidden: number) => ({ reported, held, hidden });

describe('openingQueue', () => {
  it.each([
    [counts(0, 0, 0), 'reported'],
    [counts(2, 0, 0), 'reported'],
    [counts(0, 1, 0), 'held'],
    [counts(3, 1, 0), 'reported'],
    [counts(0, 0, 5), 'reported'],
  ] as const)('%o → %s', (given, expected) => {
    expect(openingQueue(given)).toBe(expected);
  });
});

describe('workElsewhere', () => {
  it('names the other queues with work, never hidden comments', () => {
    expect(workElsewhere(counts(0, 1, 4), 'reported')).toEqual([{ queue: 'held', count: 1 }]);
    expect(workElsewhere(counts(2, 1, 0), 'hidden')).toEqual([
      { queue: 'reported', count: 2 },
      { queue: 'held', count: 1 },
    ]);
    expect(workElsewhere(counts(0, 0, 4), 'reported')).toEqual([]);
    expect(workElsewhere(counts(0, 3, 0), 'held')).toEqual([]);
  });
});

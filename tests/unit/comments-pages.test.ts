import { describe, expect, it } from 'vitest';
import {
  discussionPageLink,
  discussionPages,
  discussionParams,
  discussionRedirect,
} from '../../src/lib/comments/discussion-page.ts';
import { moderationTabs, moderationView, waitingIn } from '../../src/lib/comments/moderation-queue.ts';

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

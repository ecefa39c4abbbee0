import { describe, expect, it } from 'vitest';
import { savedMessage } from '../../src/lib/forms/saved-message.ts';
import { opportunitySavedMessage } from '../../src/lib/tracker/opportunity-page.ts';
import { memberSavedMessage } from '../../src/lib/coach/member-page.ts';
import { discussionSavedMessage } from '../../src/lib/comments/discussion-page.ts';

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

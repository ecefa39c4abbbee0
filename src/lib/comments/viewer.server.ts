import type { User } from '../auth/session.server';

/** Why a visitor cannot comment, or undefined when they can. */
export function cannotCommentReason(
  user: User | null | undefined,
): 'signed-out' | 'unverified' | 'blocked' | undefined {
  if (!user) return 'signed-out';
  if (user.commentingBlockedAt) return 'blocked';
  if (!user.emailVerifiedAt) return 'unverified';
  return undefined;
}

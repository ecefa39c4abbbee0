/**
 * A discussion as the pages and components show it: each comment as one viewer may see it, with
 * its replies. Types only.
 */
import type { comments } from '../../../db/schema';

export type Comment = typeof comments.$inferSelect;

/** One comment as one viewer sees it: a deleted one keeps only its place, a body only for its author. */
export interface ShownComment {
  id: string;
  parentId: string | null;
  authorName: string;
  html: string;
  body: string;
  status: Comment['status'];
  likeCount: number;
  createdAt: Date;
  editedAt: Date | null;
  mine: boolean;
  likedByMe: boolean;
  canEdit: boolean;
  replies: ShownComment[];
}

export type CommentSort = 'newest' | 'top';

export interface Discussion {
  comments: ShownComment[];
  /** Published comments and replies: the number shown on cards. */
  total: number;
  /** Top-level comments the viewer can see, for paging. */
  threads: number;
}

/**
 * Published comments across articles: the counts on article cards and the community page's
 * newest comments and most discussed articles.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { comments, users } from '../../../db/schema';

/** Published comments per article, for cards and the community page. */
export async function commentCounts(db: Database, slugs: readonly string[]): Promise<Map<string, number>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .select({ slug: comments.articleSlug, n: sql<number>`count(*)` })
    .from(comments)
    .where(and(inArray(comments.articleSlug, [...slugs]), eq(comments.status, 'published')))
    .groupBy(comments.articleSlug);
  return new Map(rows.map((row) => [row.slug, Number(row.n)]));
}

/** The newest published comments across all articles. */
export async function latestComments(db: Database, limit: number, offset: number) {
  return db
    .select({
      id: comments.id,
      articleSlug: comments.articleSlug,
      html: comments.html,
      createdAt: comments.createdAt,
      parentId: comments.parentId,
      authorName: users.name,
      userId: comments.userId,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.userId))
    .where(eq(comments.status, 'published'))
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit)
    .offset(offset);
}

export async function publishedCount(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(comments)
    .where(eq(comments.status, 'published'));
  return Number(row?.n ?? 0);
}

/** Articles with the most published comments since a moment. */
export async function mostDiscussed(db: Database, since: Date, limit: number) {
  const rows = await db
    .select({ slug: comments.articleSlug, n: sql<number>`count(*)` })
    .from(comments)
    .where(and(eq(comments.status, 'published'), sql`${comments.createdAt} >= ${since.getTime()}`))
    .groupBy(comments.articleSlug)
    .orderBy(desc(sql`count(*)`))
    .limit(limit);
  return rows.map((row) => ({ slug: row.slug, count: Number(row.n) }));
}

/**
 * All comments out as JSON, and back in: for backups, moving hosts or bringing a discussion
 * from elsewhere. Imported HTML is never trusted: every body is rendered again here. Authors are
 * matched by email address; an unknown author's comment is kept as "a former member".
 */
import { inArray } from 'drizzle-orm';
import { z } from 'astro/zod';
import type { Database } from '../../../db/connect';
import { comments, moderationLog, users } from '../../../db/schema';
import { renderComment } from './markdown';
import { DATE_RANGE_MESSAGE, isDateInRange, isSingleLine, ONE_LINE_MESSAGE } from '../forms/fields';
import { checkBody } from './posting.server';
import { Refusal } from '../app/refusal.ts';
import type { Viewer } from './discussion.server';

export const COMMENTS_FORMAT = 'own-the-follow-up/comments@1';

/** Values from a file get the forms' rules: one line where a form has one, dates in the forms' range. */
const line = (max: number) => z.string().min(1).max(max).refine(isSingleLine, ONE_LINE_MESSAGE);
const instant = z.iso.datetime().refine((value) => isDateInRange(value.slice(0, 10)), DATE_RANGE_MESSAGE);

const importedComment = z.object({
  id: line(64),
  articleSlug: line(200),
  parentId: line(64).nullable(),
  authorEmail: line(254).nullable(),
  // Markdown, as the comment form takes it (src/actions/comments.ts says why).
  body: z.string().max(20_000),
  status: z.enum(['published', 'held', 'hidden', 'deleted']),
  likeCount: z.number().int().min(0).max(1_000_000).default(0),
  createdAt: instant,
  editedAt: instant.nullable().default(null),
});

export async function exportComments(db: Database) {
  const rows = await db
    .select({
      id: comments.id,
      articleSlug: comments.articleSlug,
      parentId: comments.parentId,
      userId: comments.userId,
      body: comments.body,
      status: comments.status,
      likeCount: comments.likeCount,
      createdAt: comments.createdAt,
      editedAt: comments.editedAt,
    })
    .from(comments)
    .orderBy(comments.createdAt);
  const userIds = [...new Set(rows.map((row) => row.userId).filter((id): id is string => !!id))];
  const emails = new Map(
    userIds.length
      ? (await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, userIds))).map(
          (row) => [row.id, row.email],
        )
      : [],
  );
  return {
    format: COMMENTS_FORMAT,
    exportedAt: new Date().toISOString(),
    comments: rows.map(({ userId, ...row }) => ({
      ...row,
      authorEmail: userId ? (emails.get(userId) ?? null) : null,
      createdAt: row.createdAt.toISOString(),
      editedAt: row.editedAt?.toISOString() ?? null,
    })),
  };
}

export interface CommentImportReport {
  added: number;
  skipped: number;
  problems: { index: number; message: string }[];
}

/** Adds the comments of an export that are not here yet, in one transaction. */
export async function importComments(
  db: Database,
  coach: Viewer,
  text: string,
  knownSlugs?: ReadonlySet<string>,
): Promise<CommentImportReport> {
  const report: CommentImportReport = { added: 0, skipped: 0, problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ...report, problems: [{ index: -1, message: 'This is not a JSON file.' }] };
  }
  const file = z
    .object({ format: z.literal(COMMENTS_FORMAT), comments: z.array(z.unknown()).max(100_000) })
    .safeParse(data);
  if (!file.success)
    return {
      ...report,
      problems: [{ index: -1, message: `This is not a comments export (expected "format": "${COMMENTS_FORMAT}").` }],
    };
  const valid: (z.infer<typeof importedComment> & { index: number })[] = [];
  file.data.comments.forEach((item, index) => {
    const parsed = importedComment.safeParse(item);
    if (!parsed.success) {
      report.problems.push({
        index,
        message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      });
      return;
    }
    if (knownSlugs && !knownSlugs.has(parsed.data.articleSlug)) {
      report.problems.push({ index, message: `There is no article "${parsed.data.articleSlug}".` });
      return;
    }
    if (parsed.data.status !== 'deleted') {
      try {
        parsed.data.body = checkBody(parsed.data.body);
      } catch (error) {
        report.problems.push({ index, message: error instanceof Refusal ? error.message : String(error) });
        return;
      }
    }
    valid.push({ ...parsed.data, index });
  });

  const ids = valid.map((item) => item.id);
  const existing = new Set<string>();
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await db
      .select({ id: comments.id })
      .from(comments)
      .where(inArray(comments.id, ids.slice(start, start + 500)));
    for (const row of rows) existing.add(row.id);
  }
  const emails = [
    ...new Set(valid.map((item) => item.authorEmail?.toLowerCase()).filter((email): email is string => !!email)),
  ];
  const userByEmail = new Map<string, string>();
  for (let start = 0; start < emails.length; start += 500) {
    const rows = await db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.email, emails.slice(start, start + 500)));
    for (const row of rows) userByEmail.set(row.email, row.id);
  }
  // Replies are one level deep and stay under their own article: a parent must be a top-level
  // comment of the same article, here already or earlier in the file.
  const topLevel = new Map<string, string>(
    valid.filter((item) => item.parentId === null).map((item) => [item.id, item.articleSlug]),
  );
  const parentIds = [...new Set(valid.map((item) => item.parentId).filter((id): id is string => id !== null))];
  for (let start = 0; start < parentIds.length; start += 500) {
    const rows = await db
      .select({ id: comments.id, slug: comments.articleSlug, parentId: comments.parentId })
      .from(comments)
      .where(inArray(comments.id, parentIds.slice(start, start + 500)));
    for (const row of rows) if (row.parentId === null) topLevel.set(row.id, row.slug);
  }
  await db.transaction(async (tx) => {
    for (const item of valid) {
      if (existing.has(item.id)) {
        report.skipped += 1;
        continue;
      }
      if (item.parentId !== null && topLevel.get(item.parentId) !== item.articleSlug) {
        report.problems.push({
          index: item.index,
          message: 'Its parent is not a top-level comment of the same article, in the file or here.',
        });
        continue;
      }
      await tx.insert(comments).values({
        id: item.id,
        articleSlug: item.articleSlug,
        parentId: item.parentId,
        userId: item.authorEmail ? (userByEmail.get(item.authorEmail.toLowerCase()) ?? null) : null,
        body: item.status === 'deleted' ? '' : item.body,
        html: item.status === 'deleted' ? '' : renderComment(item.body),
        status: item.status,
        likeCount: item.likeCount,
        createdAt: new Date(item.createdAt),
        editedAt: item.editedAt ? new Date(item.editedAt) : null,
      });
      // The same id again later in the file is already here now (inserting it again failed the import).
      existing.add(item.id);
      report.added += 1;
    }
    await tx.insert(moderationLog).values({ actorId: coach.id, action: 'import', note: `${report.added} added` });
  });
  return report;
}

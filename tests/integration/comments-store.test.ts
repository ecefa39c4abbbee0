/**
 * Discussions read from a real database: order, threads, what each viewer sees, counts for
 * cards and the community page, and the query plans of the hot paths.
 */
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { comments, moderationLog, outbox, users } from '../../db/schema.ts';
import { discussion, type Viewer } from '../../src/lib/comments/discussion.server.ts';
import { deleteOwnComment, editComment, postComment, toggleLike } from '../../src/lib/comments/posting.server.ts';
import { testAppContext } from '../setup/app-context.ts';
import { blockedMembers, moderate, setCommentingBlocked } from '../../src/lib/comments/moderation.server.ts';
import { setHoldFirstComment } from '../../src/lib/comments/hold-first.server.ts';
import { commentCounts, latestComments, mostDiscussed } from '../../src/lib/comments/community.server.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';
import { Refusal } from '../../src/lib/app/refusal.ts';

const SLUG = 'thank-you-note-within-24-hours';
let test: TestDatabase;
const ctx = (iso = '2026-11-26T10:00:00Z') =>
  testAppContext({
    db: test.db,
    siteUrl: 'https://coach.example',
    secret: 'a-test-secret-that-is-at-least-32-characters',
    now: new Date(iso),
  });

async function addViewer(id: string, role: 'member' | 'coach' = 'member'): Promise<Viewer> {
  const viewer = { id, role, emailVerifiedAt: new Date('2026-01-01T00:00:00Z'), commentingBlockedAt: null };
  await test.db.insert(users).values({ ...viewer, email: `${id}@example.com`, passwordHash: 'x', name: id });
  return viewer;
}

beforeEach(async () => {
  test = openTestDatabase();
});

describe('a discussion', () => {
  it('lists threads newest or most liked first, replies oldest first, and counts what is published', async () => {
    const coach = await addViewer('coach', 'coach');
    await setHoldFirstComment(test.db, coach, false);
    const [ann, ben, cy] = [await addViewer('ann'), await addViewer('ben'), await addViewer('cy')];
    const first = await postComment(ctx('2026-11-26T10:00:00Z'), ann, {
      slug: SLUG,
      parentId: null,
      body: 'First story',
    });
    const second = await postComment(ctx('2026-11-26T11:00:00Z'), ben, {
      slug: SLUG,
      parentId: null,
      body: 'Second story',
    });
    await postComment(ctx('2026-11-26T12:00:00Z'), cy, { slug: SLUG, parentId: first.id, body: 'Reply one' });
    await postComment(ctx('2026-11-26T13:00:00Z'), ben, { slug: SLUG, parentId: first.id, body: 'Reply two' });
    await toggleLike(test.db, ben, first.id);
    await toggleLike(test.db, cy, first.id);

    const newest = await discussion(test.db, SLUG, ann, { sort: 'newest', limit: 10, offset: 0 });
    expect(newest.comments.map((item) => item.id)).toEqual([second.id, first.id]);
    expect(newest.total).toBe(4);
    expect(newest.threads).toBe(2);
    const top = await discussion(test.db, SLUG, ann, { sort: 'top', limit: 10, offset: 0 });
    expect(top.comments.map((item) => item.id)).toEqual([first.id, second.id]);
    const thread = top.comments[0]!;
    expect(thread.likeCount).toBe(2);
    expect(thread.replies.map((reply) => reply.html)).toEqual(['<p>Reply one</p>', '<p>Reply two</p>']);
    expect(thread.mine).toBe(true);
    expect((await commentCounts(test.db, [SLUG, 'other'])).get(SLUG)).toBe(4);

    // Liking twice takes the like back.
    expect(await toggleLike(test.db, ben, first.id)).toMatchObject({ liked: false });
    expect((await discussion(test.db, SLUG, ben, { sort: 'top', limit: 1, offset: 0 })).comments[0]!.likeCount).toBe(1);
  });

  it('keeps a deleted comment’s place for its replies, without its words or author', async () => {
    const coach = await addViewer('coach', 'coach');
    await setHoldFirstComment(test.db, coach, false);
    const [ann, ben] = [await addViewer('ann'), await addViewer('ben')];
    const parent = await postComment(ctx(), ann, { slug: SLUG, parentId: null, body: 'Delete me later' });
    const lonely = await postComment(ctx(), ann, { slug: SLUG, parentId: null, body: 'Nobody answers this' });
    await postComment(ctx(), ben, { slug: SLUG, parentId: parent.id, body: 'An answer' });
    await deleteOwnComment(test.db, ann, parent.id);
    await deleteOwnComment(test.db, ann, lonely.id);
    const seen = await discussion(test.db, SLUG, ben, { sort: 'newest', limit: 10, offset: 0 });
    expect(seen.comments).toHaveLength(1);
    expect(seen.comments[0]).toMatchObject({ status: 'deleted', html: '', authorName: '', body: '' });
    expect(seen.comments[0]!.replies).toHaveLength(1);
    const [row] = await test.db.select().from(comments).where(eq(comments.id, parent.id));
    expect(row!.body).toBe('');
    await expect(postComment(ctx(), ben, { slug: SLUG, parentId: parent.id, body: 'More?' })).rejects.toThrow(Refusal);
  });

  it('holds a first comment for the coach, shows it to its author only, and emails the reply once approved', async () => {
    const coach = await addViewer('coach', 'coach');
    const [ann, ben] = [await addViewer('ann'), await addViewer('ben')];
    const story = await postComment(ctx(), coach, { slug: SLUG, parentId: null, body: 'Tell us your story' });
    expect(story.status).toBe('published');
    const reply = await postComment(ctx(), ann, { slug: SLUG, parentId: story.id, body: 'Mine worked!' });
    expect(reply.status).toBe('held');
    const asAnn = await discussion(test.db, SLUG, ann, { sort: 'newest', limit: 10, offset: 0 });
    const asBen = await discussion(test.db, SLUG, ben, { sort: 'newest', limit: 10, offset: 0 });
    const asVisitor = await discussion(test.db, SLUG, undefined, { sort: 'newest', limit: 10, offset: 0 });
    expect(asAnn.comments[0]!.replies.map((item) => item.status)).toEqual(['held']);
    expect(asBen.comments[0]!.replies).toEqual([]);
    expect(asVisitor.comments[0]!.replies).toEqual([]);
    expect(await test.db.select().from(outbox)).toEqual([]);

    await moderate(ctx(), coach, reply.id, 'approve');
    const [email] = await test.db.select().from(outbox).where(eq(outbox.kind, 'comment-reply'));
    expect(email).toMatchObject({ toAddress: 'coach@example.com', subject: 'ann replied to your comment' });
    expect(email!.text).toContain('Mine worked!');
    // Approved once, Ann's next comment is published at once.
    expect((await postComment(ctx(), ann, { slug: SLUG, parentId: null, body: 'Another one' })).status).toBe(
      'published',
    );
    expect((await test.db.select().from(moderationLog)).map((entry) => entry.action)).toEqual(['approve']);
  });

  it('lets a member edit for 15 minutes only, and a blocked member not at all', async () => {
    const coach = await addViewer('coach', 'coach');
    await setHoldFirstComment(test.db, coach, false);
    const ann = await addViewer('ann');
    const posted = await postComment(ctx('2026-11-26T10:00:00Z'), ann, {
      slug: SLUG,
      parentId: null,
      body: 'Typo hree',
    });
    await editComment(test.db, ann, posted.id, 'Typo here', new Date('2026-11-26T10:14:00Z'));
    await expect(editComment(test.db, ann, posted.id, 'Too late', new Date('2026-11-26T10:15:00Z'))).rejects.toThrow(
      /15 minutes/,
    );
    const [row] = await test.db.select().from(comments).where(eq(comments.id, posted.id));
    expect(row).toMatchObject({ body: 'Typo here', html: '<p>Typo here</p>' });
    expect(row!.editedAt?.toISOString()).toBe('2026-11-26T10:14:00.000Z');

    await setCommentingBlocked(test.db, coach, ann.id, true, true);
    const blocked = { ...ann, commentingBlockedAt: new Date() };
    await expect(postComment(ctx(), blocked, { slug: SLUG, parentId: null, body: 'Hello?' })).rejects.toThrow(
      /switched off/,
    );
    expect((await discussion(test.db, SLUG, undefined, { sort: 'newest', limit: 10, offset: 0 })).comments).toEqual([]);
    expect(await setCommentingBlocked(test.db, coach, coach.id, true, false)).toBe(false);
    expect((await blockedMembers(test.db)).map((member) => member.id)).toEqual(['ann']);

    // Let them comment again: new comments publish; the hidden ones stay hidden until restored.
    await setCommentingBlocked(test.db, coach, ann.id, false, false);
    expect(await blockedMembers(test.db)).toEqual([]);
    expect((await postComment(ctx(), ann, { slug: SLUG, parentId: null, body: 'Back again' })).status).toBe(
      'published',
    );
    const visible = await discussion(test.db, SLUG, undefined, { sort: 'newest', limit: 10, offset: 0 });
    expect(visible.comments.map((item) => item.html)).toEqual(['<p>Back again</p>']);
    expect((await test.db.select().from(moderationLog)).map((entry) => entry.action)).toEqual([
      'hold-first-off',
      'block-and-hide',
      'unblock',
    ]);
  });
});

describe('across articles', () => {
  it('lists the latest comments and the most discussed articles', async () => {
    const coach = await addViewer('coach', 'coach');
    const ann = await addViewer('ann');
    for (const [slug, count] of [
      ['a', 3],
      ['b', 1],
    ] as const)
      for (let index = 0; index < count; index++)
        await postComment(ctx(`2026-11-2${index}T10:00:00Z`), coach, {
          slug,
          parentId: null,
          body: `${slug} ${index}`,
        });
    await postComment(ctx(), ann, { slug: 'b', parentId: null, body: 'held, so not listed' });
    expect((await latestComments(test.db, 2, 0)).map((item) => item.html)).toEqual(['<p>a 2</p>', '<p>a 1</p>']);
    expect(await mostDiscussed(test.db, new Date('2026-01-01T00:00:00Z'), 5)).toEqual([
      { slug: 'a', count: 3 },
      { slug: 'b', count: 1 },
    ]);
  });
});

describe('query plans on the hot paths', () => {
  const planOf = async (sql: string) =>
    (await test.db.$client.execute(`EXPLAIN QUERY PLAN ${sql}`)).rows.map((row) => String(row['detail'])).join('\n');

  it('reads a discussion, its replies, card counts and the community page through indexes', async () => {
    expect(
      await planOf(
        "SELECT * FROM comments WHERE article_slug = 'x' AND parent_id IS NULL AND status IN ('published','deleted') ORDER BY created_at DESC LIMIT 20",
      ),
    ).toMatch(/SEARCH comments USING INDEX comments_article/);
    expect(await planOf("SELECT * FROM comments WHERE parent_id IN ('a','b') ORDER BY created_at")).toMatch(
      /SEARCH comments USING INDEX comments_parent/,
    );
    expect(
      await planOf(
        "SELECT count(*) FROM comments WHERE article_slug IN ('a','b') AND status = 'published' GROUP BY article_slug",
      ),
    ).toMatch(/USING (COVERING )?INDEX comments_article/);
    expect(await planOf("SELECT * FROM comments WHERE status = 'published' ORDER BY created_at DESC LIMIT 20")).toMatch(
      /SEARCH comments USING INDEX comments_status/,
    );
    expect(await planOf("SELECT * FROM comments WHERE status = 'held' ORDER BY created_at")).toMatch(
      /SEARCH comments USING INDEX comments_status/,
    );
  });
});

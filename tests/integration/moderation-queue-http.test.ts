/**
 * The coach's moderation queues through HTTP on the built server: the dashboard's count and the
 * comments page open on the queue that has work, and an empty queue never says "All clear" while
 * a comment waits in another one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { readableText as text, useMemberServer } from '../setup/member-site.ts';

const SLUG = 'thank-you-note-within-24-hours';
const STORY = 'Waiting-room story: my first follow-up.';

const { sql, base } = useMemberServer();
let coach: Browser;
let member: Browser;

const page = async (path: string) => {
  const response = await coach.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
};
/** The label of the tab marked as the current page. */
const currentTab = (html: string) => /<a[^>]*aria-current="page"[^>]*>([^<]*)<\/a>/.exec(html)?.[1]?.trim();

beforeAll(async () => {
  [coach, member] = await Promise.all([
    signedUpCoach(base, sql, 'queue-coach@example.com'),
    signedUpMember(base, sql, 'queue-member@example.com'),
  ]);
  await sql.execute(`INSERT INTO app_settings (key, value) VALUES ('comments.holdFirst', 'true')
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
});

describe('a comment waiting for approval and none reported', () => {
  let id = '';

  beforeAll(async () => {
    const posted = await member.post(`/articles/${SLUG}/comments?_action=comments.post`, {
      slug: SLUG,
      body: STORY,
      back: 'comments',
      notifyChoice: '1',
    });
    expect(posted.status).toBe(303);
    id = (posted.headers.get('location') ?? '').split('#c-')[1] ?? '';
    expect((await sql.execute({ sql: 'SELECT status FROM comments WHERE id = ?', args: [id] })).rows[0]?.[0]).toBe(
      'held',
    );
  });

  it('the dashboard counts it and links straight to the queue it waits in', async () => {
    const dashboard = await page('/coach');
    expect(text(dashboard)).toContain('0 reported, 1 waiting for approval.');
    const link = /<a href="([^"]*)">Comments to moderate<\/a>/.exec(dashboard)?.[1];
    expect(link).toBe('/coach/comments?queue=held');
    const landed = await page(link!);
    expect(currentTab(landed)).toBe('Waiting for approval (1)');
    expect(text(landed)).toContain(STORY);
  });

  it('the comments page with no queue named opens on the waiting comment, not on an empty tab', async () => {
    const landed = await page('/coach/comments');
    expect(currentTab(landed)).toBe('Waiting for approval (1)');
    expect(text(landed)).toContain(STORY);
    expect(text(landed)).not.toContain('All clear');
  });

  it('the empty Reported and Hidden tabs point to the waiting comment instead of saying "All clear"', async () => {
    for (const queue of ['reported', 'hidden']) {
      const html = await page(`/coach/comments?queue=${queue}`);
      expect(text(html), queue).not.toContain('All clear');
      expect(text(html), queue).toContain('1 comment is waiting for approval');
      expect(html, queue).toMatch(/<a href="\/coach\/comments\?queue=held">1 comment is waiting for approval<\/a>/);
    }
  });

  it('says "All clear" once the comment is approved and nothing else waits', async () => {
    const approved = await coach.post('/coach/comments?queue=held&_action=comments.moderate', {
      id,
      action: 'approve',
    });
    expect(approved.status).toBe(303);
    expect(text(await page('/coach'))).toContain('0 reported, 0 waiting for approval.');
    const landed = await page('/coach/comments');
    expect(currentTab(landed)).toBe('Reported (0)');
    expect(text(landed)).toContain('Nothing reported. All clear.');
  });
});

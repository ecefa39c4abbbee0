/**
 * Comment times in the reader's zone: a member's own zone on the server (the discussion page, the
 * article's comments island, the community page's script aside, the coach's queue); a visitor's
 * page carries the moment and a UTC text that the page's script rewrites to the browser's zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;

const SLUG = 'thank-you-note-within-24-hours';
/** 1 July 2026, 12:00 UTC: 14:00 in Berlin (summer time), 08:00 in New York. */
const POSTED = Date.UTC(2026, 6, 1, 12, 0);

/** The visible text of a page: tags and scripts gone, whitespace folded. */
const text = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

async function island(browser: Browser): Promise<string> {
  const article = await browser.get(`/articles/${SLUG}`);
  const url = /fetch\("(\/_server-islands\/CommentsIsland\?[^"]+)"/.exec(await article.text())?.[1];
  expect(url, 'the article page loads its comments island').toBeTruthy();
  const response = await browser.get(url!);
  expect(response.status).toBe(200);
  return response.text();
}

let berlin: Browser;
let coach: Browser;

beforeAll(async () => {
  server = await startMemberServer(database.url);
  berlin = await signedUpMember(base, sql, 'berlin@example.com', 'Europe/Berlin');
  coach = await signedUpMember(base, sql, 'coach@example.com', 'America/New_York');
  await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'coach@example.com'");
  const author = await sql.execute("SELECT id FROM users WHERE email = 'berlin@example.com'");
  await sql.execute({
    sql: `INSERT INTO comments (id, article_slug, user_id, body, html, status, open_reports, created_at)
          VALUES ('timed', ?, ?, 'A summer note', '<p>A summer note</p>', 'published', 1, ?)`,
    args: [SLUG, author.rows[0]!.id as string, POSTED],
  });
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

describe('comment times', () => {
  it('shows a Berlin member Berlin times, the zone named, on the discussion page and under the article', async () => {
    for (const html of [await (await berlin.get(`/articles/${SLUG}/comments`)).text(), await island(berlin)]) {
      expect(text(html)).toContain('1 Jul 2026, 14:00 Europe/Berlin');
      expect(text(html)).not.toContain('12:00 UTC');
      expect(html).not.toContain('data-local-time');
    }
  });

  it('gives a visitor the moment and UTC, for the browser to show in its own zone', async () => {
    const visitor = new Browser(base);
    for (const html of [await (await visitor.get(`/articles/${SLUG}/comments`)).text(), await island(visitor)]) {
      expect(html).toMatch(/<time datetime="2026-07-01T12:00:00\.000Z" data-local-time[^>]*>\s*1 Jul 2026, 12:00 UTC/);
    }
    const community = await (await visitor.get('/community')).text();
    expect(community).toMatch(
      /<time datetime="2026-07-01T12:00:00\.000Z" data-local-time[^>]*>\s*1 Jul 2026, 12:00 UTC/,
    );
  });

  it('shows the coach the reported comment in the coach’s own zone', async () => {
    const queue = await (await coach.get('/coach/comments?queue=reported')).text();
    expect(text(queue)).toContain('1 Jul 2026, 08:00 America/New York');
  });
});

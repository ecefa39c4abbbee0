/**
 * The coach's funnel counted straight from a database: each stage by period and by article, the
 * edges of the period, attribution of members to the article they came through, and the query
 * plan of every query (each served by an index or the rollup's key).
 */
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { articleViews, leads, subscriptions, users } from '../../db/schema.ts';
import {
  countView,
  funnelReport,
  NO_ARTICLE,
  rollupQueries,
  stageQueries,
  viewsQueries,
} from '../../src/lib/funnel/counts.server.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

let test: TestDatabase;
const period = { from: '2026-11-01', to: '2026-11-30', preset: null };
const at = (iso: string) => new Date(iso);
const now = () => new Date('2026-11-26T12:00:00Z');

beforeEach(() => {
  test = openTestDatabase();
});

let leadNumber = 0;
async function lead(created: string, article: string | null, confirmed?: string, userId?: string) {
  leadNumber += 1;
  await test.db.insert(leads).values({
    id: `lead-${leadNumber}`,
    email: `lead-${leadNumber}@example.com`,
    status: confirmed ? 'confirmed' : 'pending',
    sourceArticle: article,
    consentText: 'Send me the cheat sheet',
    consentAt: at(created),
    createdAt: at(created),
    confirmedAt: confirmed ? at(confirmed) : null,
    userId: userId ?? null,
  });
}

async function member(id: string, created: string) {
  await test.db.insert(users).values({ id, email: `${id}@example.com`, passwordHash: 'x', createdAt: at(created) });
}

describe('funnelReport', () => {
  // Counted from the rollup alone (the period is over), and half from the rollup, half live.
  it.each([['2026-12-15T10:00:00Z'], ['2026-11-20T10:00:00Z'], ['2026-11-01T00:30:00Z']])(
    'counts each stage inside the period only, per article and in total (now %s)',
    async (nowIso) => {
      const now = new Date(nowIso);
      await test.db.insert(articleViews).values([
        { day: '2026-10-31', article: 'a', views: 1000 }, // before the period
        { day: '2026-11-01', article: 'a', views: 100 },
        { day: '2026-11-30', article: 'a', views: 50 },
        { day: '2026-11-15', article: 'b', views: 30 },
        { day: '2026-12-01', article: 'b', views: 999 }, // after it
      ]);
      await member('m1', '2026-11-10T09:00:00Z');
      await member('m2', '2026-11-29T23:59:59Z');
      await member('m3', '2026-10-20T10:00:00Z'); // joined before the period, pays inside it
      await member('m4', '2026-11-12T10:00:00Z'); // signed up directly, no lead
      await lead('2026-10-31T23:59:59Z', 'a', '2026-11-01T00:00:01Z'); // captured before, confirmed inside
      await lead('2026-11-01T00:00:00Z', 'a', '2026-11-01T00:10:00Z', 'm1');
      await lead('2026-11-20T12:00:00Z', 'a');
      await lead('2026-11-30T23:59:59Z', 'b', '2026-12-01T00:00:01Z', 'm2'); // confirmed after
      await lead('2026-11-05T12:00:00Z', null, '2026-11-05T12:30:00Z');
      await lead('2026-10-01T12:00:00Z', 'b', '2026-10-01T12:30:00Z', 'm3');
      await test.db.insert(subscriptions).values([
        { id: 's1', userId: 'm1', stripeCustomerId: 'c1', status: 'active', createdAt: at('2026-11-11T00:00:00Z') },
        // m3's first subscription is inside the period; a later second one does not count again.
        { id: 's3', userId: 'm3', stripeCustomerId: 'c3', status: 'canceled', createdAt: at('2026-11-02T00:00:00Z') },
        { id: 's3b', userId: 'm3', stripeCustomerId: 'c3', status: 'active', createdAt: at('2026-11-25T00:00:00Z') },
        // A checkout whose first payment never went through is not a paying member.
        {
          id: 's4',
          userId: 'm4',
          stripeCustomerId: 'c4',
          status: 'incomplete_expired',
          createdAt: at('2026-11-13T00:00:00Z'),
        },
      ]);

      const report = await funnelReport(test.db, period, now);
      // m4 signed up without a lead: beside the funnel, not a stage after confirmed leads.
      expect(report.totals).toEqual({ views: 180, captures: 4, confirmed: 3, members: 2, paying: 2 });
      expect(report.direct).toEqual({ members: 1, paying: 0 });
      const byArticle = Object.fromEntries(report.byArticle.map(({ article, ...counts }) => [article, counts]));
      expect(byArticle).toEqual({
        a: { views: 150, captures: 2, confirmed: 2, members: 1, paying: 1 },
        b: { views: 30, captures: 1, confirmed: 0, members: 1, paying: 1 },
        [NO_ARTICLE]: { views: 0, captures: 1, confirmed: 1, members: 0, paying: 0 },
      });
      expect(report.daily).toHaveLength(30);
      expect(report.daily[0]).toEqual({ day: '2026-11-01', views: 100, captures: 1, members: 0 });
      expect(report.daily.at(-1)).toEqual({ day: '2026-11-30', views: 50, captures: 1, members: 0 });
      expect(report.daily.find((day) => day.day === '2026-11-29')!.members).toBe(1);
    },
  );

  it('a late change to a recent day is counted at the next hourly recount; older days stay as counted', async () => {
    await member('m1', '2026-11-10T09:00:00Z');
    const first = await funnelReport(test.db, period, at('2026-11-12T08:00:00Z'));
    expect(first.totals.captures).toBe(0);
    // A lead is recorded for 11 November (two weeks' history import, say) and one for 1 November.
    await lead('2026-11-11T12:00:00Z', 'a');
    await lead('2026-11-01T12:00:00Z', 'a');
    expect((await funnelReport(test.db, period, at('2026-11-12T08:30:00Z'))).totals.captures).toBe(0);
    const later = await funnelReport(test.db, period, at('2026-11-12T09:30:00Z'));
    expect(later.totals.captures).toBe(1);
    expect(later.byArticle.find((row) => row.article === 'a')!.captures).toBe(1);
  });

  it('keeps members and paying members with no lead apart, and recounts a rollup saved before they were', async () => {
    await member('d1', '2026-11-03T10:00:00Z');
    await member('d2', '2026-11-04T10:00:00Z');
    await lead('2026-11-03T09:00:00Z', 'a', '2026-11-03T09:05:00Z', 'd1');
    await test.db
      .insert(subscriptions)
      .values([
        { id: 'sd2', userId: 'd2', stripeCustomerId: 'cd2', status: 'active', createdAt: at('2026-11-05T00:00:00Z') },
      ]);
    // A rollup as the previous layout left it: d2 counted as a member of no article.
    await test.db.run(sql`INSERT INTO funnel_daily (day, article, captures, confirmed, members, paying)
                          VALUES ('2026-11-04', '', 0, 0, 1, 0), ('2026-11-05', '', 0, 0, 0, 1)`);
    await test.db.run(sql`INSERT INTO app_settings (key, value)
                          VALUES ('funnel.rollup', ${JSON.stringify({ through: '2026-11-25', at: now().getTime() })})`);
    const report = await funnelReport(test.db, period, now());
    expect(report.totals).toMatchObject({ captures: 1, confirmed: 1, members: 1, paying: 0 });
    expect(report.direct).toEqual({ members: 1, paying: 1 });
    expect(report.byArticle.map((row) => row.article)).toEqual(['a']);
    // Sign-ups per day still count everyone.
    expect(report.daily.filter((day) => day.members > 0).map((day) => day.day)).toEqual(['2026-11-03', '2026-11-04']);
  });

  it('an empty period is all zeros, one entry a day', async () => {
    const report = await funnelReport(test.db, { from: '2026-01-01', to: '2026-01-07', preset: 7 }, now());
    expect(report.totals).toEqual({ views: 0, captures: 0, confirmed: 0, members: 0, paying: 0 });
    expect(report.byArticle).toEqual([]);
    expect(report.daily.map((day) => day.day)).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
    ]);
  });
});

describe('countView', () => {
  it('adds one to the article’s count for its UTC day', async () => {
    await countView(test.db, 'a', at('2026-11-01T23:59:00Z'));
    await countView(test.db, 'a', at('2026-11-01T10:00:00Z'));
    await countView(test.db, 'a', at('2026-11-02T00:01:00Z'));
    await countView(test.db, 'b', at('2026-11-01T12:00:00Z'));
    const rows = await test.db.select().from(articleViews).orderBy(articleViews.day, articleViews.article);
    expect(rows).toEqual([
      { day: '2026-11-01', article: 'a', views: 2 },
      { day: '2026-11-01', article: 'b', views: 1 },
      { day: '2026-11-02', article: 'a', views: 1 },
    ]);
  });
});

describe('query plans', () => {
  it('every funnel query reads an index or a rollup’s key, never a whole table', async () => {
    const queries = {
      ...stageQueries(Date.parse('2026-11-26T00:00:00Z'), Date.parse('2026-11-27T00:00:00Z')),
      ...viewsQueries(period),
      ...Object.fromEntries(
        Object.entries(rollupQueries('2026-11-01', '2026-11-25')).map(([name, query]) => [`rollup ${name}`, query]),
      ),
    };
    const expected: Record<string, RegExp> = {
      captures: /SEARCH leads USING COVERING INDEX leads_created_article/,
      confirmed: /SEARCH leads USING COVERING INDEX leads_confirmed_article/,
      members: /SEARCH u USING INDEX users_created[\s\S]*SEARCH l USING INDEX leads_user/,
      paying: /SCAN subscriptions USING INDEX subscriptions_user[\s\S]*SEARCH l USING INDEX leads_user/,
      byArticle: /SEARCH article_views USING INDEX/,
      byDay: /SEARCH article_views USING INDEX/,
      'rollup byArticle': /SEARCH funnel_daily USING INDEX/,
      'rollup byDay': /SEARCH funnel_daily USING INDEX/,
    };
    for (const [name, query] of Object.entries(queries)) {
      const rows = (await test.db.all(sql`EXPLAIN QUERY PLAN ${query}`)) as { detail: string }[];
      const plan = rows.map((row) => row.detail).join('\n');
      expect(plan, name).toMatch(expected[name]!);
      expect(plan, name).not.toMatch(/SCAN (leads|users|article_views|funnel_daily)\b(?! USING)/);
    }
  });
});

/**
 * The coach's funnel chart through HTTP on the built server, with members who did not come
 * through a lead: they are a line of their own, and no stage shows a rate above 100 % or a bar
 * longer than the views bar.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { PHONE, readableText as text, useMemberServer } from '../setup/member-site.ts';

const ARTICLE = 'thank-you-note-within-24-hours';

const { sql, base } = useMemberServer();

/** Each stage of the funnel as drawn: its count, its bar's width (of 100) and its rate line. */
function stages(html: string) {
  return [...html.matchAll(/<li class="funnel-stage"[^>]*>([\s\S]*?)<\/li>/g)].map(([, stage]) => ({
    label: /class="funnel-label"[^>]*>([^<]*)</.exec(stage!)![1]!,
    value: Number(/class="funnel-value"[^>]*>([^<]*)</.exec(stage!)![1]!.replace(/,/g, '')),
    width: Number(/<rect[^>]*width="([\d.]+)"[^>]*class="funnel-fill"/.exec(stage!)?.[1]),
    rate: /class="funnel-rate"[^>]*>([^<]*)</.exec(stage!)![1]!.replace(/\s+/g, ' ').trim(),
  }));
}

describe('one confirmed lead, then direct sign-ups', () => {
  let coach: Browser;

  beforeAll(async () => {
    // Four readers' views of the article.
    for (let n = 1; n <= 4; n += 1) {
      const viewed = await fetch(`${base()}/api/views`, {
        method: 'POST',
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          origin: base(),
          'user-agent': PHONE,
          'x-forwarded-for': `192.0.2.${n}`,
        },
        body: `/articles/${ARTICLE}`,
      });
      expect(viewed.status).toBe(204);
    }
    // One of them leaves an address for the cheat sheet and confirms it, and does not sign up.
    const reader = new Browser(base);
    const captured = await reader.post('/cheat-sheet?_action=leads.capture', {
      email: 'lead-only@example.com',
      consent: 'on',
      sourcePath: `/articles/${ARTICLE}`,
      sourceArticle: ARTICLE,
    });
    expect(captured.status).toBeLessThan(400);
    const mail = await sql.execute({
      sql: 'SELECT text FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1',
      args: ['lead-only@example.com'],
    });
    const confirm = /\/cheat-sheet\/confirm\?token=[\w-]+/.exec(String(mail.rows[0]?.['text']))![0];
    expect((await reader.get(confirm)).status).toBe(200);
    // Then three people sign up directly (and so did the coach).
    coach = await signedUpCoach(base, sql, 'funnel-coach@example.com');
    for (const email of ['direct-1@example.com', 'direct-2@example.com', 'direct-3@example.com'])
      await signedUpMember(base, sql, email);
  });

  it('counts the direct sign-ups on a line of their own, not as the stage after confirmed leads', async () => {
    const html = await (await coach.get('/coach?days=7')).text();
    const drawn = stages(html);
    expect(drawn.map(({ label, value }) => [label, value])).toEqual([
      ['Article views', 4],
      ['Cheat-sheet captures', 1],
      ['Confirmed leads', 1],
      ['New members', 0],
      ['New paying members', 0],
    ]);
    expect(text(html)).toContain('Not through a lead: 4 new members signed up directly');
  });

  it('shows no rate above 100 % and no bar longer than the views bar', async () => {
    const html = await (await coach.get('/coach?days=7')).text();
    const drawn = stages(html);
    expect(drawn.map((stage) => stage.rate)).toEqual([
      '',
      '25 % of the stage before',
      '100 % of the stage before',
      '0 % of the stage before',
      '– of the stage before',
    ]);
    expect(drawn.map((stage) => stage.width)).toEqual([100, 25, 25, 0, 0]);
    for (const stage of drawn) expect(stage.width, stage.label).toBeLessThanOrEqual(drawn[0]!.width);
    const rates = [...text(html).matchAll(/(\d+(?:\.\d+)?) %/g)].map((match) => Number(match[1]));
    expect(rates.length).toBeGreaterThan(0);
    for (const shown of rates) expect(shown).toBeLessThanOrEqual(100);
  });
});

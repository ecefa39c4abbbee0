/**
 * The cheat sheet's length is told by the document itself. Through HTTP on the built server: the
 * PDF the download serves is rendered again here from the YAML and its pages counted; every page
 * that describes the sheet (home, about, an article's form, /cheat-sheet) and the delivery email
 * must state that many pages in words, and no other length. /cheat-sheet shows page 1 as a static,
 * lazily loaded image with its size and a description; the article page carries no preview.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cheatSheetSchema,
  countPdfPages,
  firstPageDescription,
  pagesInWords,
  PREVIEW_WIDTHS,
  previewHeight,
} from '../../src/lib/leads/cheat-sheet.ts';
import { renderCheatSheetPdf } from '../../src/lib/leads/cheat-sheet-pdf.server.tsx';
import { startServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';

const SOURCE = new URL('../../src/content/cheat-sheet/interview-success.yaml', import.meta.url);
const sheet = cheatSheetSchema.parse(parse(readFileSync(SOURCE, 'utf8')));
const ARTICLE = '/articles/thank-you-note-within-24-hours';

/** Every "<number> page(s)" a text states, numbers in words or digits. */
const LENGTH_CLAIM = /\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)[ -]pages?\b/gi;
const lengthClaims = (text: string) => Array.from(text.matchAll(LENGTH_CLAIM), (match) => match[0].toLowerCase());
const decode = (html: string) => html.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');

describe('what the site says about the cheat sheet’s length', () => {
  let server: RunningServer;
  let pages: number;
  let pdf: Buffer;
  const database = freshDatabaseFile();
  const sql = testClient(database.url);

  beforeAll(async () => {
    pdf = await renderCheatSheetPdf(sheet);
    pages = countPdfPages(pdf);
    server = await startServer({ DATABASE_URL: database.url });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    sql.close();
  });

  it.each(['/', '/about', ARTICLE, '/cheat-sheet'])('%s states the PDF’s page count, and no other', async (path) => {
    const html = visible(await (await fetch(server.url + path)).text());
    const claims = lengthClaims(html);
    expect(claims.length).toBeGreaterThan(0);
    expect(new Set(claims)).toEqual(new Set([pagesInWords(pages)]));
    expect(html).toContain(`Every follow-up on ${pagesInWords(pages)}:`);
  });

  it('the delivery email states the page count of the PDF its link downloads', async () => {
    const capture = await fetch(`${server.url}/cheat-sheet?_action=leads.capture`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ email: 'length@example.com', consent: 'on', sourcePath: '/cheat-sheet' }).toString(),
    });
    expect(capture.status).toBe(303);
    const text = async (kind: string) =>
      String((await sql.execute({ sql: 'SELECT text FROM outbox WHERE kind = ?', args: [kind] })).rows[0]!['text']);
    const confirm = /\/cheat-sheet\/confirm\?token=[\w-]+/.exec(await text('lead.confirm'))![0];
    expect((await fetch(server.url + confirm)).status).toBe(200);

    const email = await text('lead.delivery');
    expect(lengthClaims(email)).toEqual([pagesInWords(pages)]);
    const download = /\/cheat-sheet\/download\?token=[\w.-]+/.exec(email)![0];
    const pdf = Buffer.from(await (await fetch(server.url + download)).arrayBuffer());
    expect(countPdfPages(pdf)).toBe(pages);
  });

  it('/cheat-sheet shows page 1 as a static image, sized, lazy and described from the content', async () => {
    const html = decode(await (await fetch(`${server.url}/cheat-sheet`)).text());
    const img = /<img\b[^>]*\bsrc="\/cheat-sheet\/first-page-[^>]*>/.exec(html)?.[0] ?? '';
    const [smallest] = PREVIEW_WIDTHS;
    expect(img).toContain(`width="${smallest}"`);
    expect(img).toContain(`height="${previewHeight(smallest)}"`);
    expect(img).toContain('loading="lazy"');
    expect(img).toContain(`alt="${firstPageDescription(sheet)}"`);
    // What the description names is on page 1 (Poppler's pdftotext reads it), not pushed to page 2.
    const firstPage = execFileSync('pdftotext', ['-f', '1', '-l', '1', '-layout', '-', '-'], { input: pdf })
      .toString()
      .replace(/\s+/g, ' ');
    for (const step of sheet.steps) {
      expect(img).toContain(step.title);
      expect(firstPage).toContain(step.title);
    }

    for (const width of PREVIEW_WIDTHS) {
      expect(img).toContain(`/cheat-sheet/first-page-${width}.webp ${width}w`);
      const response = await fetch(`${server.url}/cheat-sheet/first-page-${width}.webp`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([width, previewHeight(width)]);
    }
  });

  it('keeps the preview off the article pages', async () => {
    const html = await (await fetch(server.url + ARTICLE)).text();
    expect(html).not.toContain('first-page-');
  });
});

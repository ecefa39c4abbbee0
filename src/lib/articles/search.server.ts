import type { Client } from '@libsql/client';
import { createClient } from '@libsql/client/sqlite3';
import { getPublishedEntries } from './collection.server';
import { splitPremium } from './rules';
import {
  makeSnippet,
  markdownToText,
  meaningfulTerms,
  queryTerms,
  termsFound,
  toAnyWordFtsQuery,
  toFtsQuery,
} from './search-query';

export interface SearchHit {
  id: string;
  title: string;
  description: string;
  url: string;
  /** Raw snippet with MARK_START/MARK_END around matches; escape with highlightSnippet. */
  snippet: string;
}

export interface SearchResult {
  hits: SearchHit[];
  /** True when every hit has every word; false when none did and these have some of them. */
  everyWord: boolean;
}

let index: Promise<Client> | undefined;

/**
 * The articles are part of the build, so their index is built in memory once per process from
 * the content collection: always in step with the deployed articles, nothing to migrate.
 */
function articleIndex(): Promise<Client> {
  index ??= (async () => {
    const client = createClient({ url: ':memory:' });
    await client.execute(
      "CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, description, tags, body, tokenize = 'porter unicode61')",
    );
    const entries = await getPublishedEntries();
    await client.batch(
      entries.map((entry) => ({
        sql: 'INSERT INTO articles (id, title, description, tags, body) VALUES (?, ?, ?, ?, ?)',
        args: [
          entry.id,
          entry.data.title,
          entry.data.description,
          entry.data.tags.join(' '),
          // A premium guide is found by its free preview only: its paid text never reaches a snippet.
          markdownToText(entry.data.premium ? splitPremium(entry.body ?? '').preview : (entry.body ?? '')),
        ],
      })),
      'write',
    );
    return client;
  })();
  return index;
}

type Row = Record<string, unknown>;

/**
 * Best matches first; titles weigh most, then descriptions and tags, then the body. When no
 * article has every word, the articles with any of the meaningful words: those with more of the
 * words first, then by the same weights.
 */
export async function searchArticles(query: string, limit = 20): Promise<SearchResult> {
  const match = toFtsQuery(query);
  if (!match) return { hits: [], everyWord: true };
  const client = await articleIndex();
  const ranked = async (fts: string, rows: number) =>
    (
      await client.execute({
        sql: `SELECT id, title, description, tags, body
              FROM articles WHERE articles MATCH ? ORDER BY bm25(articles, 0, 10, 4, 4, 1) LIMIT ?`,
        args: [fts, rows],
      })
    ).rows as Row[];
  const terms = queryTerms(query);
  const every = await ranked(match, limit);
  if (every.length > 0 || terms.length < 2) return { hits: every.map((row) => hit(row, terms)), everyWord: true };

  const wanted = meaningfulTerms(terms);
  // The index holds a few dozen articles: rank all that match any word, then keep the best.
  const some = (await ranked(toAnyWordFtsQuery(query), 500))
    .map((row, order) => ({
      row,
      order,
      found: termsFound(`${row['title']} ${row['description']} ${row['tags']} ${row['body']}`, wanted),
    }))
    .sort((a, b) => b.found - a.found || a.order - b.order)
    .slice(0, limit);
  return { hits: some.map(({ row }) => hit(row, wanted)), everyWord: false };
}

function hit(row: Row, terms: readonly string[]): SearchHit {
  return {
    id: String(row['id']),
    title: String(row['title']),
    description: String(row['description']),
    url: `/articles/${String(row['id'])}`,
    snippet: makeSnippet(String(row['body']), terms),
  };
}

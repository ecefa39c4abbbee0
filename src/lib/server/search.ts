import { createClient, type Client } from '@libsql/client';
import { getPublishedEntries } from './articles';
import { splitPremium } from '../articles';
import { makeSnippet, markdownToText, queryTerms, toFtsQuery } from '../search-query';

export interface SearchHit {
  id: string;
  title: string;
  description: string;
  url: string;
  /** Raw snippet with MARK_START/MARK_END around matches; escape with highlightSnippet. */
  snippet: string;
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

/** Best matches first; titles weigh most, then descriptions and tags, then the body. */
export async function searchArticles(query: string, limit = 20): Promise<SearchHit[]> {
  const match = toFtsQuery(query);
  if (!match) return [];
  const client = await articleIndex();
  const terms = queryTerms(query);
  const result = await client.execute({
    sql: `SELECT id, title, description, body
          FROM articles WHERE articles MATCH ? ORDER BY bm25(articles, 0, 10, 4, 4, 1) LIMIT ?`,
    args: [match, limit],
  });
  return result.rows.map((row) => ({
    id: String(row['id']),
    title: String(row['title']),
    description: String(row['description']),
    url: `/articles/${String(row['id'])}`,
    snippet: makeSnippet(String(row['body']), terms),
  }));
}

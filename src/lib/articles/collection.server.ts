import { getCollection, type CollectionEntry } from 'astro:content';
import { newestFirst, readingMinutes } from './rules';
import type { ArticleCard } from './article-card';

export type ArticleEntry = CollectionEntry<'articles'>;

export function toCard(entry: ArticleEntry): ArticleCard {
  return {
    id: entry.id,
    title: entry.data.title,
    description: entry.data.description,
    tags: entry.data.tags,
    pubDate: entry.data.pubDate,
    updatedDate: entry.data.updatedDate,
    premium: entry.data.premium,
    minutes: readingMinutes(entry.body ?? ''),
    url: `/articles/${entry.id}`,
  };
}

/** Article entries a reader may see (drafts only while developing), newest first. */
export async function getPublishedEntries(): Promise<ArticleEntry[]> {
  const entries = await getCollection('articles', (entry) => import.meta.env.DEV || !entry.data.draft);
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  return newestFirst(entries.map(toCard)).map((card) => byId.get(card.id)!);
}

export async function getPublishedCards(): Promise<ArticleCard[]> {
  return (await getPublishedEntries()).map(toCard);
}

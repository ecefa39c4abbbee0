import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { getPublishedCards } from '../lib/articles/collection.server';
import { SITE } from '../lib/app/site';

export const prerender = true;

export async function GET(context: APIContext) {
  const cards = await getPublishedCards();
  return rss({
    title: SITE.name,
    description: SITE.description,
    site: context.site!,
    trailingSlash: false,
    items: cards.map((card) => ({
      title: card.title,
      description: card.description,
      pubDate: card.pubDate,
      link: card.url,
      categories: [...card.tags],
      author: SITE.coach.name,
    })),
    customData: `<language>en-us</language>`,
  });
}

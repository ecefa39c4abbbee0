import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { cheatSheetSchema } from './lib/leads/cheat-sheet';
import { OPPORTUNITY_KINDS } from './lib/tracker/model';

export const ARTICLE_TAGS = [
  'interviews',
  'thank-you-notes',
  'persistence',
  'networking',
  'timing',
  'templates',
  'systems',
] as const;

const articles = defineCollection({
  loader: glob({ pattern: '**/*.md', base: './src/content/articles' }),
  schema: ({ image }) =>
    z
      .object({
        title: z.string().min(1).max(90),
        description: z.string().min(50).max(200),
        pubDate: z.coerce.date(),
        updatedDate: z.coerce.date().optional(),
        tags: z.array(z.enum(ARTICLE_TAGS)).min(1),
        draft: z.boolean().default(false),
        premium: z.boolean().default(false),
        /** The kind of tracker entry this article's advice applies to: shows "add this follow-up to my tracker". */
        tracker: z.enum(OPPORTUNITY_KINDS).optional(),
        hero: z
          .object({ image: image(), alt: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .refine((data) => !data.updatedDate || data.updatedDate >= data.pubDate, {
        message: 'updatedDate must not be before pubDate',
        path: ['updatedDate'],
      }),
});

/** The Interview Success Cheat Sheet: one YAML file, the source of its page and its PDF. */
const cheatSheet = defineCollection({
  loader: glob({ pattern: '*.yaml', base: './src/content/cheat-sheet' }),
  schema: cheatSheetSchema,
});

export const collections = { articles, cheatSheet };

/** An article as lists, cards and feeds show it, handed by pages to components. Types only. */
import type { ArticleSummary } from './rules';

/** What lists, cards and feeds need to know about an article. */
export interface ArticleCard extends ArticleSummary {
  description: string;
  updatedDate: Date | undefined;
  premium: boolean;
  minutes: number;
  url: string;
}

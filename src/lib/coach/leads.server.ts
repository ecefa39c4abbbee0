/** The coach's view of leads: filter, page, export. Reads only; coach-only callers. */
import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { leads } from '../../../db/schema.ts';
import { isDateInRange, MAX_SEARCH_LENGTH, queryDateProblem } from '../forms/fields';
import type { Database } from '../../../db/connect.ts';

export const LEAD_STATUSES = ['pending', 'confirmed', 'unsubscribed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface LeadFilter {
  status?: LeadStatus | undefined;
  search?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  article?: string | undefined;
}

/** Reads the filter from the page's query string, ignoring anything malformed (`leadFilterProblem` says what). */
export function leadFilterFrom(params: URLSearchParams): LeadFilter {
  const status = params.get('status');
  const date = (value: string | null, endOfDay: boolean) =>
    value && isDateInRange(value) ? new Date(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z`) : undefined;
  return {
    status: (LEAD_STATUSES as readonly string[]).includes(status ?? '') ? (status as LeadStatus) : undefined,
    search: params.get('q')?.trim().toLowerCase().slice(0, MAX_SEARCH_LENGTH) || undefined,
    from: date(params.get('from'), false),
    to: date(params.get('to'), true),
    article: params.get('article')?.trim().slice(0, 120) || undefined,
  };
}

/** Why the filter's dates cannot be used, or null. */
export function leadFilterProblem(params: URLSearchParams): string | null {
  return queryDateProblem(params, ['from', 'to']);
}

function where(filter: LeadFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(leads.status, filter.status));
  if (filter.search) {
    // % and _ typed in the search are literal characters, not wildcards.
    const pattern = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`${leads.email} LIKE ${pattern} ESCAPE '\\'`);
  }
  if (filter.from) conditions.push(gte(leads.createdAt, filter.from));
  if (filter.to) conditions.push(lte(leads.createdAt, filter.to));
  if (filter.article) conditions.push(eq(leads.sourceArticle, filter.article));
  return conditions.length ? and(...conditions) : undefined;
}

export async function listLeads(db: Database, filter: LeadFilter, page = 1, pageSize = 50) {
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(leads)
      .where(where(filter))
      .orderBy(desc(leads.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(leads).where(where(filter)),
  ]);
  return { rows, total: total?.n ?? 0 };
}

export async function allLeads(db: Database, filter: LeadFilter) {
  return db.select().from(leads).where(where(filter)).orderBy(desc(leads.createdAt));
}

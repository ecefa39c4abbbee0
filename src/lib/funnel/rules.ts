/**
 * The coach's funnel as pure functions: the reporting period, which requests count as a reader's
 * view, conversion rates, and the shapes of the charts. The queries live in
 * src/lib/funnel/counts.server.ts; everything here is tested table by table.
 */
import { isDateInRange, queryDateProblem } from '../forms/fields';
import { isCampaign } from '../marketing/campaigns';

export const FUNNEL_STAGES = ['views', 'captures', 'confirmed', 'members', 'paying'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export type FunnelCounts = Record<FunnelStage, number>;

export const STAGE_LABELS: Record<FunnelStage, string> = {
  views: 'Article views',
  captures: 'Cheat-sheet captures',
  confirmed: 'Confirmed leads',
  members: 'New members',
  paying: 'New paying members',
};

/** Members and paying members who did not come through a lead: beside the funnel, not in it. */
export interface DirectCounts {
  members: number;
  paying: number;
}

export const EMPTY_COUNTS: FunnelCounts = { views: 0, captures: 0, confirmed: 0, members: 0, paying: 0 };

const DAY_MS = 86_400_000;

/** A reporting period: whole UTC days, `from` and `to` included. */
export interface Period {
  from: string;
  to: string;
  /** The preset it came from (days), or null for dates typed in. */
  preset: number | null;
}

export const PERIOD_PRESETS = [7, 30, 90, 365] as const;
/** The longest period typed in: two years. */
const MAX_SPAN_DAYS = 731;

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

const spanDays = (from: string, to: string) => Math.abs(Date.parse(to) - Date.parse(from)) / DAY_MS;

/**
 * The period a dashboard URL asks for: `?days=7|30|90|365`, or `?from=…&to=…` (at most two years,
 * swapped if reversed), otherwise the last 30 days. Anything malformed falls back to the default
 * (and `periodProblem` says why).
 */
export function periodFrom(params: URLSearchParams, now: Date): Period {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  if (isDateInRange(from) && isDateInRange(to) && spanDays(from, to) <= MAX_SPAN_DAYS) {
    const [start, end] = from <= to ? [from, to] : [to, from];
    return { from: start, to: end, preset: null };
  }
  const days = Number(params.get('days'));
  const preset = (PERIOD_PRESETS as readonly number[]).includes(days) ? days : 30;
  return { from: utcDay(new Date(now.getTime() - (preset - 1) * DAY_MS)), to: utcDay(now), preset };
}

/** Why the dates a dashboard URL gives cannot be shown, or null when they can (or none are given). */
export function periodProblem(params: URLSearchParams): string | null {
  const problem = queryDateProblem(params, ['from', 'to']);
  if (problem) return problem;
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && spanDays(from, to) > MAX_SPAN_DAYS) return 'Choose a period of at most two years.';
  return null;
}

/** The period's bounds as instants: [start, end) in milliseconds. */
export function periodBounds(period: Period): { start: Date; end: Date } {
  return { start: new Date(`${period.from}T00:00:00Z`), end: new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS) };
}

/** The period in words: "the last 30 days", or "2026-11-01 to 2026-11-30". */
export function periodLabel(period: Period): string {
  return period.preset ? `the last ${period.preset} days` : `${period.from} to ${period.to}`;
}

/** Every day of the period, in order. */
export function periodDays(period: Period): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${period.from}T00:00:00Z`); at <= Date.parse(`${period.to}T00:00:00Z`); at += DAY_MS)
    days.push(utcDay(new Date(at)));
  return days;
}

/**
 * `part` as a share of `whole`: "12.5 %", or "–" when there is nothing to divide by or the part is
 * larger than the whole. Stages are counted within a period, not followed person by person, so a
 * later stage can outnumber an earlier one (last month's leads signing up this month); a share
 * above 100 % would be a number nobody can act on.
 */
export function rate(part: number, whole: number): string {
  if (whole <= 0 || part > whole) return '–';
  const value = (part / whole) * 100;
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)} %`;
}

// --- Which requests count as a view -----------------------------------------------------------

/** User agents of crawlers, link previews, monitors, scripts and headless browsers. */
const BOT =
  /bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|lighthouse|pagespeed|headless|phantom|selenium|puppeteer|playwright|curl|wget|python|httpclient|okhttp|go-http|java\/|libwww|axios|node-fetch|undici/i;

export function isBot(userAgent: string | null | undefined): boolean {
  return !userAgent || userAgent.length < 20 || BOT.test(userAgent);
}

/** The article a beacon names: `/articles/<slug>` (a trailing slash or a query are tolerated). */
export function articleOfPath(path: string): string | undefined {
  const match = /^\/articles\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?(?:[?#].*)?$/.exec(path.trim());
  return match?.[1];
}

/**
 * The email campaign a beacon's path carries in its `utm_campaign`, when it is one this site wrote
 * (`b-…` or `s-…`, see src/lib/marketing/campaigns.ts); other sites' campaigns and junk give none.
 */
export function campaignOfPath(path: string): string | undefined {
  const query = path.trim().split('#')[0]!.split('?')[1];
  if (!query) return undefined;
  const campaign = new URLSearchParams(query).get('utm_campaign');
  return isCampaign(campaign) ? campaign : undefined;
}

// --- Charts -------------------------------------------------------------------------------------

export interface Bar {
  label: string;
  value: number;
  /**
   * Width as a share of the widest bar, 0–1 (a value above zero is never thinner than 0.5 %), and
   * never wider than the bar before it: a funnel only narrows.
   */
  share: number;
  /** Conversion from the bar before it; null for the first, and when this stage is the larger. */
  fromPrevious: string | null;
  /** This stage counted more than the stage before it (in the period, not the same people). */
  aboveStageBefore: boolean;
}

/** The funnel as horizontal bars, each with its conversion from the stage before. */
export function funnelBars(counts: FunnelCounts): Bar[] {
  const max = Math.max(1, ...FUNNEL_STAGES.map((stage) => counts[stage]));
  let widest = 1;
  return FUNNEL_STAGES.map((stage, index) => {
    const value = counts[stage];
    const previous = index > 0 ? counts[FUNNEL_STAGES[index - 1]!] : null;
    const aboveStageBefore = previous !== null && value > previous;
    const share = Math.min(widest, value > 0 ? Math.max(0.005, value / max) : 0);
    widest = share;
    return {
      label: STAGE_LABELS[stage],
      value,
      share,
      fromPrevious: previous === null || aboveStageBefore ? null : rate(value, previous),
      aboveStageBefore,
    };
  });
}

export interface Series {
  label: string;
  values: number[];
}

export interface LineChart {
  width: number;
  height: number;
  /** One SVG path per series, in the series' order. */
  paths: string[];
  /** Horizontal grid lines with their values. */
  ticks: { y: number; value: number }[];
  max: number;
}

/** A "nice" top for an axis: 1, 2 or 5 times a power of ten, at or above `value`. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Daily series as SVG line paths on a shared axis from zero. */
export function lineChart(series: readonly Series[], width = 720, height = 220, padding = 8): LineChart {
  const length = Math.max(0, ...series.map((one) => one.values.length));
  const max = niceMax(Math.max(0, ...series.flatMap((one) => one.values)));
  const x = (index: number) => padding + (length <= 1 ? 0 : (index * (width - 2 * padding)) / (length - 1));
  const y = (value: number) => padding + (height - 2 * padding) * (1 - value / max);
  const round = (n: number) => Math.round(n * 10) / 10;
  const paths = series.map((one) =>
    one.values.map((value, index) => `${index === 0 ? 'M' : 'L'}${round(x(index))} ${round(y(value))}`).join(' '),
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((part) => ({ y: round(y(max * part)), value: max * part }));
  return { width, height, paths, ticks, max };
}

/**
 * Public holidays from date-holidays: the country and region lists a member chooses from, and the
 * WorkingCalendar the playbook is given for a member's choice. The library holds every country's
 * rules (about 22 MiB resident once loaded), so it is imported on first use, not when the server
 * starts: a visitor reading articles never loads it. Calendars are kept per country and region,
 * their holidays worked out a year at a time.
 */
import type HolidaysLibrary from 'date-holidays';
import { Refusal } from '../app/refusal';
import { COUNTRY_ERROR, REGION_ERROR } from '../auth/auth-form';
import { addDays, WEEKENDS_ONLY, type WorkingCalendar } from './zoned-time';

/** Where a member lives, for its public holidays: an ISO country code and the library's region code. */
export interface HolidayPlace {
  country?: string | null;
  region?: string | null;
}

export interface PlaceOption {
  code: string;
  name: string;
}

type Library = typeof HolidaysLibrary;

let loading: Promise<Library> | undefined;

function library(): Promise<Library> {
  loading ??= import('date-holidays').then((module) => module.default);
  return loading;
}

const DAY_MS = 86_400_000;

/** The public holidays of one year, by `YYYY-MM-DD`; a holiday of several days names each. */
function publicHolidays(holidays: InstanceType<Library>, year: number): Map<string, string> {
  const days = new Map<string, string>();
  for (const holiday of holidays.getHolidays(year, 'en')) {
    // Bank, school, optional and observance days are not days off for everyone.
    if (holiday.type !== 'public') continue;
    const first = holiday.date.slice(0, 10);
    const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
    for (let offset = 0; offset < length; offset += 1) {
      const day = addDays(first, offset);
      if (!days.has(day)) days.set(day, holiday.name);
    }
  }
  return days;
}

const calendars = new Map<string, WorkingCalendar>();

/**
 * The calendar of a member's country and region; weekends only without a country, or for a code
 * the library does not know (a value stored before it dropped one).
 */
export async function workingCalendarOf(place: HolidayPlace): Promise<WorkingCalendar> {
  const country = place.country;
  if (!country) return WEEKENDS_ONLY;
  const region = place.region ?? null;
  const key = region ? `${country}-${region}` : country;
  const known = calendars.get(key);
  if (known) return known;
  const Holidays = await library();
  const holidays = region ? new Holidays(country, region) : new Holidays(country);
  if (!holidays.getCountries()[country]) return WEEKENDS_ONLY;
  const years = new Map<number, Map<string, string>>();
  const calendar: WorkingCalendar = {
    isHoliday(date) {
      const year = Number(date.slice(0, 4));
      let days = years.get(year);
      if (!days) {
        days = publicHolidays(holidays, year);
        years.set(year, days);
      }
      return days.get(date);
    },
  };
  calendars.set(key, calendar);
  return calendar;
}

const byName = (a: PlaceOption, b: PlaceOption) => a.name.localeCompare(b.name, 'en');

const options = (names: Record<string, string>): PlaceOption[] =>
  Object.entries(names)
    .map(([code, name]) => ({ code, name }))
    .sort(byName);

/** Every country the library knows, by English name. */
export async function countryOptions(): Promise<PlaceOption[]> {
  const Holidays = await library();
  return options(new Holidays().getCountries('en'));
}

/** The regions with their own holidays in a country (German states, US states, the UK's nations); often none. */
export async function regionOptions(country: string | null | undefined): Promise<PlaceOption[]> {
  if (!country) return [];
  const Holidays = await library();
  return options(new Holidays().getStates(country, 'en') ?? {});
}

export interface StoredPlace {
  country: string | null;
  region: string | null;
}

/**
 * The country and region a profile form asks for, checked against the library: an unknown code is
 * refused beside its field; none is weekends only. The region select lists the saved country's
 * regions, so a new country sent with the old country's region (the member changed only the
 * country) starts with the whole country, to pick a region from once saved.
 */
export async function resolveHolidayPlace(requested: StoredPlace, current: StoredPlace): Promise<StoredPlace> {
  const { country, region } = requested;
  if (country === null) return { country: null, region: null };
  const Holidays = await library();
  if (!Object.hasOwn(new Holidays().getCountries('en'), country))
    throw new Refusal('bad-input', 'unknown-country', COUNTRY_ERROR, 'country');
  if (region === null) return { country, region };
  const regions = new Holidays().getStates(country, 'en') ?? {};
  if (Object.hasOwn(regions, region)) return { country, region };
  if (country !== current.country && region === current.region) return { country, region: null };
  throw new Refusal('bad-input', 'unknown-region', REGION_ERROR, 'region');
}

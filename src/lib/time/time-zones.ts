/**
 * The time zones a member can choose, under their current IANA names. Pure; importable from a
 * browser script.
 *
 * The runtime's list follows CLDR, which keeps some zones under names IANA has since replaced
 * (`Asia/Calcutta` for `Asia/Kolkata`, `Europe/Kiev` for `Europe/Kyiv`), and a browser reports its
 * own zone the same way. Both names mean the same zone and Intl accepts either, so we list, store
 * and show the current one and read the old one as an alias of it.
 */

/** CLDR's name → IANA's current name, for every zone the runtime lists under an old name. */
const CURRENT_NAME: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The name we store and show for a zone: IANA's current one where CLDR keeps an older one. */
export function canonicalTimeZone(zone: string): string {
  return CURRENT_NAME[zone] ?? zone;
}

/** Every zone a member can choose, by its current name, UTC first and the rest in order. */
export function timeZoneChoices(runtimeZones: readonly string[] = Intl.supportedValuesOf('timeZone')): string[] {
  const names = new Set(runtimeZones.map(canonicalTimeZone));
  names.delete('UTC');
  return ['UTC', ...[...names].sort()];
}

let known: Set<string> | undefined;

/**
 * The current name of a zone the list offers, given either its current or its old name; undefined
 * for anything else.
 */
export function chosenTimeZone(zone: string): string | undefined {
  known ??= new Set(timeZoneChoices());
  const name = canonicalTimeZone(zone);
  return known.has(name) ? name : undefined;
}

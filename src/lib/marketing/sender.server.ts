/**
 * What the coach sets once for every marketing email: the postal address the law asks a sender
 * of newsletters to show (CAN-SPAM, and most of the EU's national rules), and an optional line
 * under it. Stored in app_settings; broadcasts are not sent until the address is set.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import { appSettings } from '../../../db/schema.ts';

export interface SenderSettings {
  /** One line or a few: "Own the Follow-Up, 12 Harbour Street, Leith EH6 6QH, United Kingdom". */
  postalAddress: string;
  /** Shown under the address: a sentence about who writes these emails, or nothing. */
  footerNote: string;
}

const SENDER_KEY = 'email.sender';
export const MAX_POSTAL_ADDRESS_LENGTH = 300;
export const MAX_FOOTER_NOTE_LENGTH = 300;

export async function senderSettings(db: Database): Promise<SenderSettings> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, SENDER_KEY));
  const value = (row?.value ?? {}) as Partial<SenderSettings>;
  return {
    postalAddress: typeof value.postalAddress === 'string' ? value.postalAddress : '',
    footerNote: typeof value.footerNote === 'string' ? value.footerNote : '',
  };
}

export async function setSenderSettings(db: Database, settings: SenderSettings, now = new Date()): Promise<void> {
  const value = { postalAddress: settings.postalAddress.trim(), footerNote: settings.footerNote.trim() };
  await db
    .insert(appSettings)
    .values({ key: SENDER_KEY, value })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: now } });
}

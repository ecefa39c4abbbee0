import type { APIContext } from 'astro';
import { desc, eq } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import { mailMode } from './config';
import { db } from './db';
import { isLoopback } from './request';

/** The local mail viewer exists only on the embedded default, and only for this machine. */
export function mailViewerAllowed(context: Pick<APIContext, 'clientAddress'>): boolean {
  return mailMode === 'local' && isLoopback(context);
}

export function listMail(limit = 200) {
  return db
    .select({
      id: outbox.id,
      to: outbox.toAddress,
      subject: outbox.subject,
      kind: outbox.kind,
      status: outbox.status,
      lastError: outbox.lastError,
      erasedAt: outbox.erasedAt,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .orderBy(desc(outbox.id))
    .limit(limit);
}

export async function getMail(id: number) {
  const [message] = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
  return message;
}

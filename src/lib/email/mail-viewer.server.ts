import type { APIContext } from 'astro';
import { desc, eq } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import { mailViewerAnswers, mailViewerState } from './mail-viewer';
import { mailMode, siteUrl, trustProxy } from '../app/config.server';
import { db } from '../app/db.server';

/** Whether this server has the local mail viewer at all, and why (/healthz reports it for the start-up log). */
export const mailViewer = mailViewerState({ emailKey: mailMode === 'resend', trustProxy, siteUrl });

/** The local mail viewer answers only a development server, and only requests from this machine (src/lib/email/mail-viewer.ts). */
export function mailViewerAllowed(context: Pick<APIContext, 'clientAddress' | 'request'>): boolean {
  let socketAddress: string | undefined;
  try {
    socketAddress = context.clientAddress;
  } catch {
    socketAddress = undefined;
  }
  return mailViewerAnswers(mailViewer, { socketAddress, headers: context.request.headers });
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

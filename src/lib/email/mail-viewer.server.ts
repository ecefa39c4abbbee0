import type { APIContext } from 'astro';
import { desc, eq } from 'drizzle-orm';
import { outbox } from '../../../db/schema.ts';
import type { Database } from '../../../db/connect.ts';
import type { AppConfig } from '../app/config.ts';
import { CampaignContents, composeBody } from './outbox.server.ts';
import { mailViewerAnswers, mailViewerState, type MailViewerState } from './mail-viewer';

/** Whether a server so configured has the local mail viewer at all, and why (/healthz reports it for the start-up log). */
export function mailViewerOf(config: AppConfig): MailViewerState {
  return mailViewerState({
    emailKey: config.email.mode === 'resend',
    trustProxy: config.trustProxy,
    siteUrl: config.siteUrl,
  });
}

/** The local mail viewer answers only a development server, and only requests from this machine (src/lib/email/mail-viewer.ts). */
export function mailViewerAllowed(context: Pick<APIContext, 'clientAddress' | 'request' | 'locals'>): boolean {
  let socketAddress: string | undefined;
  try {
    socketAddress = context.clientAddress;
  } catch {
    socketAddress = undefined;
  }
  return mailViewerAnswers(mailViewerOf(context.locals.app.config), {
    socketAddress,
    headers: context.request.headers,
  });
}

export function listMail(db: Database, limit = 200) {
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

/**
 * One message as its recipient gets it: a newsletter's row holds no body of its own, so it is
 * composed as the worker composes it (the broadcast's rendering, with this recipient's working
 * unsubscribe link). An erased message shows its note.
 */
export async function getMail(db: Database, id: number) {
  const [message] = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
  if (!message || message.erasedAt) return message;
  try {
    return { ...message, ...(await composeBody(new CampaignContents(db), message)) };
  } catch {
    // A broadcast whose rendering is gone: shown as stored, empty.
    return message;
  }
}

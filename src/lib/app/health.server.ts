/**
 * What /healthz answers: whether the database is reachable and migrated (building the app context
 * checks that, the first time), how many migrations it has, and whether the local mail viewer is
 * on, and why, which the server logs when it starts.
 */
import { checkDatabase, PendingMigrationsError } from '../../../db/connect.ts';
import type { AppContext } from './context.server.ts';
import { mailViewerOf } from '../email/mail-viewer.server.ts';
import type { MailViewerState } from '../email/mail-viewer.ts';

export type Health =
  | { ok: true; migrations: number; mailViewer: MailViewerState }
  | { ok: false; database: 'migrations pending' | 'unreachable'; error: unknown };

/** The health of the app `load` builds; a refusal's error names the command that fixes it. */
export async function checkHealth(load: () => Promise<AppContext>): Promise<Health> {
  try {
    const app = await load();
    const { migrations } = await checkDatabase(app.db);
    return { ok: true, migrations, mailViewer: mailViewerOf(app.config) };
  } catch (error) {
    return {
      ok: false,
      database: error instanceof PendingMigrationsError ? 'migrations pending' : 'unreachable',
      error,
    };
  }
}

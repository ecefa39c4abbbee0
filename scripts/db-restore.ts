/**
 * `npm run db:restore -- <backup file>`: puts a backup in place of the SQLite database behind
 * DATABASE_URL, once it has passed SQLite's integrity check and is no newer than this code's
 * migrations, and only while no server or worker has the database open. The replaced file is
 * kept as <db>.before-restore-<UTC time> (see db/backup.ts). Exits non-zero with one line on
 * stderr when it cannot.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BackupError, describeRestore, restoreDatabase } from '../db/backup.ts';
import { readConfig } from '../src/lib/app/config.ts';

const usage = 'usage: npm run db:restore -- <backup file>';

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  const backup = readBackupArgument();
  const report = await restoreDatabase({ url: readConfig(process.env).database.url, backup });
  console.log(describeRestore(report));
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(`db:restore: ${error.message}`);
  process.exitCode = 1;
}

function readBackupArgument(): string {
  let positionals: string[];
  try {
    positionals = parseArgs({ allowPositionals: true }).positionals;
  } catch (error) {
    throw new BackupError(`${error instanceof Error ? error.message : String(error)} (${usage})`);
  }
  const [backup] = positionals;
  if (backup === undefined || positionals.length > 1) throw new BackupError(usage);
  return backup;
}

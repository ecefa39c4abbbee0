/**
 * `npm run db:backup [-- [--force] [<file or folder>]]`: a consistent copy of the SQLite database
 * behind DATABASE_URL, taken while the app keeps serving and writing (see db/backup.ts). Default
 * target: backups/app-<UTC time>.db. Exits non-zero with one line on stderr when it cannot.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BackupError, backupDatabase, describeBackup } from '../db/backup.ts';
import { readConfig } from '../src/lib/app/config.ts';

const usage = 'usage: npm run db:backup [-- [--force] [<file or folder>]]';

if (existsSync('.env')) process.loadEnvFile('.env');
try {
  const { values, positionals } = readArguments();
  const report = await backupDatabase({
    url: readConfig(process.env).database.url,
    target: positionals[0],
    force: values.force,
  });
  console.log(describeBackup(report));
} catch (error) {
  if (!(error instanceof BackupError)) throw error;
  console.error(`db:backup: ${error.message}`);
  process.exitCode = 1;
}

function readArguments() {
  try {
    const parsed = parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
    if (parsed.positionals.length > 1) throw new Error('one target at most');
    return parsed;
  } catch (error) {
    throw new BackupError(`${error instanceof Error ? error.message : String(error)} (${usage})`);
  }
}

/**
 * `npm run db:migrate`: applies db/migrations to DATABASE_URL (default: the embedded file). The
 * release step: run it once before starting a release's instances, which refuse a database with
 * migrations not yet applied (unless MIGRATE_ON_START=true). `npm start` runs it first.
 */
import { existsSync } from 'node:fs';
import { checkDatabase, openDatabase, pendingMigrations, prepareDatabase } from '../db/connect.ts';
import { readConfig } from '../src/lib/app/config.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
const { url, authToken } = readConfig(process.env).database;
const db = openDatabase({ url, authToken });
const pending = await pendingMigrations(db);
await prepareDatabase(db);
const { migrations } = await checkDatabase(db);
console.log(
  `Database ready at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${migrations} migration(s) applied` +
    (pending.length > 0 ? `, ${pending.length} of them now (${pending.join(', ')}).` : ', none pending.'),
);
db.$client.close();

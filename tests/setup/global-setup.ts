import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { openDatabase, prepareDatabase } from '../../db/connect.ts';
import { BASE_DATABASE } from './test-database.ts';

export default async function setup(): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(BASE_DATABASE + suffix, { force: true });
  const db = openDatabase({ url: pathToFileURL(BASE_DATABASE).href });
  await prepareDatabase(db);
  // Fold the write-ahead log into the file so a plain copy carries every migration.
  await db.$client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.$client.execute('PRAGMA journal_mode = DELETE');
  db.$client.close();
}

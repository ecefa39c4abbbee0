/** `npm run db:migrate`: applies db/migrations to DATABASE_URL (default: the embedded file). */
import { openDatabase, prepareDatabase, checkDatabase } from '../db/connect.ts';

const url = process.env.DATABASE_URL ?? 'file:data/app.db';
const db = openDatabase({ url, authToken: process.env.DATABASE_AUTH_TOKEN });
await prepareDatabase(db);
const { migrations } = await checkDatabase(db);
console.log(`Database ready at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${migrations} migration(s) applied.`);
db.$client.close();

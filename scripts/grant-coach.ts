/**
 * `npm run coach:grant -- someone@example.com` gives an existing account the coach role
 * (`-- --revoke` takes it away). The account must exist: sign up first.
 */
import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { openDatabase, prepareDatabase } from '../db/connect.ts';
import { users } from '../db/schema.ts';
import { readConfig } from '../src/lib/app/config.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
const args = process.argv.slice(2);
const revoke = args.includes('--revoke');
const email = args
  .find((arg) => !arg.startsWith('--'))
  ?.trim()
  .toLowerCase();
if (!email) {
  console.error('Usage: npm run coach:grant -- <email> [--revoke]');
  process.exit(2);
}
const { url, authToken } = readConfig(process.env).database;
const db = openDatabase({ url, authToken });
await prepareDatabase(db);
const [user] = await db
  .update(users)
  .set({ role: revoke ? 'member' : 'coach', updatedAt: new Date() })
  .where(eq(users.email, email))
  .returning();
db.$client.close();
if (!user) {
  console.error(`No account for ${email}. Sign up at /signup first, then run this again.`);
  process.exit(1);
}
console.log(`${user.email} is now ${revoke ? 'a member' : 'the coach'}.`);

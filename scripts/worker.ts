/**
 * `npm run worker`: delivers the outbox from its own process, for deployments that keep web
 * instances free of background work (run them with BACKGROUND_JOBS=false). Any number of these
 * can run against one database: each message is leased to one worker at a time.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { openDatabase, prepareDatabase } from '../db/connect.ts';
import { deliverDueEmails } from '../src/lib/server/email/outbox.ts';
import { createResendTransport, localTransport } from '../src/lib/server/email/transport.ts';

if (existsSync('.env')) process.loadEnvFile('.env');
const db = openDatabase({
  url: process.env.DATABASE_URL ?? 'file:data/app.db',
  authToken: process.env.DATABASE_AUTH_TOKEN,
});
await prepareDatabase(db);
const apiKey = process.env.RESEND_API_KEY;
const transport = apiKey ? createResendTransport(apiKey, process.env.RESEND_BASE_URL) : localTransport;
const from = process.env.EMAIL_FROM ?? 'Own the Follow-Up <coach@ownthefollowup.localhost>';
const workerId = `worker-${randomUUID()}`;
const intervalMs = Number(process.env.WORKER_INTERVAL_MS ?? 2000);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = true));

console.log(`Email worker ${workerId} delivering through ${transport.name} every ${intervalMs} ms`);
while (!stopping) {
  const report = await deliverDueEmails({ db, transport, from, workerId });
  if (report.sent + report.retried + report.failed > 0) console.log(JSON.stringify(report));
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
db.$client.close();

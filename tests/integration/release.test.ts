/**
 * The release steps as the README gives them. Migrations are applied once, by `npm run
 * db:migrate`, before a release's instances start: the built server and the worker refuse a
 * database with a migration they have and it has not, naming the command, unless
 * MIGRATE_ON_START lets them apply it. Then `npm run smoke -- <url>` checks the deploy, and fails
 * with a line per check against a site that is down or not there.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase, prepareDatabase } from '../../db/connect.ts';
import { startExpectingFailure, startMemberServer, startServer, type RunningServer } from '../setup/built-server.ts';
import { PASSWORD, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, MIGRATION_COUNT, testClient } from '../setup/test-database.ts';

const servers: RunningServer[] = [];
const track = (server: RunningServer) => (servers.push(server), server);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command of package.json (or a script) to its end; one that does not end in 60 s is killed. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const child = spawn(command, args, {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  // Its whole process group: npm and what it started.
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

const smoke = (base: string, env: Record<string, string> = {}) =>
  run(process.execPath, ['scripts/smoke.ts', base], { SMOKE_EMAIL: '', SMOKE_PASSWORD: '', ...env });

/** A database migrated with every committed migration but the newest: the one before a release. */
async function databaseOneMigrationBehind(): Promise<{ url: string; newest: string }> {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const folder = mkdtempSync(join(tmpdir(), 'otfu-migrations-'));
  mkdirSync(join(folder, 'meta'));
  const older = journal.entries.slice(0, -1);
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: older }));
  for (const { tag } of older) copyFileSync(join(MIGRATIONS_FOLDER, `${tag}.sql`), join(folder, `${tag}.sql`));
  const url = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'otfu-behind-')), 'app.db')).href;
  const db = openDatabase({ url });
  await prepareDatabase(db, folder);
  db.$client.close();
  return { url, newest: journal.entries.at(-1)!.tag };
}

const migrationsOf = async (server: RunningServer) =>
  ((await (await fetch(`${server.url}/healthz`)).json()) as { migrations: number }).migrations;

describe('a release with a new migration', () => {
  it('is refused by the server and the worker until `npm run db:migrate` applies it, once', async () => {
    const { url, newest } = await databaseOneMigrationBehind();

    const refused = await startExpectingFailure({ DATABASE_URL: url });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('The server did not start');
    expect(refused.output).toContain(`1 migration(s) this release needs and has not applied (${newest})`);
    expect(refused.output).toContain('npm run db:migrate');

    const worker = await run('npm', ['run', 'worker'], { DATABASE_URL: url });
    expect(worker.code).toBe(1);
    expect(worker.output).toContain(`The worker did not start: The database has 1 migration(s)`);
    expect(worker.output).toContain('npm run db:migrate');

    // Nothing was applied by the refusals.
    const sql = testClient(url);
    expect((await sql.execute('SELECT count(*) AS n FROM __drizzle_migrations')).rows[0]!['n']).toBe(
      MIGRATION_COUNT - 1,
    );
    sql.close();

    const migrated = await run('npm', ['run', 'db:migrate'], { DATABASE_URL: url });
    expect(migrated.code).toBe(0);
    expect(migrated.output).toContain(`${MIGRATION_COUNT} migration(s) applied, 1 of them now (${newest})`);
    const again = await run('npm', ['run', 'db:migrate'], { DATABASE_URL: url });
    expect(again.output).toContain(`${MIGRATION_COUNT} migration(s) applied, none pending`);

    const server = track(await startServer({ DATABASE_URL: url }));
    expect(await migrationsOf(server)).toBe(MIGRATION_COUNT);
  }, 120_000);

  it('is applied by an instance itself with MIGRATE_ON_START=true, even to a new database file', async () => {
    const behind = await databaseOneMigrationBehind();
    expect(await migrationsOf(track(await startServer({ DATABASE_URL: behind.url, MIGRATE_ON_START: 'true' })))).toBe(
      MIGRATION_COUNT,
    );
    const newFile = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'otfu-new-')), 'data/app.db')).href;
    expect(await migrationsOf(track(await startServer({ DATABASE_URL: newFile, MIGRATE_ON_START: 'true' })))).toBe(
      MIGRATION_COUNT,
    );
  }, 60_000);
});

describe('npm run smoke', () => {
  it('passes against the running built server: health, an article, and a member signed in and out again', async () => {
    const database = freshDatabaseFile();
    const server = track(await startMemberServer(database.url));
    const sql = testClient(database.url);
    await signedUpMember(() => server.url, sql, 'smoke@example.com');
    const sessions = async () => Number((await sql.execute('SELECT count(*) AS n FROM sessions')).rows[0]!['n']);
    const before = await sessions();

    const result = await run('npm', ['run', 'smoke', '--', server.url], {
      SMOKE_EMAIL: 'smoke@example.com',
      SMOKE_PASSWORD: PASSWORD,
    });
    expect(result.output).toMatch(/^ok {4}\/healthz: database ok, \d+ migrations$/m);
    expect(result.output).toMatch(/^ok {4}article \/articles\/[a-z0-9-]+: ".+", \d+ KiB$/m);
    expect(result.output).toMatch(/^ok {4}signed in as smoke@example\.com: \/account shows the member; signed out$/m);
    expect(result.output).toContain('Smoke check passed.');
    expect(result.code).toBe(0);
    // The check's own session was ended.
    expect(await sessions()).toBe(before);

    const withoutMember = await smoke(server.url);
    expect(withoutMember.output).toMatch(/^skip {2}signed-in page: set SMOKE_EMAIL and SMOKE_PASSWORD/m);
    expect(withoutMember.code).toBe(0);

    const wrongPassword = await smoke(server.url, {
      SMOKE_EMAIL: 'smoke@example.com',
      SMOKE_PASSWORD: 'not it at all',
    });
    expect(wrongPassword.output).toMatch(
      /^FAIL {2}signed-in page: sign-in as smoke@example\.com refused \(401\): That email and password do not match/m,
    );
    expect(wrongPassword.output).toContain('Smoke check FAILED: 1 of 3 checks.');
    expect(wrongPassword.code).toBe(1);
    sql.close();
  }, 120_000);

  it('fails with a line per check against a site answering 503, or an address where nothing answers', async () => {
    const down: Server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const downUrl = `http://127.0.0.1:${(down.address() as { port: number }).port}`;
    const unavailable = await smoke(downUrl, { SMOKE_EMAIL: 'smoke@example.com', SMOKE_PASSWORD: PASSWORD });
    expect(unavailable.output).toMatch(/^FAIL {2}health: \/healthz answered 503, not 200: Service Unavailable$/m);
    expect(unavailable.output).toMatch(/^FAIL {2}article: \/articles answered 503, not 200/m);
    expect(unavailable.output).toMatch(/^FAIL {2}signed-in page: sign-in as smoke@example\.com refused \(503\)/m);
    expect(unavailable.code).toBe(1);
    await new Promise((resolve) => down.close(resolve));

    // The same port, now closed: nothing answers there.
    const nothing = await smoke(downUrl);
    expect(nothing.output).toMatch(
      new RegExp(`^FAIL {2}health: could not reach ${downUrl}: fetch failed \\(.*ECONNREFUSED`, 'm'),
    );
    expect(nothing.output).toContain('Smoke check FAILED: 2 of 3 checks.');
    expect(nothing.code).toBe(1);

    const noAddress = await run(process.execPath, ['scripts/smoke.ts']);
    expect(noAddress.output).toContain('Usage: npm run smoke -- <base-url>');
    expect(noAddress.code).toBe(2);
  }, 60_000);
});

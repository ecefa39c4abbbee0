/**
 * Fuzzing through HTTP on the built server. Every Astro Action and every route that takes input
 * gets generated bad input: wrong types, ~100 kB and ~2 MB strings, unicode edge cases (lone
 * surrogates, bidi overrides, zero-width characters, NUL, emoji, combining marks, long lines),
 * missing, repeated and array-shaped fields, numbers out of range, SQL and script payloads, other
 * members' ids, wrong content types, malformed, empty and oversized bodies, files where text is
 * expected, forged and stale session cookies, and raw request heads. Every route also gets odd,
 * lowercase and junk methods and malformed Host headers; every server island its props and slots
 * left out, cut short, swapped or junk; every query parameter a page reads junk, impossible dates,
 * long, repeated and array-shaped values. It is sent as a member (A), the coach, a visitor and a
 * forged cookie. Two invariants hold for every request: the answer is never a server error (and
 * the server logs none), and nothing that belongs to another member (B) changes; and a server
 * island refused says why.
 *
 * The targets are read from the source (src/actions/*.ts, src/pages and the query parameters its
 * pages read, the server islands) and the database's tables, so an action, a route, a parameter,
 * an island or a table added without a row here fails the first tests. Inputs come from
 * fast-check with a fixed seed; FUZZ_SEED=<n> tries another, and a failure names the seed.
 * About 8,000 requests, 30 to 40 seconds.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { CROSS_SITE_ALLOWED } from '../../src/lib/http/csrf.ts';
import { bodyLimit } from '../../src/lib/http/request-body.ts';
import { createSession, invalidateSession } from '../../src/lib/auth/session.server.ts';
import { signToken } from '../../src/lib/auth/tokens.server.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.ts';
import { Webhook } from 'standardwebhooks';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';
import {
  errorLines,
  startMemberServer,
  stripeEnv,
  TEST_APP_SECRET,
  type RunningServer,
} from '../setup/built-server.ts';
import { Browser, PASSWORD, signedUpMember } from '../setup/http-browser.ts';
import { actionsInSource, routesInSource, serverIslandsInSource } from '../setup/source-inventory.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_514);
const WEBHOOK_SECRET = 'whsec_local_test_secret_for_the_fuzzer';
const RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from('the fuzzer’s Resend webhook key!').toString('base64')}`;
/** Resend's signature of a body, as its webhook sends it. */
const resendSignature = (id: string, at: Date, body: string) => new Webhook(RESEND_WEBHOOK_SECRET).sign(id, at, body);
const SLUG = 'thank-you-note-within-24-hours';
/** The subject of B's draft sent for review: never on a page A is shown. */
const B_DRAFT = 'B’s private draft for the coach';
const PREMIUM_SLUG = 'final-round-follow-up-playbook';
/** Generated requests per action (twice that for file uploads) and per route. */
const ACTION_RUNS = 100;
const ROUTE_RUNS = 40;

let server: RunningServer;
let fake: FakeStripe;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const db = openDatabase({ url: database.url });
const base = () => server.url;

// ---------------------------------------------------------------------------------------------
// Who sends, and the ids they know
// ---------------------------------------------------------------------------------------------

/** member: A, who fuzzes; coach; spare: D, whom the coach's levers may change; visitor; forged cookie. */
type Who = 'member' | 'coach' | 'spare' | 'visitor' | 'forged';

interface Ids {
  a: { id: string; email: string; entry: string; spare: string; touch: string; comment: string; review: string };
  b: { id: string; email: string; session: string; entry: string; touch: string; comment: string; review: string };
  coach: { id: string; email: string };
  d: { id: string; email: string; comment: string };
  /** A session token whose session has ended. */
  stale: string;
}

let ids: Ids;
/** B's rows before any fuzzing. */
let before: string;
const browsers = new Map<'member' | 'coach' | 'spare', { browser: Browser; userId: string }>();

const rows = async (query: string, args: Record<string, string> | string[] = []) =>
  (await sql.execute({ sql: query, args })).rows;
const value = async (query: string, args: string[] = []) => String((await rows(query, args))[0]?.[0]);

function yesterday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() - 86_400_000));
}

async function addInterview(browser: Browser, company = 'Northwind Labs'): Promise<string> {
  const response = await browser.post('/tracker/new?_action=tracker.create', {
    kind: 'interview',
    company,
    roleTitle: 'Product Designer',
    contactName: 'Priya Shah',
    contactEmail: 'priya@northwind.example',
    happenedOn: yesterday(),
    happenedAt: '14:00',
    specificDetail: 'design critiques across time zones',
  });
  expect(response.status).toBe(303);
  return /^\/tracker\/o\/([^?]+)/.exec(response.headers.get('location')!)![1]!;
}

async function markSent(browser: Browser, entry: string): Promise<string> {
  const response = await browser.post(`/tracker/o/${entry}?_action=tracker.markSent`, {
    opportunityId: entry,
    step: 'thank-you',
    subject: 'Thank you, Priya',
    body: 'Hi Priya,\n\nThank you for the conversation.\n\nSam',
  });
  expect(response.status).toBe(303);
  return value('SELECT id FROM touches WHERE opportunity_id = ? ORDER BY created_at DESC LIMIT 1', [entry]);
}

async function postComment(browser: Browser, body: string): Promise<string> {
  const response = await browser.post(`/articles/${SLUG}/comments?_action=comments.post`, {
    slug: SLUG,
    body,
    notifyChoice: '1',
    notifyReplies: 'on',
  });
  expect(response.status).toBe(303);
  return response.headers.get('location')!.split('#c-')[1]!;
}

async function requestReview(browser: Browser, entry: string, subject = 'Thank you, Priya'): Promise<string> {
  const response = await browser.post(`/tracker/o/${entry}?_action=reviews.request`, {
    opportunityId: entry,
    step: 'thank-you',
    subject,
    body: 'Hi Priya,\n\nThank you for the conversation.\n\nSam',
    note: 'Too long?',
  });
  expect(response.status).toBe(303);
  return value("SELECT id FROM draft_reviews WHERE opportunity_id = ? AND status = 'pending'", [entry]);
}

/** A member who paid through the fake Stripe's Checkout: Coaching is theirs. */
async function payingMember(email: string): Promise<Browser> {
  const browser = await signedUpMember(base, sql, email);
  const checkout = await browser.post('/pricing?_action=billing.checkout', { interval: 'month' });
  expect(checkout.status).toBe(303);
  await fake.completeCheckout(checkout.headers.get('location')!.split('/').at(-1)!);
  expect(
    await value('SELECT status FROM entitlements WHERE user_id = (SELECT id FROM users WHERE email = ?)', [email]),
  ).toBe('active');
  return browser;
}

beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  server = await startMemberServer(database.url, {
    ...stripeEnv(fake, WEBHOOK_SECRET),
    RESEND_WEBHOOK_SECRET,
  });
  fake.webhookUrl = `${server.url}/api/stripe/webhook`;

  // The coach, with a comment nobody fuzzes: B likes and reports it.
  const coach = await signedUpMember(base, sql, 'fuzz-coach@example.com');
  await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'fuzz-coach@example.com'");
  const coachComment = await postComment(coach, 'The coach’s own comment.');

  // B: a lead first (confirmed), then a paying member with an entry, a touch, a comment, a like, a
  // report, a review waiting for the coach, a calendar feed and settings of their own.
  const bEmail = 'fuzz-b@example.com';
  const reader = new Browser(base);
  const capture = await reader.post('/cheat-sheet?_action=leads.capture', { email: bEmail, consent: 'on' });
  expect(capture.status).toBe(303);
  const mail = await value('SELECT text FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1', [bEmail]);
  expect((await reader.get(/\/cheat-sheet\/confirm\?token=[\w-]+/.exec(mail)![0])).status).toBe(200);
  const b = await payingMember(bEmail);
  const profile = await b.post('/account?_action=account.updateProfile', {
    name: 'Bea Bee',
    timeZone: 'America/New_York',
    emailReplies: 'on',
  });
  expect(profile.status).toBe(200);
  const bEntry = await addInterview(b, 'B Corp');
  const bTouch = await markSent(b, bEntry);
  const bComment = await postComment(b, 'B was here, and this is B’s comment.');
  const bReview = await requestReview(b, bEntry, B_DRAFT);
  expect((await b.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'on' })).status).toBe(200);
  const discussion = `/articles/${SLUG}/comments`;
  expect((await b.post(`${discussion}?_action=comments.like`, { id: coachComment })).status).toBe(303);
  const report = { id: coachComment, reason: 'other', note: 'B’s report.' };
  expect((await b.post(`${discussion}?_action=comments.report`, report)).status).toBe(303);
  const d = await signedUpMember(base, sql, 'fuzz-d@example.com');
  const dComment = await postComment(d, 'D’s comment, for the coach to moderate.');

  const a = await payingMember('fuzz-a@example.com');
  const aEntry = await addInterview(a);
  const aSpare = await addInterview(a, 'Spare Inc');
  const aTouch = await markSent(a, aEntry);
  const aComment = await postComment(a, 'A’s own comment.');
  const aReview = await requestReview(a, aEntry);

  const userId = (email: string) => value('SELECT id FROM users WHERE email = ?', [email]);
  const ended = await createSession(db, await userId('fuzz-d@example.com'), 'fuzz');
  await invalidateSession(db, ended.session.id);
  ids = {
    a: {
      id: await userId('fuzz-a@example.com'),
      email: 'fuzz-a@example.com',
      entry: aEntry,
      spare: aSpare,
      touch: aTouch,
      comment: aComment,
      review: aReview,
    },
    b: {
      id: await userId(bEmail),
      email: bEmail,
      session: b.cookie.replace(/^session=/, '').split('.')[0]!,
      entry: bEntry,
      touch: bTouch,
      comment: bComment,
      review: bReview,
    },
    coach: { id: await userId('fuzz-coach@example.com'), email: 'fuzz-coach@example.com' },
    d: { id: await userId('fuzz-d@example.com'), email: 'fuzz-d@example.com', comment: dComment },
    stale: ended.token,
  };
  browsers.set('member', { browser: a, userId: ids.a.id });
  browsers.set('coach', { browser: coach, userId: ids.coach.id });
  browsers.set('spare', { browser: d, userId: ids.d.id });
  before = await snapshotOf(ids.b.id, ids.b.email);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await fake?.close();
  sql.close();
  db.$client.close();
});

// ---------------------------------------------------------------------------------------------
// What fuzz values look like
// ---------------------------------------------------------------------------------------------

const NASTY = [
  '',
  ' ',
  '\t\r\n',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(64),
  '\uD800',
  '\uDFFF',
  'x\uD83Dy',
  '\uDC00\uD800',
  '\u202Egnp.exe\u202C',
  '\u2066\u2067\u2068\u2069',
  '\u200B\u200C\u200D\u2060\uFEFF',
  '🙂',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Z\u0351\u0352\u0353\u0354\u0355\u0356'.repeat(30),
  'İıßǄﷺ',
  '١٢٣',
  "' OR 1=1 --",
  '" OR ""="',
  '"; DROP TABLE users; --',
  "1'; DELETE FROM sessions WHERE '1'='1",
  "' UNION SELECT password_hash FROM users --",
  '%',
  '%_%',
  '\\',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  'true',
  '[]',
  '{}',
  '[object Object]',
  '0',
  '-0',
  '-1',
  '1e309',
  '9007199254740993',
  '-9007199254740993',
  '0x1F',
  '../../../../etc/passwd',
  'file:///etc/passwd',
  'javascript:alert(1)',
  '//evil.example',
  '\\\\evil.example',
  '${7*7}',
  '{{7*7}}',
  '=HYPERLINK("http://evil.example")',
  'a@b',
  '@',
  `${'x'.repeat(250)}@example.com`,
  ' UPPER@EXAMPLE.COM ',
  'a@b.c\r\nBcc: victim@example.com',
  'someone@mailinator.com',
  '2026-02-30',
  '0000-01-01',
  '9999-12-31',
  '2026-13-01',
  '+275760-09-13',
  '24:00',
  '23:60',
];

/** Already percent-encoded: bytes that are not UTF-8, broken escapes, separators. */
const RAW_ENCODED = [
  '%FF%FE',
  '%C0%AF',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '%%',
  '%G1',
  '%00',
  '%F4%90%80%80',
  '+',
  '&&=',
  '==',
];

/** ~100 kB each, under the 1 MB limit: too long for every field, but a body the server must read. */
const LARGE = [
  'a'.repeat(100_000),
  '🙂'.repeat(25_000),
  'word '.repeat(20_000),
  `line\n`.repeat(20_000),
  `e${'\u0301'.repeat(50_000)}`,
  '\u202E'.repeat(33_000),
];
/** ~2 MB: every body carrying it is over the limit. */

/** A file part: its contents are kept as generated, so a failure can show them. */
type FileValue = { content: string | Uint8Array<ArrayBuffer>; filename: string };
type Value = string | { raw: string } | FileValue;
type Entry = [string, Value];

const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String) },
  { weight: 2, arbitrary: fc.constantFrom(...XSS_PAYLOADS.map((payload) => payload.body)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)) },
  { weight: 1, arbitrary: fc.constantFrom(...LARGE) },
);

const fileValue: fc.Arbitrary<FileValue> = fc
  .tuple(
    fc.oneof(
      junkText,
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => new Uint8Array(bytes)),
      fc.constant(''),
      fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    ),
    fc.constantFrom('x.csv', 'x.json', '', '../../etc/passwd', 'a"b.csv', '🙂.csv', 'x'.repeat(300)),
  )
  .map(([content, filename]) => ({ content, filename }));

const junkValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 12, arbitrary: junkText },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_ENCODED).map((raw) => ({ raw })) },
);

const EXTRA_NAMES = [
  '_action',
  '_astroAction',
  '__proto__',
  'constructor',
  '__proto__.isAdmin',
  'constructor.prototype.isAdmin',
  'userId',
  'role',
  'id',
  '',
  'a'.repeat(1000),
  '\u0000',
  '🙂',
];

/** Form entries for an action: each field plausible, junk, missing, repeated, array-shaped or a file. */
function entriesFor(fields: Record<string, string[]>, file?: fc.Arbitrary<string>): fc.Arbitrary<Entry[]> {
  const perField: fc.Arbitrary<Entry[]>[] = Object.entries(fields).map(([name, plausible]) => {
    const one: fc.Arbitrary<Value> =
      plausible.length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...plausible) }, { weight: 2, arbitrary: junkValue })
        : junkValue;
    return fc.oneof(
      { weight: 8, arbitrary: one.map((v): Entry[] => [[name, v]]) },
      { weight: 1, arbitrary: fc.constant<Entry[]>([]) },
      {
        weight: 1,
        arbitrary: fc.array(one, { minLength: 2, maxLength: 4 }).map((vs) => vs.map((v): Entry => [name, v])),
      },
      {
        weight: 1,
        arbitrary: one.map((v): Entry[] => [
          [`${name}[]`, v],
          [`${name}[0]`, v],
        ]),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('.x', '.__proto__', '[x]', ' ').map((end): Entry[] => [[name + end, 'x']]),
      },
      { weight: 1, arbitrary: fileValue.map((f): Entry[] => [[name, f]]) },
    );
  });
  if (file) {
    perField.push(
      fc.oneof(
        { weight: 6, arbitrary: file.map((content): Entry[] => [['file', { content, filename: 'upload' }]]) },
        { weight: 1, arbitrary: fileValue.map((f): Entry[] => [['file', f]]) },
        { weight: 1, arbitrary: junkValue.map((v): Entry[] => [['file', v]]) },
        { weight: 1, arbitrary: fc.constant<Entry[]>([]) },
      ),
    );
  }
  const extra = fc.array(fc.tuple(fc.constantFrom(...EXTRA_NAMES), junkValue), { maxLength: 2 });
  return fc.tuple(fc.tuple(...perField), extra).map(([fieldEntries, extras]) => [...fieldEntries.flat(), ...extras]);
}

/** Percent-encoding that also sends lone surrogates, as the bytes a browser never would (WTF-8). */
function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    let out = '';
    for (const char of text) {
      const code = char.codePointAt(0)!;
      out +=
        code >= 0xd800 && code <= 0xdfff
          ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
              .map((byte) => `%${byte.toString(16).toUpperCase()}`)
              .join('')
          : encodeURIComponent(char);
    }
    return out;
  }
}

const encodeValue = (v: Value) =>
  typeof v === 'string' ? encodeComponent(v) : 'raw' in v ? v.raw : encodeComponent(v.filename);
const urlEncoded = (entries: Entry[]) =>
  entries.map(([name, v]) => `${encodeComponent(name)}=${encodeValue(v)}`).join('&');

function multipart(entries: Entry[]): FormData {
  const form = new FormData();
  for (const [name, v] of entries) {
    if (typeof v === 'string') form.append(name, v);
    else if ('raw' in v) form.append(name, v.raw);
    else form.append(name, new Blob([v.content]), v.filename);
  }
  return form;
}

/** The entries as a JSON object: repeated names become arrays, files their names. */
function jsonOf(entries: Entry[]): string {
  const object: Record<string, unknown> = {};
  for (const [name, v] of entries) {
    const plain = typeof v === 'string' ? v : 'raw' in v ? v.raw : v.filename;
    object[name] = name in object ? [object[name], plain].flat() : plain;
  }
  return JSON.stringify(object);
}

const describeValue = (v: Value) =>
  typeof v === 'string'
    ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…(${v.length})` : v)
    : 'raw' in v
      ? `raw(${v.raw})`
      : `file(${JSON.stringify(v.filename.slice(0, 20))}, ${
          typeof v.content === 'string' ? JSON.stringify(v.content.slice(0, 400)) : `${v.content.length} bytes`
        })`;
const describeEntries = (entries: Entry[]) =>
  entries.map(([name, v]) => `${name.slice(0, 30)}=${describeValue(v)}`).join(' ');

// ---------------------------------------------------------------------------------------------
// Requests, answers and what counts as a failure
// ---------------------------------------------------------------------------------------------

interface Probe {
  label: string;
  who: Who;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Made when sent: a stream is read once. */
  body?: () => BodyInit;
  describe?: string;
  /** Statuses that are right here; without it, anything but a 5xx. */
  expect?: readonly number[];
  /** A 4xx here must say why: its body may not be empty. */
  needsMessage?: true;
  /**
   * An oversized upload: the server may answer and close before the client has sent it all, and the
   * client may then see its connection reset rather than the answer. Sent again once if so.
   */
  oversized?: true;
  /**
   * A request head near or over Node's 16 KiB limit: Node answers 431 and closes, and a client still
   * sending a body may see its connection reset instead.
   */
  hugeHead?: true;
  /** A page's form: a refusal comes back as that page, in the site's layout, saying what happened. */
  inLayout?: true;
}

const statuses = new Map<number, number>();
let sent = 0;
const startedAt = Date.now();
let visitorNumber = 0;

/** Every visitor request comes from a new network, so per-address limits leave validation reachable. */
const nextVisitorIp = () => {
  const n = ++visitorNumber;
  return n % 2 ? `203.0.113.${(n % 250) + 1}` : `2001:db8:${(n % 65_000).toString(16)}::${(n % 250) + 1}`;
};

async function browserFor(who: Who): Promise<Browser> {
  if (who === 'visitor' || who === 'forged') return new Browser(base);
  const entry = browsers.get(who)!;
  // Fuzzing signs out, revokes sessions: a new session is made directly, as e2e fixtures do.
  if (!entry.browser.cookie) entry.browser.cookie = `session=${(await createSession(db, entry.userId, 'fuzz')).token}`;
  return entry.browser;
}

async function send(probe: Probe, problems: string[], attempt = 1): Promise<number> {
  const browser = await browserFor(probe.who);
  const headers: Record<string, string> = { ...probe.headers };
  if (probe.who === 'visitor' || probe.who === 'forged') headers['x-forwarded-for'] ??= nextVisitorIp();
  let status = 0;
  let text = '';
  try {
    const response = await browser.send(probe.path, {
      method: probe.method,
      headers,
      ...(probe.body ? { body: probe.body() } : {}),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (probe.oversized && attempt === 1) return send(probe, problems, 2);
    text = String((error as Error & { cause?: unknown }).cause ?? error);
  }
  sent += 1;
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  // Node answers a head over its limit (431) itself, before the app sees the request.
  const silent = !!probe.needsMessage && status >= 400 && status < 500 && status !== 431 && text.trim() === '';
  const wrong = status === 0 ? !probe.hugeHead : probe.expect ? !probe.expect.includes(status) : status >= 500;
  const bare =
    !!probe.inLayout &&
    status >= 400 &&
    !(text.includes('<main id="main"') && /larger than this site accepts|That file is over/.test(text));
  if (wrong || silent || bare) {
    problems.push(
      `${probe.label} as ${probe.who}: ${probe.method} ${probe.path.slice(0, 160)} ${probe.describe?.slice(0, 300) ?? ''}` +
        ` → ${status}${probe.expect ? ` (expected ${probe.expect.join('/')})` : ''}${silent ? ' without a message' : ''}${bare ? ' outside the site layout' : ''}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`,
    );
  }
  return status;
}

/** Sends the probes a few at a time (the machine has two cores); returns the problems found. */
async function sendAll(probes: Probe[], concurrency = 3): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < probes.length) await send(probes[next++]!, problems);
    }),
  );
  return problems;
}

const seedNote = (offset: number) =>
  `fuzz seed ${SEED} (+${offset}); rerun with FUZZ_SEED=${SEED} npx vitest run tests/integration/fuzz-http.test.ts`;
const sample = <T>(arbitrary: fc.Arbitrary<T>, offset: number, runs: number) =>
  fc.sample(arbitrary, { seed: SEED + offset, numRuns: runs });

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

interface ActionSpec {
  /** Whom the form is for; the others are fuzzed too, less often. */
  who: 'member' | 'coach' | 'visitor';
  /** The page whose form posts it. */
  page: (ids: Ids) => string;
  /** Each field the form sends, with values a real form or a curious member could send. */
  fields: (ids: Ids) => Record<string, string[]>;
  /** The contents of its file field, when it takes a file. */
  file?: fc.Arbitrary<string>;
  /** Identities beyond `who` that use it for real (member-keyed limits are per identity). */
  alsoAs?: Who[];
}

/** The newsletter editor's form (src/pages/coach/email/[id].astro). */
const newsletterFields = () => ({
  id: ['', 'no-such-email'],
  subject: ['News from the coach', ''],
  preview: ['A line', ''],
  body: ['## Hello\n\nRead [this](https://example.com).', '<script>alert(1)</script>', '[x](javascript:alert(1))'],
  audienceKind: ['everyone', 'leads', 'members', 'coaching', 'nobody'],
  audienceArticle: [SLUG, '', '../x'],
  audienceTag: ['', 'Networking'],
  audienceFrom: ['', '2026-01-01', '2026-02-30'],
  audienceTo: ['', '2026-12-31'],
});
/** The seeded steps of the cheat-sheet sequence, and one that is not there. */
const STEP_IDS = ['cheat-sheet', 'thank-you-in-practice', 'track-your-follow-ups', 'no-such-step'] as const;
const TIME_ZONES = ['Europe/Paris', 'UTC', 'America/New_York', 'Mars/Olympus', 'europe/paris', 'Etc/GMT+14'];
const DATES = () => [yesterday(), '', '2019-05-01', '2030-01-01', '1999-12-31'];
const STEPS = ['thank-you', 'first-check-in', 'offer-value', '', 'launch-missiles'];
const opportunityFields = {
  kind: ['interview', 'networking', 'Interview'],
  company: ['Northwind Labs', 'Independent'],
  roleTitle: ['Designer', ''],
  contactName: ['Priya Shah'],
  contactRole: ['Lead'],
  contactEmail: ['priya@northwind.example', '', 'not-an-address'],
  notes: ['Met at the fair.'],
};
const conversationFields = () => ({
  happenedOn: DATES(),
  happenedAt: ['14:00', '', '7:5'],
  decisionBy: DATES(),
  timingNote: ['two weeks'],
  specificDetail: ['design critiques'],
  valueIdea: ['an article'],
  confirmDates: ['on', 'yes'],
});
/** Ids a member may put in a form: their own, B's, D's and made-up ones. */
const entryIds = (i: Ids) => [i.a.entry, i.b.entry, 'no-such-entry', '0'];
const commentIds = (i: Ids) => [i.a.comment, i.b.comment, i.d.comment, 'no-such-comment'];

const csvFile: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      'kind,company,role_title,contact_name,contact_role,contact_email,stage,conversation_date,conversation_time,decision_by,timing_note,specific_detail,value_idea,notes',
      'kind,company,contact_name,conversation_date',
      '\uFEFFkind;company;contact_name',
      '',
      '"unbalanced,header',
    ),
    fc.array(
      fc.array(
        fc.oneof(
          fc.constantFrom(
            'interview',
            'networking',
            'Acme',
            'Ann',
            yesterday(),
            '14:00',
            'open',
            '"',
            '""',
            '"a,b"',
            '=1+1',
          ),
          junkText,
        ),
        { maxLength: 16 },
      ),
      { maxLength: 30 },
    ),
    fc.constantFrom('\n', '\r\n', '\r'),
  )
  .map(([header, lines, newline]) => [header, ...lines.map((cells) => cells.join(','))].join(newline));

/** Mostly a plausible value, sometimes junk: files get past their first check often enough. */
const mostly = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: plausible }, { weight: 1, arbitrary: junkText });

/**
 * Comment exports as the coach imports them. Ids come from a small pool of the file's own (new to
 * the site), so some repeat within a file; parents are picked from the same pool.
 */
const commentsFile: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.nat().chain((file) => {
      const own = fc.constantFrom(1, 2, 3).map((n) => `import-${file}-${n}`);
      return fc
        .record({
          format: fc.constantFrom('own-the-follow-up/comments@1', 'own-the-follow-up/comments@1', 'comments@2'),
          comments: fc.array(
            fc.record(
              {
                id: mostly(own),
                articleSlug: mostly(fc.constant(SLUG)),
                parentId: mostly(fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: own })),
                authorEmail: fc.oneof(fc.constant(null), fc.constantFrom('fuzz-d@example.com', 'nobody@example.com')),
                body: mostly(fc.constant('An imported comment.')),
                status: mostly(fc.constantFrom('published', 'held', 'hidden', 'deleted')),
                likeCount: fc.oneof(
                  { weight: 5, arbitrary: fc.nat(1000) },
                  { weight: 1, arbitrary: fc.constantFrom<unknown>(-5, 2_000_000, 1.5, '3', null) },
                ),
                createdAt: mostly(fc.constant('2026-01-02T03:04:05.000Z')),
                editedAt: mostly(fc.constant(null)),
              },
              { requiredKeys: ['id', 'articleSlug', 'body', 'status', 'createdAt'] },
            ),
            { maxLength: 6 },
          ),
        })
        .map((content) => JSON.stringify(content));
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => JSON.stringify(json)) },
  { weight: 1, arbitrary: fc.constantFrom('{"format":', '', '\uFEFF{}', 'null') },
);

const ACTIONS: Record<string, ActionSpec> = {
  'account.updateProfile': {
    who: 'member',
    page: () => '/account',
    fields: () => ({
      name: ['Sam', ''],
      timeZone: TIME_ZONES,
      emailReminders: ['on', 'off'],
      emailReplies: ['on'],
      emailCoach: ['on'],
      emailSequence: ['on', 'off'],
    }),
  },
  'account.changePassword': {
    who: 'member',
    // Never A's real password: a changed one is harmless, but keep A signed in with what it has.
    page: () => '/account',
    fields: () => ({
      current: ['not the password at all'],
      password: ['a new phrase long enough', 'short'],
      confirm: ['a new phrase long enough'],
    }),
  },
  'account.revokeSession': {
    who: 'member',
    page: () => '/account',
    fields: (i) => ({ sessionId: [i.b.session, 'abcdefgh', 'ABC'] }),
  },
  'account.revokeOtherSessions': { who: 'member', page: () => '/account', fields: () => ({}) },
  'account.deleteAccount': {
    // Never A's real password: A stays to fuzz the rest.
    who: 'member',
    page: () => '/account',
    fields: () => ({ password: ['not the password at all'], confirmText: ['DELETE', 'delete', ''] }),
  },
  'auth.signup': {
    who: 'visitor',
    page: () => '/signup',
    fields: (i) => ({
      name: ['Sam'],
      email: ['fresh@example.com', i.b.email, 'not-an-email'],
      password: [PASSWORD, i.b.email],
      timeZone: TIME_ZONES,
      campaign: ['b-x', 's-cheat-sheet', 'spring-sale', '<b>x</b>'],
    }),
  },
  'auth.login': {
    who: 'visitor',
    page: () => '/login',
    fields: (i) => ({
      email: [i.b.email, i.a.email, 'nobody@example.com'],
      password: ['not the password at all'],
      next: ['/account', '//evil.example', 'javascript:alert(1)', '/\\evil.example'],
    }),
  },
  'auth.logout': { who: 'member', page: () => '/logout', fields: () => ({}) },
  'auth.forgotPassword': {
    who: 'visitor',
    page: () => '/auth/forgot',
    fields: (i) => ({ email: [i.b.email, 'nobody@example.com'] }),
  },
  'auth.loginLink': { who: 'visitor', page: () => '/login', fields: (i) => ({ email: [i.b.email, 'x@example.com'] }) },
  'auth.resetPassword': {
    who: 'visitor',
    page: () => '/auth/reset?token=not-a-token',
    fields: () => ({ token: ['not-a-token', ''], password: [PASSWORD], confirm: [PASSWORD, 'other'] }),
  },
  'billing.checkout': {
    who: 'member',
    page: () => '/pricing',
    fields: () => ({ interval: ['month', 'year', 'week'] }),
  },
  'billing.portal': { who: 'member', page: () => '/account', fields: () => ({}) },
  'billing.setLimits': {
    who: 'coach',
    page: () => '/coach',
    fields: () => ({ reminders: ['on', 'off'], calendar: ['on', ''] }),
  },
  'coach.setRole': {
    // Never A: a member made coach would then moderate B for real.
    who: 'coach',
    page: (i) => `/coach/members/${i.d.id}`,
    fields: (i) => ({ userId: [i.d.id, i.coach.id, 'no-such-user'], role: ['member', 'coach', 'admin'] }),
  },
  'coach.deleteLead': {
    // Only ids of no lead: B's lead is B's to keep, and deleting it is the coach's right, not a bug.
    who: 'coach',
    page: () => '/coach/leads',
    fields: () => ({ leadId: ['no-such-lead', ''] }),
  },
  'newsletter.save': {
    who: 'coach',
    page: () => '/coach/email/new',
    fields: () => newsletterFields(),
  },
  'newsletter.preview': {
    who: 'coach',
    page: () => '/coach/email/new',
    fields: () => newsletterFields(),
  },
  'newsletter.sendTest': {
    // A test goes to the coach alone.
    who: 'coach',
    page: () => '/coach/email/new',
    fields: () => newsletterFields(),
  },
  'newsletter.schedule': {
    // Ids of no broadcast: a broadcast really scheduled would be queued to B, which is its purpose.
    who: 'coach',
    page: () => '/coach/email/no-such-email',
    fields: () => ({ ...newsletterFields(), id: ['no-such-email'], date: DATES(), time: ['09:30', '25:00', ''] }),
  },
  'newsletter.sendNow': {
    who: 'coach',
    page: () => '/coach/email/no-such-email',
    fields: () => ({ ...newsletterFields(), id: ['no-such-email'] }),
  },
  'newsletter.unschedule': {
    who: 'coach',
    page: () => '/coach/email',
    fields: () => ({ id: ['no-such-email', ''] }),
  },
  'newsletter.draftAnnouncement': {
    who: 'coach',
    page: () => '/coach/email',
    fields: () => ({ article: [SLUG, 'no-such-article', ''] }),
  },
  'newsletter.setSender': {
    who: 'coach',
    page: () => '/coach/email/settings',
    fields: () => ({ postalAddress: ['12 Harbour Street, Leith', ''], footerNote: ['Written by the coach.', ''] }),
  },
  'comments.post': {
    who: 'member',
    page: () => `/articles/${SLUG}/comments`,
    fields: (i) => ({
      slug: [SLUG, PREMIUM_SLUG, 'no-such-article'],
      parentId: [i.b.comment, i.a.comment, 'no-such-comment', ''],
      body: ['A thoughtful comment.'],
      website: ['', 'http://spam.example'],
      notifyChoice: ['1'],
      notifyReplies: ['on'],
      back: ['article', 'comments'],
    }),
  },
  'comments.edit': {
    who: 'member',
    page: () => `/articles/${SLUG}/comments`,
    fields: (i) => ({ id: commentIds(i), body: ['Edited.'] }),
  },
  'comments.remove': {
    who: 'member',
    page: () => `/articles/${SLUG}/comments`,
    fields: (i) => ({ id: [i.b.comment, i.d.comment, 'no-such-comment'] }),
  },
  'comments.like': {
    who: 'member',
    page: () => `/articles/${SLUG}/comments`,
    fields: (i) => ({ id: commentIds(i) }),
  },
  'comments.report': {
    who: 'member',
    page: () => `/articles/${SLUG}/comments`,
    fields: (i) => ({ id: commentIds(i), reason: ['spam', 'abuse', 'off-topic', 'other', 'bogus'], note: ['Rude.'] }),
  },
  'comments.moderate': {
    who: 'coach',
    page: () => '/coach/comments?queue=reported',
    fields: (i) => ({
      id: [i.d.comment, i.a.comment, 'no-such-comment'],
      action: ['approve', 'hide', 'restore', 'delete', 'dismiss-reports', 'nuke'],
    }),
  },
  'comments.block': {
    who: 'coach',
    page: () => '/coach/comments?queue=reported',
    fields: (i) => ({
      userId: [i.d.id, i.coach.id, 'no-such-user'],
      blocked: ['true', 'false', 'yes'],
      hidePast: ['on'],
    }),
  },
  'comments.holdFirst': {
    who: 'coach',
    page: () => '/coach/comments?queue=reported',
    fields: () => ({ hold: ['true', 'false', '1'] }),
  },
  'comments.importJson': {
    who: 'coach',
    page: () => '/coach/comments?queue=reported',
    fields: () => ({}),
    file: commentsFile,
  },
  'leads.capture': {
    who: 'visitor',
    page: () => '/cheat-sheet',
    fields: (i) => ({
      email: [i.b.email, 'new-reader@example.com', 'someone@mailinator.com'],
      consent: ['on', 'off'],
      website: ['', 'http://spam.example'],
      sourcePath: [`/articles/${SLUG}`],
      sourceArticle: [SLUG],
      utmSource: ['newsletter'],
      utmMedium: ['email'],
      utmCampaign: ['spring'],
    }),
  },
  'reviews.request': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({
      opportunityId: entryIds(i),
      step: STEPS,
      subject: ['Thank you'],
      body: ['Hi Priya,'],
      note: ['Too long?', ''],
    }),
  },
  'reviews.withdraw': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({ id: [i.b.review, 'no-such-review'] }),
  },
  'sequence.save': {
    who: 'coach',
    page: () => '/coach/email/sequence/thank-you-in-practice',
    fields: () => ({
      id: [...STEP_IDS],
      subject: ['The thank-you note', ''],
      preview: ['', 'One line after the subject'],
      delayDays: ['2', '0', '60', '61', '-1', 'two'],
      bodyMarkdown: [
        'Send it **today**.',
        '<script>alert(1)</script>',
        '[x](javascript:alert(1))',
        '[guide](/articles/x)',
      ],
      forMembers: ['on', '', 'yes'],
    }),
  },
  'sequence.add': { who: 'coach', page: () => '/coach/email/sequence', fields: () => ({}) },
  'sequence.move': {
    who: 'coach',
    page: () => '/coach/email/sequence',
    fields: () => ({ id: [...STEP_IDS], direction: ['up', 'down', 'left'] }),
  },
  'sequence.pause': {
    who: 'coach',
    page: () => '/coach/email/sequence',
    fields: () => ({ id: [...STEP_IDS], paused: ['true', 'false', 'x'] }),
  },
  'reviews.answer': {
    // Never B's review: the coach answering it would change it for real.
    who: 'coach',
    page: (i) => `/coach/reviews/${i.a.review}`,
    fields: (i) => ({
      id: [i.a.review, 'no-such-review'],
      version: ['0', '-1', '1e3', 'NaN', String(Date.now())],
      subject: ['Thank you'],
      body: ['Hi Priya,'],
      comment: ['Shorter.'],
    }),
  },
  'tracker.create': {
    who: 'member',
    page: () => '/tracker/new',
    fields: () => ({ ...opportunityFields, ...conversationFields(), from: ['/tracker', ''] }),
  },
  'tracker.update': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}/edit`,
    fields: (i) => ({ id: entryIds(i), ...opportunityFields }),
  },
  'tracker.addRound': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({ opportunityId: entryIds(i), ...conversationFields() }),
  },
  'tracker.markSent': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({
      opportunityId: entryIds(i),
      step: STEPS,
      subject: ['Thank you'],
      body: ['Hi Priya,'],
      sentOn: DATES(),
      sentAt: ['09:30', ''],
    }),
  },
  'tracker.logReply': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({ opportunityId: entryIds(i), sentOn: DATES(), decisionBy: DATES(), note: ['They will decide.'] }),
  },
  'tracker.undoTouch': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({ touchId: [i.b.touch, i.a.touch, 'no-such-touch'], opportunityId: entryIds(i) }),
  },
  'tracker.setStage': {
    who: 'member',
    page: () => '/tracker/board',
    fields: (i) => ({ id: entryIds(i), stage: ['open', 'offer', 'closed', 'hired'] }),
  },
  'tracker.archive': {
    who: 'member',
    page: (i) => `/tracker/o/${i.a.entry}`,
    fields: (i) => ({ id: entryIds(i), archived: ['true', 'false', 'yes'] }),
  },
  'tracker.remove': {
    // A's spare entry, never the one the other actions work on.
    who: 'member',
    page: (i) => `/tracker/o/${i.a.spare}`,
    fields: (i) => ({ id: [i.a.spare, i.b.entry, 'no-such-entry'], confirm: ['on', 'off'] }),
  },
  'tracker.importFile': {
    // Ten imports an hour per member: the coach and D import too, so more files reach the parser.
    who: 'member',
    page: () => '/tracker/data',
    fields: () => ({}),
    file: csvFile,
    alsoAs: ['coach', 'spare'],
  },
  'tracker.calendarFeed': {
    who: 'member',
    page: () => '/tracker/data',
    fields: () => ({ enable: ['on', 'off', 'maybe'] }),
  },
};

/** The actions in the source: each domain file's `name: defineAction(`, named as index.ts merges them. */

type Encoding =
  | 'form'
  | 'multipart'
  | 'chunked'
  | 'json'
  | 'broken-json'
  | 'text'
  | 'none'
  | 'empty'
  | 'broken-multipart'
  | 'mislabelled';

/** How a body is sent: mostly as the form would (multipart where it takes a file), else wrongly. */
const encodings = (takesFile: boolean) =>
  fc.oneof(
    { weight: takesFile ? 2 : 10, arbitrary: fc.constant<Encoding>('form') },
    { weight: takesFile ? 14 : 4, arbitrary: fc.constant<Encoding>('multipart') },
    {
      weight: 6,
      arbitrary: fc.constantFrom<Encoding>(
        'chunked',
        'json',
        'broken-json',
        'text',
        'none',
        'empty',
        'broken-multipart',
        'mislabelled',
      ),
    },
  );

function bodyOf(
  encoding: Encoding,
  entries: Entry[],
  twist: number,
): { headers: Record<string, string>; body?: () => BodyInit; describe: string } {
  const form = urlEncoded(entries);
  const described = `${encoding}: ${describeEntries(entries)}`;
  const FORM = 'application/x-www-form-urlencoded';
  switch (encoding) {
    case 'form':
      return { headers: { 'content-type': FORM }, body: () => form, describe: described };
    case 'multipart':
      return { headers: {}, body: () => multipart(entries), describe: described };
    case 'chunked': {
      const bytes = new TextEncoder().encode(form);
      const stream = () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, bytes.length >> 1));
            controller.enqueue(bytes.subarray(bytes.length >> 1));
            controller.close();
          },
        });
      return { headers: { 'content-type': FORM }, body: stream, describe: described };
    }
    case 'json':
      return { headers: { 'content-type': 'application/json' }, body: () => jsonOf(entries), describe: described };
    case 'broken-json':
      return {
        headers: { 'content-type': 'application/json' },
        body: () => ['{', '{"a":', jsonOf(entries).slice(0, -1), '\u0000', 'undefined'][twist % 5]!,
        describe: described,
      };
    case 'text':
      return { headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: () => form, describe: described };
    case 'none':
      return { headers: {}, describe: encoding };
    case 'empty':
      return { headers: { 'content-type': FORM }, body: () => '', describe: encoding };
    case 'broken-multipart':
      return {
        headers: {
          'content-type': [
            'multipart/form-data',
            'multipart/form-data; boundary=zzz',
            'multipart/form-data; boundary=',
          ][twist % 3]!,
        },
        body: () => [form, '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end', ''][twist % 3]!,
        describe: described,
      };
    case 'mislabelled':
      return {
        headers: {
          'content-type': [
            'application/x-www-form-urlencoded; charset=utf-16',
            'APPLICATION/X-WWW-FORM-URLENCODED',
            'a/b/c',
            ';;;',
            'text/html',
            'application/json; charset=latin1',
          ][twist % 6]!,
        },
        body: () => form,
        describe: described,
      };
  }
}

/** Pages an action may be posted to without being the page of its form, some of them prerendered. */
const ELSEWHERE = ['/', '/about', '/search', '/tracker/o/no-such-entry', `/articles/${SLUG}/comments`, '/api/views'];
/** Paths that take other sites' posts for their own handler: never for an Action. */
const CROSS_SITE_PATHS = [...CROSS_SITE_ALLOWED];
const PRERENDERED = new Set(['/', '/about']);

function actionProbes(name: string, spec: ActionSpec, i: Ids): fc.Arbitrary<Probe> {
  const owner: Who = spec.who === 'visitor' ? 'visitor' : spec.who;
  const others: Who[] = spec.who === 'coach' ? ['member', 'visitor', 'forged'] : ['visitor', 'forged', 'member'];
  const who = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom<Who>(owner, ...(spec.alsoAs ?? [])) },
    { weight: 3, arbitrary: fc.constantFrom<Who>(...others) },
  );
  const page = spec.page(i);
  const onPage = `${page}${page.includes('?') ? '&' : '?'}_action=${name}`;
  const target = fc.oneof(
    { weight: 8, arbitrary: fc.constant(onPage) },
    { weight: 3, arbitrary: fc.constant(`/_actions/${name}`) },
    { weight: 1, arbitrary: fc.constantFrom(...ELSEWHERE).map((path) => `${path}?_action=${name}`) },
    { weight: 1, arbitrary: fc.constantFrom(...CROSS_SITE_PATHS).map((path) => `${path}?token=x&_action=${name}`) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(`${name}.x`, name.toUpperCase(), `${name}&_action=auth.logout`, name.replace('.', '%2E'), '')
        .map((odd) => `${page}${page.includes('?') ? '&' : '?'}_action=${odd}`),
    },
  );
  const origin: fc.Arbitrary<Record<string, string>> = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: fc.constant({ origin: 'https://evil.example' }) },
    { weight: 1, arbitrary: fc.constant({ origin: 'null' }) },
    { weight: 1, arbitrary: fc.constant({ origin: '', 'sec-fetch-site': 'same-origin' }) },
    { weight: 1, arbitrary: fc.constant({ accept: 'application/json' }) },
  );
  return fc
    .record({
      who,
      target,
      encoding: encodings(!!spec.file),
      entries: entriesFor(spec.fields(i), spec.file),
      origin,
      twist: fc.nat(),
      cookie: forgedCookie(i),
    })
    .map(({ who, target, encoding, entries, origin, twist, cookie }): Probe => {
      const body = bodyOf(encoding, entries, twist);
      const foreign = origin['origin'] === 'https://evil.example' || origin['origin'] === 'null';
      const path = target.split('?')[0]!;
      return {
        label: name,
        who,
        method: 'POST',
        path: target,
        headers: { ...body.headers, ...origin, ...(who === 'forged' ? { cookie } : {}) },
        ...(body.body ? { body: body.body } : {}),
        describe: body.describe,
        // Another site's post is refused before anything reads it, whatever it carries; a
        // prerendered page runs no Action at all.
        ...(foreign ? { expect: PRERENDERED.has(path) ? [403, 404] : [403] } : {}),
      };
    });
}

/** Session cookies nobody was given: B's session id with a wrong secret, an ended one, junk. */
const forgedCookie = (i: Ids): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      `session=${i.b.session}.${'a'.repeat(39)}`,
      `session=${i.b.session}.`,
      `session=${i.stale}`,
      'session=',
      'session=.',
      'session=a.b.c',
      `session=${'x'.repeat(4000)}.y`,
      'session=%00.%00',
      'session=%E0%A4%A',
      'session="quoted.value"',
      'session=a.b; session=c.d',
      'session=__proto__.constructor',
      `session=${i.b.session}.${'a'.repeat(39)}; session=${i.stale}`,
    ),
    fc
      .string({ unit: fc.constantFrom(...'abz27.;=%" -_\\'.split('')), maxLength: 80 })
      .map((text) => `session=${text}`),
  );

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

interface RouteSpec {
  who: Who;
  /** Plausible values of the route's [params]. */
  params?: (ids: Ids) => Record<string, string[]>;
  /** Query parameters it reads, with plausible values. */
  query?: (ids: Ids) => Record<string, string[]>;
  /** Why it takes no input of its own. It is still visited with junk in the query. */
  noInput?: string;
  /** Prerendered: answered from memory; only its path parameters can be junk. */
  prerendered?: true;
  /** Reads its body itself: fuzzed by its own test below as well. */
  rawBody?: true;
}

const TOKEN_LIKE = ['not-a-token', 'a'.repeat(43), '', 'verify.x.0.sig'];

const ROUTES: Record<string, RouteSpec> = {
  '/search': { who: 'visitor', query: () => ({ q: ['follow up', 'thank', '"', '*', 'NEAR(a b)', 'a OR b'] }) },
  '/auth/link': { who: 'visitor', query: () => ({ token: TOKEN_LIKE }) },
  '/auth/forgot': { who: 'visitor', noInput: 'its form is the auth.forgotPassword action' },
  '/auth/reset': { who: 'visitor', query: () => ({ token: TOKEN_LIKE }) },
  '/auth/verify': { who: 'visitor', query: () => ({ token: TOKEN_LIKE }) },
  '/coach/members.csv': {
    who: 'coach',
    query: () => ({ q: ['fuzz', '%', '_'], role: ['coach', 'admin'], plan: ['coaching', 'gold'], source: [SLUG] }),
  },
  '/coach/reviews/[id]': { who: 'coach', params: (i) => ({ id: [i.a.review, 'no-such-review'] }) },
  '/coach/email/sequence': { who: 'coach', query: () => ({ saved: ['moved', 'paused', 'resumed', 'x'] }) },
  '/coach/email/sequence/[id]': {
    who: 'coach',
    params: () => ({ id: [...STEP_IDS] }),
    query: () => ({ saved: ['saved', 'added', 'x'] }),
  },
  '/coach/reviews': { who: 'coach', query: () => ({ queue: ['answered', 'pending', 'x'], saved: ['answered'] }) },
  '/coach/leads': {
    who: 'coach',
    query: () => ({
      status: ['pending', 'confirmed', 'gone'],
      q: ['fuzz', '%', '_'],
      from: ['2026-01-01', '2026-99-99'],
      to: ['2026-12-31', '0000-00-00'],
      article: [SLUG],
      page: ['1', '0', '-1', '99999999999', '1.5'],
      deleted: ['lead', 'member', 'x'],
    }),
  },
  '/coach/members/[id]': {
    who: 'coach',
    params: (i) => ({ id: [i.d.id, i.a.id, 'no-such-user'] }),
    query: () => ({ saved: ['coach', 'member', 'stopped', 'x'] }),
  },
  '/coach/members': {
    who: 'coach',
    query: () => ({
      q: ['fuzz', '%', '_'],
      role: ['coach', 'member', 'admin'],
      plan: ['coaching', 'free', 'gold'],
      source: [SLUG, '../x'],
      page: ['1', '2', '-5', '1e9'],
    }),
  },
  '/coach/email': { who: 'coach', query: () => ({ saved: ['unscheduled', 'x'] }) },
  '/coach/email/settings': { who: 'coach', query: () => ({ saved: ['1', 'x'] }) },
  '/coach/email/[id]': {
    who: 'coach',
    params: () => ({ id: ['new', 'no-such-email'] }),
    query: () => ({ saved: ['saved', 'test', 'scheduled', 'sending', 'unscheduled', 'x'] }),
  },
  '/coach/comments/export.json': { who: 'coach', noInput: 'a download of every comment' },
  '/coach/comments': {
    who: 'coach',
    query: () => ({ queue: ['reported', 'held', 'hidden', 'log', 'x'], saved: ['member'] }),
  },
  '/coach/leads.csv': {
    who: 'coach',
    query: () => ({ status: ['pending', 'x'], q: ['%'], from: ['2026-01-01'], to: ['2026-02-30'], article: [SLUG] }),
  },
  '/coach': {
    who: 'coach',
    query: () => ({
      days: ['7', '30', '90', '365', '-5', '1e9', 'NaN'],
      from: ['2026-01-01', '2026-02-30', '1900-01-01'],
      to: ['2026-03-01', '9999-12-31'],
      saved: ['limits'],
    }),
  },
  '/healthz': { who: 'visitor', noInput: 'reports the database and migrations' },
  '/logout': { who: 'member', noInput: 'its form is the auth.logout action' },
  '/articles/[slug]/comments': {
    who: 'visitor',
    params: () => ({ slug: [SLUG, PREMIUM_SLUG, 'no-such-article'] }),
    query: (i) => ({
      sort: ['top', 'newest', 'x'],
      page: ['1', '2', '0', '-1', '99999'],
      saved: ['posted', 'x'],
      reply: [i.b.comment, 'no-such-comment'],
      report: [i.b.comment, 'x'],
    }),
  },
  '/signup': {
    who: 'visitor',
    query: () => ({ next: ['/pricing', '//evil.example'], utm_campaign: ['b-x', 's-cheat-sheet', 'spring', '"><b>'] }),
  },
  '/dev/mail/[id]': { who: 'visitor', params: () => ({ id: ['1', '0', '-1', '1.5', '99999999999999999999'] }) },
  '/dev/mail': { who: 'visitor', noInput: 'the local mail viewer, loopback only' },
  '/cheat-sheet/confirm': { who: 'visitor', query: () => ({ token: TOKEN_LIKE }) },
  '/cheat-sheet/link-expired': { who: 'visitor', query: () => ({ reason: ['expired', 'invalid'] }) },
  '/cheat-sheet/check-inbox': {
    who: 'visitor',
    noInput: 'where a capture lands after its 303: the same words for everyone',
  },
  '/cheat-sheet/download': {
    who: 'visitor',
    query: () => ({
      token: [
        ...TOKEN_LIKE,
        signToken(TEST_APP_SECRET, 'dl', 'no-such-lead'),
        signToken(TEST_APP_SECRET, 'dl', 'x', new Date(1)),
        `dl.x.${'z'.repeat(30)}.sig`,
      ],
    }),
  },
  '/cheat-sheet': {
    who: 'visitor',
    query: () => ({ utm_source: ['newsletter'], utm_medium: ['email'], utm_campaign: ['spring'] }),
  },
  '/cheat-sheet/first-page-[width].webp': {
    who: 'visitor',
    prerendered: true,
    params: () => ({ width: ['360', '720', '0', '-1', '1e9'] }),
  },
  '/account/export.json': { who: 'member', noInput: 'a download of the member’s own data' },
  '/account': { who: 'member', query: () => ({ saved: ['password-reset', 'verified', 'x'] }) },
  '/api/stripe/webhook': { who: 'visitor', rawBody: true, noInput: 'POST only: its body is fuzzed below' },
  '/api/resend/webhook': { who: 'visitor', rawBody: true, noInput: 'POST only: its body is fuzzed below' },
  '/api/views': { who: 'visitor', rawBody: true, noInput: 'POST only: its body is fuzzed below' },
  '/tracker/board': {
    who: 'member',
    query: () => ({
      q: ['Northwind', '%'],
      kind: ['interview', 'x'],
      stage: ['open', 'x'],
      archived: ['1', 'true'],
      saved: ['stage'],
    }),
  },
  '/tracker/export.csv': { who: 'member', noInput: 'a download of the member’s own tracker' },
  '/tracker/new': {
    who: 'member',
    query: () => ({ kind: ['networking', 'interview', 'x'], from: ['/tracker', '//evil.example', 'javascript:x'] }),
  },
  '/tracker/data': { who: 'member', noInput: 'its forms are the tracker.importFile and tracker.calendarFeed actions' },
  '/tracker/o/[id]/edit': { who: 'member', params: (i) => ({ id: [i.a.entry, 'no-such-entry'] }) },
  '/tracker/o/[id]': {
    who: 'member',
    params: (i) => ({ id: [i.a.entry, 'no-such-entry'] }),
    query: (i) => ({ saved: ['sent', 'x'], use: [i.a.review, i.b.review, 'no-such-review'], review: ['ask', 'x'] }),
  },
  '/tracker/stats': { who: 'member', noInput: 'the member’s own numbers' },
  '/tracker/export.json': { who: 'member', noInput: 'a download of the member’s own tracker' },
  '/tracker': { who: 'member', query: () => ({ saved: ['deleted', 'x'] }) },
  '/tracker/calendar/[token].ics': {
    who: 'visitor',
    params: () => ({ token: ['a'.repeat(16), 'a'.repeat(101), 'short', 'a_b-c'.repeat(5)] }),
  },
  '/unsubscribe': {
    who: 'visitor',
    query: () => ({
      token: [
        ...TOKEN_LIKE,
        signToken(TEST_APP_SECRET, 'unsub', 'no-such-lead'),
        signToken(TEST_APP_SECRET, 'unsub', 'x', new Date(1)),
      ],
    }),
  },
  '/email/off': {
    who: 'visitor',
    query: () => ({
      token: [
        ...TOKEN_LIKE,
        signToken(TEST_APP_SECRET, 'email-off', 'reminders_no-such-user'),
        signToken(TEST_APP_SECRET, 'email-off', 'bogus_no-such-user'),
        signToken(TEST_APP_SECRET, 'email-off', '_'),
      ],
    }),
  },
  '/pricing/success': { who: 'member', query: () => ({ session_id: ['cs_test_nope', '', '../customers', 'cs_%2F'] }) },
  '/pricing': { who: 'visitor', noInput: 'its form is the billing.checkout action' },
  '/login': {
    who: 'visitor',
    query: () => ({ next: ['/tracker', '//evil.example', '/\\evil', 'javascript:alert(1)'] }),
  },
  '/community': { who: 'visitor', query: () => ({ page: ['1', '2', '0', '-1', '1e400', '99999'] }) },
  // Prerendered: their dynamic segments are the only input.
  '/': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/404': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/500': { who: 'visitor', noInput: 'the page Astro shows for an error; asked for by its address, a 404' },
  '/about': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/articles': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/articles/[slug]': { who: 'visitor', prerendered: true, params: () => ({ slug: [SLUG, 'no-such-article'] }) },
  '/articles/page/[page]': { who: 'visitor', prerendered: true, params: () => ({ page: ['2', '0', '-1', '1e9'] }) },
  '/pricing/canceled': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/robots.txt': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/rss.xml': { who: 'visitor', prerendered: true, noInput: 'prerendered' },
  '/tags/[tag]': { who: 'visitor', prerendered: true, params: () => ({ tag: ['follow-up', 'no-such-tag'] }) },
  // Astro's own routes with input: Actions (fuzzed above as /_actions/<name>) and server islands.
  '/_server-islands/[name]': {
    who: 'visitor',
    params: () => ({ name: [...serverIslandsInSource(), 'Nope'] }),
    query: () => ({ e: ['default', 'x'], p: ['', 'AAAA'], s: ['', '{}'] }),
  },
};

/** A path segment or query value that is junk: encoded, raw escapes, dot segments, very long. */
const junkSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: junkText.filter((text) => text.length < 5000).map(encodeComponent) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_ENCODED) },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2F', '%5C', 'x'.repeat(3000), '%2e%2e%2f%2e%2e') },
);

const METHODS = fc.oneof(
  { weight: 12, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constant('HEAD') },
  { weight: 2, arbitrary: fc.constant('POST') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND') },
);

function routeProbes(route: string, spec: RouteSpec, i: Ids): fc.Arbitrary<Probe> {
  const params = spec.params?.(i) ?? {};
  const query = spec.query?.(i) ?? {};
  const segment = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(params[name] ?? ['x'])) },
      { weight: 3, arbitrary: junkSegment },
    );
  const names = [...route.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
  const queryEntries = entriesFor(query).map((entries) =>
    entries.filter(
      (entry): entry is [string, string | { raw: string }] => typeof entry[1] === 'string' || 'raw' in entry[1],
    ),
  );
  const who = fc.oneof(
    { weight: 6, arbitrary: fc.constant(spec.who) },
    { weight: 2, arbitrary: fc.constantFrom<Who>('visitor', 'forged', 'member') },
  );
  return fc
    .record({
      who,
      values: fc.tuple(...names.map(segment)),
      entries: queryEntries,
      junkQuery: fc.oneof(
        { weight: 4, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: junkSegment.map((junk) => `${junk}=${junk}`) },
      ),
      method: METHODS,
      cookie: forgedCookie(i),
      encoding: encodings(false),
      twist: fc.nat(),
    })
    .map(({ who, values, entries, junkQuery, method, cookie, encoding, twist }): Probe => {
      let path = route;
      names.forEach((name, n) => (path = path.replace(`[${name}]`, values[n]!)));
      const search = [urlEncoded(entries), junkQuery].filter(Boolean).join('&');
      const body = method === 'POST' ? bodyOf(encoding, entries, twist) : undefined;
      return {
        label: route,
        who,
        method,
        path: search ? `${path}?${search}` : path,
        ...(path.length + search.length > 12 * 1024 ? { hugeHead: true } : {}),
        headers: { ...(body?.headers ?? {}), ...(who === 'forged' ? { cookie } : {}) },
        ...(body?.body ? { body: body.body } : {}),
        ...(body ? { describe: body.describe } : {}),
      };
    });
}

// ---------------------------------------------------------------------------------------------
// Methods, Host headers, server islands and query strings
// ---------------------------------------------------------------------------------------------

/** A route's path with its parameters filled in with their first plausible value. */
function samplePath(route: string, spec: RouteSpec, i: Ids): string {
  const params = spec.params?.(i) ?? {};
  return route.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name]?.[0] ?? 'x'));
}

/**
 * Sends bytes on a new connection: the status of the answer, or 0 when none came. With `end`, the
 * client's side is closed once they are sent (Node may then drop a request still being rendered).
 */
function rawStatus(bytes: Buffer, { end = true } = {}): Promise<number> {
  const port = Number(new URL(base()).port);
  return new Promise<number>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    socket.setTimeout(1500, done);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (/^HTTP\/1\.[01] \d{3}/.test(answer)) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    if (end) socket.end(bytes);
    else socket.write(bytes);
  });
}

interface RawProbe {
  label: string;
  who: Who;
  method: string;
  path: string;
  /** The Host line's value; null for none, an array for several lines. */
  host: string | string[] | null;
  /** Statuses besides a 4xx or 2xx/3xx that are right here (0: no answer at all). */
  allow?: readonly number[];
}

/** Sends raw requests a few at a time, as the member, the coach, a visitor or a forged cookie. */
async function sendRaw(probes: RawProbe[]): Promise<string[]> {
  const problems: string[] = [];
  const hostOf = `127.0.0.1:${new URL(base()).port}`;
  let next = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (next < probes.length) {
        const probe = probes[next++]!;
        const cookie =
          probe.who === 'forged' ? `session=${ids.b.session}.${'a'.repeat(39)}` : (await browserFor(probe.who)).cookie;
        const hosts = probe.host === null ? [] : [probe.host].flat().map((host) => host.replace('{host}', hostOf));
        const lines = [
          `${probe.method} ${probe.path} HTTP/1.1`,
          ...hosts.map((host) => `Host: ${host}`),
          ...(cookie ? [`Cookie: ${cookie}`] : []),
          `X-Forwarded-For: ${nextVisitorIp()}`,
          `Origin: http://${hostOf}`,
          'Content-Length: 0',
          'Connection: close',
        ];
        const status = await rawStatus(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), { end: false });
        sent += 1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // 505 is Node's own answer to an HTTP version it does not speak: right, and not a crash.
        if ((status >= 500 && status !== 505) || (status === 0 && !probe.allow?.includes(0)))
          problems.push(
            `${probe.label} as ${probe.who}: ${JSON.stringify(probe.method)} ${probe.path.slice(0, 80)} Host ${JSON.stringify(probe.host)} → ${status}`,
          );
      }
    }),
  );
  return problems;
}

/** Methods browsers never send, and some nobody does: WebDAV, tracing, tunnels, lowercase, junk tokens. */
const ODD_METHODS = [
  'TRACE',
  'TRACK',
  'CONNECT',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'PURGE',
  'QUERY',
  'LINK',
  'REPORT',
  'M-SEARCH',
  'OPTIONS',
  'PATCH',
  'PUT',
  'DELETE',
];
const methodToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ODD_METHODS) },
  { weight: 2, arbitrary: fc.constantFrom('get', 'post', 'head', 'Get', 'trace', 'propfind', 'connect', 'options') },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(...'ABCXYZabz-_!#$%&*+.^`|~0189'.split('')),
      minLength: 1,
      maxLength: 12,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('G@T', 'GE T', 'GÉT', 'G\u0000T', 'A'.repeat(300), '') },
);

/** Host headers no browser sends: credentials, spaces, bad ports, unicode, empty, several. */
const HOSTS: (string | string[] | null)[] = [
  null,
  '',
  ' ',
  'user:pass@{host}',
  'user@{host}',
  'a:b@evil.example',
  '127.0.0.1:99999',
  '127.0.0.1:-1',
  '127.0.0.1:abc',
  '{host}:1',
  'local host',
  'lócalhost',
  '🙂.example',
  'xn--lcalhost-8za',
  '[::1',
  '[zz::1]:80',
  '127.0.0.1:',
  ':80',
  'a'.repeat(300),
  '{host}, evil.example',
  'evil.example',
  '%00',
  '.',
  '{host}.',
  '{host}/path',
  '{host}?x=1',
  '{host}#x',
  '\u00ff',
  ['{host}', 'evil.example'],
  ['', '{host}'],
];

/** Dates no calendar has, and some out of any range a form takes. */
const DATE_JUNK = [
  '2026-13-45',
  '2026-00-10',
  '9999-99-99',
  '9999-12-31',
  '0000-01-01',
  '2026-02-30',
  '+275760-09-13',
  '-271821-04-19',
  '2026-1-1',
  '20260101',
  '2026-01-01T00:00:00Z',
  '1e400',
  'NaN',
  '',
];

/** A query value: junk, impossible dates, a long one (up to the head's limit), escapes. */
const queryJunk: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: junkSegment },
  { weight: 3, arbitrary: fc.constantFrom(...DATE_JUNK).map(encodeComponent) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 4000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%%', '%GG', '+', '%26', '%3D', '%23', '%0D%0ABcc:%20x') },
);

/** The query string of a page: each parameter it reads missing, plausible, junk, repeated or array-shaped. */
function queryProbes(route: string, spec: RouteSpec, params: string[], i: Ids): fc.Arbitrary<Probe> {
  const plausible = spec.query?.(i) ?? {};
  const one = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...(plausible[name] ?? ['x']).map(encodeComponent)) },
      { weight: 4, arbitrary: queryJunk },
    );
  const param = (name: string): fc.Arbitrary<string[]> =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 6, arbitrary: one(name).map((v) => [`${name}=${v}`]) },
      {
        weight: 2,
        arbitrary: fc.array(one(name), { minLength: 2, maxLength: 4 }).map((vs) => vs.map((v) => `${name}=${v}`)),
      },
      { weight: 1, arbitrary: one(name).map((v) => [`${name}[]=${v}`, `${name}[0]=${v}`]) },
      {
        weight: 1,
        arbitrary: fc.constantFrom<string[]>([name], [`${name}=`], [`${name.toUpperCase()}=x`], [`${name}%00=x`]),
      },
    );
  const path = samplePath(route, spec, i);
  return fc
    .record({
      parts: fc.tuple(...params.map(param)),
      who: fc.oneof(
        { weight: 6, arbitrary: fc.constant(spec.who) },
        { weight: 1, arbitrary: fc.constantFrom<Who>('visitor', 'forged') },
      ),
      cookie: forgedCookie(i),
    })
    .map(({ parts, who, cookie }): Probe => {
      const search = parts.flat().join('&');
      return {
        label: `${route} query`,
        who,
        method: 'GET',
        path: search ? `${path}?${search}` : path,
        ...(path.length + search.length > 12 * 1024 ? { hugeHead: true } : {}),
        headers: who === 'forged' ? { cookie } : {},
        needsMessage: true,
      };
    });
}

/** Island URLs as the built pages carry them: the first of each island found. */
function islandSamples(): Map<string, { e: string; p: string; s: string }> {
  const samples = new Map<string, { e: string; p: string; s: string }>();
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.html')) pages.push(join(dir, entry.name));
  };
  walk('dist/client');
  for (const page of pages) {
    const html = readFileSync(page, 'utf8').replaceAll('&amp;', '&');
    for (const match of html.matchAll(/\/_server-islands\/(\w+)\?e=([^&"'`\s]*)&p=([^&"'`\s]*)&s=([^&"'`\s]*)/g))
      if (!samples.has(match[1]!)) samples.set(match[1]!, { e: match[2]!, p: match[3]!, s: match[4]! });
  }
  return samples;
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/**
 * Requests for one island with each of e, p and s its own, left out, empty, another island's,
 * cut short, lengthened or junk, by GET or POST. Only its own e, p and s load it (200); anything
 * else is a 4xx with a message.
 */
function islandProbes(
  name: string,
  own: { e: string; p: string; s: string },
  others: { e: string; p: string; s: string }[],
): fc.Arbitrary<Probe> {
  type Piece = { value: string | undefined; valid: boolean };
  const piece = (mine: string, theirs: string[]): fc.Arbitrary<Piece> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Piece>({ value: mine, valid: true }) },
      { weight: 1, arbitrary: fc.constant<Piece>({ value: undefined, valid: false }) },
      { weight: 1, arbitrary: fc.constant<Piece>({ value: '', valid: mine === '' }) },
      { weight: 2, arbitrary: fc.constantFrom(...theirs).map((value): Piece => ({ value, valid: value === mine })) },
      {
        weight: 2,
        arbitrary: fc.nat(Math.max(0, mine.length - 1)).map((n): Piece => {
          const value = mine.slice(0, n);
          return { value, valid: value === mine };
        }),
      },
      { weight: 1, arbitrary: fc.constant<Piece>({ value: `${mine}AAAA`, valid: false }) },
      { weight: 2, arbitrary: junkSegment.map((value): Piece => ({ value, valid: value === mine })) },
    );
  const everyone = [own, ...others];
  return fc
    .record({
      e: piece(
        own.e,
        others.map((other) => other.e),
      ),
      p: piece(
        own.p,
        everyone.flatMap((other) => [other.p, other.s]),
      ),
      s: piece(
        own.s,
        everyone.flatMap((other) => [other.p, other.s]),
      ),
      method: fc.constantFrom('GET', 'GET', 'POST'),
      twist: fc.constantFrom('plain', 'reversed', 'junk first', 'extra'),
      who: fc.constantFrom<Who>('visitor', 'visitor', 'member', 'forged'),
    })
    .map(({ e, p, s, method, twist, who }): Probe => {
      const pieces = Object.entries({ e, p, s }).filter(([, piece]) => piece.value !== undefined) as [
        string,
        { value: string; valid: boolean },
      ][];
      let valid = pieces.length === 3 && pieces.every(([, piece]) => piece.valid);
      if (method === 'POST') {
        const body = Object.fromEntries(
          pieces.map(([key, piece]) => [
            { e: 'encryptedComponentExport', p: 'encryptedProps', s: 'encryptedSlots' }[key]!,
            safeDecode(piece.value),
          ]),
        );
        return {
          label: `/_server-islands/${name}`,
          who,
          method,
          path: `/_server-islands/${name}`,
          headers: { 'content-type': 'application/json' },
          body: () => JSON.stringify(body),
          describe: JSON.stringify(body).slice(0, 300),
          expect: valid ? [200] : [400],
          needsMessage: true,
        };
      }
      let query = pieces.map(([key, piece]) => `${key}=${piece.value}`);
      if (twist === 'reversed') query = query.reverse();
      if (twist === 'extra') query.push('x=1', 'e=', 'p=');
      if (twist === 'junk first' && pieces.length > 0) {
        query.unshift(`${pieces[0]![0]}=junk`);
        valid = false;
      }
      return {
        label: `/_server-islands/${name}`,
        who,
        method,
        path: `/_server-islands/${name}?${query.join('&')}`,
        describe: twist,
        expect: valid ? [200] : [400],
        needsMessage: true,
      };
    });
}

// ---------------------------------------------------------------------------------------------
// B's rows, before and after
// ---------------------------------------------------------------------------------------------

/** Tables with rows that belong to a member, and how to read B's. */
const MEMBER_ROWS: Record<string, string> = {
  users: 'SELECT * FROM users WHERE id = :id',
  sessions: 'SELECT * FROM sessions WHERE user_id = :id ORDER BY id',
  // Anyone may ask for a sign-in or reset link for any address: those rows are checked apart.
  email_tokens: "SELECT * FROM email_tokens WHERE user_id = :id AND purpose = 'verify' ORDER BY token_hash",
  opportunities: 'SELECT * FROM opportunities WHERE user_id = :id ORDER BY id',
  conversations: 'SELECT * FROM conversations WHERE user_id = :id ORDER BY id',
  touches: 'SELECT * FROM touches WHERE user_id = :id ORDER BY id',
  tracker_settings: 'SELECT * FROM tracker_settings WHERE user_id = :id',
  // Likes and reports of B's comment are other members' by design: their counters may move.
  comments:
    'SELECT id, article_slug, user_id, parent_id, body, html, status, created_at, edited_at FROM comments WHERE user_id = :id ORDER BY id',
  comment_likes: 'SELECT * FROM comment_likes WHERE user_id = :id ORDER BY comment_id',
  comment_reports: 'SELECT * FROM comment_reports WHERE user_id = :id ORDER BY id',
  moderation_log:
    'SELECT * FROM moderation_log WHERE target_user_id = :id OR comment_id IN (SELECT id FROM comments WHERE user_id = :id) ORDER BY id',
  billing_customers: 'SELECT * FROM billing_customers WHERE user_id = :id',
  subscriptions: 'SELECT * FROM subscriptions WHERE user_id = :id ORDER BY id',
  entitlements: 'SELECT * FROM entitlements WHERE user_id = :id',
  draft_reviews: 'SELECT * FROM draft_reviews WHERE user_id = :id ORDER BY id',
  leads: 'SELECT * FROM leads WHERE user_id = :id OR email = :email ORDER BY id',
};

/** Tables whose rows belong to no member, and why. */
const NOT_MEMBER_ROWS: Record<string, string> = {
  app_settings: 'site-wide settings the coach changes',
  outbox: 'messages to send; a member is emailed because of others too (replies, links asked for their address)',
  rate_limits: 'counters keyed by network or by hashed address',
  stripe_events: 'ids of the Stripe events handled',
  article_views: 'views per article and day',
  funnel_daily: 'funnel counts per article and day',
  broadcasts: "the coach's emails to their audience",
  sequence_steps: "the coach's nurture sequence",
  campaign_stats: 'counts per email campaign',
  campaign_views: 'views per email campaign and day',
  email_suppressions: 'addresses the provider reported as bounced or complaining, whoever they belong to',
  email_events: "the provider's delivery events, about any address",
  __drizzle_migrations: 'the migrations applied',
};

async function snapshotOf(id: string, email: string): Promise<string> {
  const tables = await Promise.all(
    Object.entries(MEMBER_ROWS).map(
      async ([table, query]) => [table, await rows(query, query.includes(':email') ? { id, email } : { id })] as const,
    ),
  );
  return JSON.stringify(Object.fromEntries(tables), null, 1);
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('the fuzzer covers', () => {
  it('every action in src/actions, and nothing that is gone', () => {
    const inSource = actionsInSource();
    expect(inSource.length).toBeGreaterThan(30);
    expect(Object.keys(ACTIONS).sort(), 'add a row to ACTIONS for each new action').toEqual(inSource.sort());
  });

  it('every route in src/pages, rendered or prerendered, and nothing that is gone', () => {
    const inSource = routesInSource();
    const tabled = Object.keys(ROUTES).filter((route) => !route.startsWith('/_'));
    expect(tabled.sort(), 'add a row to ROUTES for each new page or endpoint').toEqual(
      inSource.map(({ route }) => route).sort(),
    );
    for (const { route, prerendered } of inSource) {
      const spec = ROUTES[route]!;
      expect(!!spec.prerendered, `${route} is ${prerendered ? '' : 'not '}prerendered`).toBe(prerendered);
      expect(
        !!spec.noInput || !!spec.params || !!spec.query,
        `${route}: say what it reads, or why it takes no input`,
      ).toBe(true);
    }
  });

  it('every query parameter a page reads, in its row', () => {
    const missing = routesInSource().flatMap(({ route, query }) =>
      query.filter((name) => !(name in (ROUTES[route]?.query?.(ids) ?? {}))).map((name) => `${route}?${name}`),
    );
    expect(missing, 'add each parameter a page reads to its row’s query').toEqual([]);
  });

  it('every server island, with a request for it from a built page', () => {
    const islands = serverIslandsInSource();
    expect(islands.length).toBeGreaterThan(0);
    const samples = islandSamples();
    expect(
      islands.filter((name) => !samples.has(name)),
      'each island must be on a prerendered page in dist/',
    ).toEqual([]);
  });

  it('every table, as a member’s rows to keep or as nobody’s', async () => {
    const tables = (await rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map(
      (row) => String(row['name']),
    );
    const listed = [...Object.keys(MEMBER_ROWS), ...Object.keys(NOT_MEMBER_ROWS)];
    expect(
      tables.filter((table) => !listed.includes(table)),
      'new tables need a row in MEMBER_ROWS',
    ).toEqual([]);
    const snapshot = JSON.parse(before) as Record<string, unknown[]>;
    for (const table of ['users', 'sessions', 'opportunities', 'touches', 'comments', 'subscriptions', 'leads'])
      expect(snapshot[table]!.length, `B has rows in ${table} to protect`).toBeGreaterThan(0);
    expect(snapshot['draft_reviews']!.length).toBe(1);
    expect(snapshot['tracker_settings']!.length).toBe(1);
  });
});

describe('fuzzing', () => {
  it('actions: generated bad input, as the member, the coach, a visitor and a forged cookie', async () => {
    const probes = Object.entries(ACTIONS).flatMap(([name, spec], n) =>
      sample(actionProbes(name, spec, ids), n, spec.file ? 2 * ACTION_RUNS : ACTION_RUNS),
    );
    const problems = await sendAll(probes);
    expect(problems, seedNote(0)).toEqual([]);
  }, 90_000);

  it('routes: junk path parameters, query strings, methods and bodies', async () => {
    const probes = Object.entries(ROUTES)
      .filter(([, spec]) => !spec.rawBody)
      .flatMap(([route, spec], n) => sample(routeProbes(route, spec, ids), 1000 + n, spec.noInput ? 4 : ROUTE_RUNS));
    const problems = await sendAll(probes);
    expect(problems, seedNote(1000)).toEqual([]);
  }, 60_000);

  it('bodies over the limit: 413 on every action, page and endpoint, with or without a length', async () => {
    // Each route's own limit (an upload Action takes more than a form), gone over twice.
    const oversizedFor = (path: string) => `email=${'x'.repeat(2 * bodyLimit('POST', new URL(path, 'http://site')))}`;
    const streamFor = (path: string) => () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode('x'.repeat(256 * 1024));
          const chunks = (2 * bodyLimit('POST', new URL(path, 'http://site'))) / chunk.byteLength;
          for (let n = 0; n < chunks; n++) controller.enqueue(chunk);
          controller.close();
        },
      });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const tooLarge = { expect: [413], oversized: true } as const;
    const probes: Probe[] = Object.entries(ACTIONS).flatMap(([name, spec]): Probe[] => {
      const page = spec.page(ids);
      const onPage = `${page}${page.includes('?') ? '&' : '?'}_action=${name}`;
      const rpc = `/_actions/${name}`;
      const { who } = spec;
      return [
        {
          label: name,
          who,
          method: 'POST',
          path: onPage,
          headers: form,
          body: () => oversizedFor(onPage),
          ...tooLarge,
          inLayout: true,
        },
        { label: name, who, method: 'POST', path: rpc, headers: form, body: streamFor(rpc), ...tooLarge },
      ];
    });
    for (const path of [
      '/api/stripe/webhook',
      '/api/resend/webhook',
      '/api/views',
      '/login',
      '/unsubscribe?token=x',
      '/email/off',
      '/search',
    ])
      for (const body of [() => oversizedFor(path), streamFor(path)])
        probes.push({ label: path, who: 'visitor', method: 'POST', path, headers: form, body, ...tooLarge });
    const upload = '/tracker/data?_action=tracker.importFile';
    const multipart = new FormData();
    multipart.append('file', new Blob([oversizedFor(upload)]), 'huge.csv');
    probes.push({
      label: 'tracker.importFile',
      who: 'member',
      method: 'POST',
      path: upload,
      body: () => multipart,
      ...tooLarge,
      inLayout: true,
    });
    expect(await sendAll(probes, 1)).toEqual([]);
  }, 120_000);

  it('the Stripe webhook: garbage bodies and signatures, and signed events full of junk', async () => {
    const now = () => Math.floor(Date.now() / 1000);
    const signature = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('', 't=1,v1=00', 'v1=abc', 't=abc', `t=${'9'.repeat(400)},v1=00`, 't=1,v1=00,v1=11,v0=22'),
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 })
        .map((hex) => `t=${now()},v1=${hex}`),
      fc.string({ unit: 'binary-ascii', maxLength: 100 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
    );
    const garbage = fc.oneof(
      junkText,
      fc.jsonValue().map((json) => JSON.stringify(json)),
      fc.constant('{"id":"evt_1","type":"checkout.session.completed"'),
    );
    const unsigned = fc.record({
      body: garbage,
      signature,
      type: fc.constantFrom('application/json', 'text/plain', ''),
    });
    // A signed event comes from Stripe: its ids have Stripe's shape (unknown ones here); everything
    // else may be junk: references to members, modes, nulls, missing fields.
    const stripeId = (prefix: string) =>
      fc
        .string({ unit: fc.constantFrom(...'abcXYZ0189_'.split('')), minLength: 1, maxLength: 24 })
        .map((tail) => `${prefix}_${tail}`);
    const eventObject = fc.record(
      {
        id: fc.oneof(stripeId('sub'), stripeId('cs'), stripeId('in')),
        object: fc.constantFrom('subscription', 'checkout.session', 'invoice'),
        mode: fc.constantFrom('subscription', 'payment', null),
        subscription: fc.oneof(stripeId('sub'), fc.constant(null), fc.record({ id: stripeId('sub') })),
        customer: fc.oneof(stripeId('cus'), fc.constant(null), fc.record({ id: stripeId('cus') })),
        client_reference_id: fc.oneof(junkText, fc.constant(null)),
        parent: fc.oneof(
          fc.constant(null),
          fc.record({ subscription_details: fc.record({ subscription: stripeId('sub') }, { requiredKeys: [] }) }),
        ),
        metadata: fc.dictionary(
          junkText.filter((key) => key.length < 40),
          junkText,
          { maxKeys: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    const event = fc.record({
      id: fc.oneof(
        fc.string({ minLength: 1, maxLength: 30 }).map((id) => `evt_${id}`),
        junkText,
      ),
      object: fc.constant('event'),
      type: fc.constantFrom(
        'checkout.session.completed',
        'customer.subscription.created',
        'customer.subscription.updated',
        'customer.subscription.deleted',
        'invoice.payment_failed',
        'invoice.paid',
        'charge.refunded',
      ),
      data: fc.record({ object: eventObject }),
    });
    const path = '/api/stripe/webhook';
    const probes: Probe[] = [
      ...sample(unsigned, 3000, 120).map(({ body, signature, type }): Probe => ({
        label: 'stripe webhook, unsigned',
        who: 'visitor',
        method: 'POST',
        path,
        headers: { 'content-type': type, ...(signature === undefined ? {} : { 'stripe-signature': signature }) },
        body: () => body,
        describe: `${JSON.stringify(signature)} ${JSON.stringify(body.slice(0, 100))}`,
        expect: [400, 413],
      })),
      ...sample(event, 3001, 100).map((event): Probe => {
        const payload = JSON.stringify(event);
        return {
          label: 'stripe webhook, signed junk',
          who: 'visitor',
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/json',
            'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
          },
          body: () => payload,
          describe: payload.slice(0, 300),
        };
      }),
    ];
    expect(await sendAll(probes), seedNote(3000)).toEqual([]);
  }, 60_000);

  it('the Resend webhook: garbage bodies and signatures, and signed events full of junk', async () => {
    const path = '/api/resend/webhook';
    const now = () => Math.floor(Date.now() / 1000);
    const unsigned = fc.record({
      body: fc.oneof(
        junkText,
        fc.jsonValue().map((json) => JSON.stringify(json)),
      ),
      id: fc.oneof(
        fc.constant(undefined),
        junkText.map((text) => text.replace(/[^\x20-\x7e]/g, '') || 'msg_1'),
      ),
      timestamp: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'soon', '-1', '9'.repeat(40)),
        fc.constant(String(now())),
      ),
      signature: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'v1,', 'v1,AAAA', 'v2,abc v1,def', `v1,${'A'.repeat(44)}`),
        fc.string({ unit: 'binary-ascii', maxLength: 100 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
      ),
    });
    const event = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('email.delivered', 'email.bounced', 'email.complained', 'email.opened', 'contact.created'),
          junkText,
        ),
        created_at: fc.oneof(junkText, fc.constant(new Date().toISOString())),
        data: fc.oneof(
          fc.jsonValue(),
          fc.record(
            {
              email_id: fc.oneof(junkText, fc.integer()),
              to: fc.oneof(fc.array(fc.oneof(junkText, fc.emailAddress(), fc.integer())), junkText, fc.constant(null)),
              tags: fc.oneof(
                fc.dictionary(junkText, fc.oneof(junkText, fc.constant('b-fuzz'))),
                fc.array(fc.record({ name: fc.constant('campaign'), value: fc.oneof(junkText, fc.constant('s-x')) })),
                fc.constant(null),
              ),
              bounce: fc.oneof(fc.constant(null), fc.record({ type: fc.oneof(junkText, fc.constant('Permanent')) })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    const probes: Probe[] = [
      ...sample(unsigned, 3100, 100).map(({ body, id, timestamp, signature }): Probe => ({
        label: 'resend webhook, unsigned',
        who: 'visitor',
        method: 'POST',
        path,
        headers: {
          'content-type': 'application/json',
          ...(id === undefined ? {} : { 'svix-id': id }),
          ...(timestamp === undefined ? {} : { 'svix-timestamp': timestamp }),
          ...(signature === undefined ? {} : { 'svix-signature': signature }),
        },
        body: () => body,
        describe: `${JSON.stringify([id, timestamp, signature])} ${JSON.stringify(body.slice(0, 100))}`,
        expect: [400, 413],
      })),
      ...sample(event, 3101, 100).map((event, n): Probe => {
        const payload = JSON.stringify(event);
        const id = `msg_fuzz_${n}`;
        const at = new Date();
        return {
          label: 'resend webhook, signed junk',
          who: 'visitor',
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/json',
            'svix-id': id,
            'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
            'svix-signature': resendSignature(id, at, payload),
          },
          body: () => payload,
          describe: payload.slice(0, 300),
        };
      }),
    ];
    expect(await sendAll(probes), seedNote(3100)).toEqual([]);
  }, 60_000);

  it('the view beacon: junk paths, bodies, agents and content types', async () => {
    const probe = fc.record({
      body: fc.oneof(
        fc.constantFrom(`/articles/${SLUG}`, `/articles/${SLUG}/`, `/articles/${SLUG}?x`, '/articles/', '/'),
        junkText,
      ),
      agent: fc.constantFrom('Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', '', 'curl/8', 'Googlebot/2.1', '\u00ff'),
      type: fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', ''),
      purpose: fc.constantFrom('', 'prefetch', 'prerender'),
    });
    const probes = sample(probe, 4000, 120).map(({ body, agent, type, purpose }): Probe => ({
      label: '/api/views',
      who: 'visitor',
      method: 'POST',
      path: '/api/views',
      headers: { 'user-agent': agent, 'content-type': type, ...(purpose ? { 'sec-purpose': purpose } : {}) },
      body: () => body,
      describe: JSON.stringify(body.slice(0, 100)),
      expect: [204, 413],
    }));
    expect(await sendAll(probes), seedNote(4000)).toEqual([]);
  }, 30_000);

  it('methods: known, lowercase and junk ones on every route, as each kind of visitor', async () => {
    const probe = fc.record({ method: methodToken, who: fc.constantFrom<Who>('visitor', 'member', 'coach', 'forged') });
    const probes = Object.entries(ROUTES).flatMap(([route, spec], n) =>
      sample(probe, 6000 + n, 8).map(({ method, who }): RawProbe => ({
        label: route,
        who: n % 2 ? who : spec.who,
        method,
        path: samplePath(route, spec, ids),
        host: '{host}',
        // CONNECT asks for a tunnel: with nothing to tunnel to, Node closes the connection.
        ...(method.toUpperCase() === 'CONNECT' ? { allow: [0] } : {}),
      })),
    );
    expect(await sendRaw(probes), seedNote(6000)).toEqual([]);
  }, 60_000);

  it('Host headers: with credentials, spaces, bad ports, unicode, empty, several or none, on every route', async () => {
    const probe = fc.record({ host: fc.constantFrom(...HOSTS), method: fc.constantFrom('GET', 'GET', 'HEAD', 'POST') });
    const probes = Object.entries(ROUTES).flatMap(([route, spec], n) =>
      sample(probe, 7000 + n, 6).map(({ host, method }): RawProbe => ({
        label: route,
        who: spec.who,
        method,
        path: samplePath(route, spec, ids),
        host,
      })),
    );
    expect(await sendRaw(probes), seedNote(7000)).toEqual([]);
  }, 60_000);

  it('server islands: each one with its props and slots left out, cut short, another island’s or junk', async () => {
    const samples = islandSamples();
    const islands = serverIslandsInSource();
    const probes = islands.flatMap((name, n) => {
      const own = samples.get(name)!;
      const others = islands.filter((other) => other !== name).map((other) => samples.get(other)!);
      return sample(islandProbes(name, own, others), 8000 + n, 80);
    });
    const any = samples.get(islands[0]!)!;
    for (const name of ['Nope', islands[0]!.toLowerCase(), `${islands[0]}.astro`, '__proto__', 'x'.repeat(300)])
      probes.push({
        label: '/_server-islands/<unknown>',
        who: 'visitor',
        method: 'GET',
        path: `/_server-islands/${name}?e=${any.e}&p=${any.p}&s=${any.s}`,
        expect: [400, 404],
        needsMessage: true,
      });
    expect(await sendAll(probes), seedNote(8000)).toEqual([]);
  }, 60_000);

  it('query strings: every parameter each page reads, with junk, impossible dates, long, repeated and array-shaped values', async () => {
    const probes = routesInSource()
      .filter(({ route, query }) => query.length > 0 && !ROUTES[route]!.rawBody)
      .flatMap(({ route, query }, n) => sample(queryProbes(route, ROUTES[route]!, query, ids), 9000 + n, 30));
    expect(await sendAll(probes), seedNote(9000)).toEqual([]);
  }, 60_000);

  it('raw request heads: never a 5xx from the front door, and it keeps serving', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        'GET / HTTP/1.1',
        'GET /about HTTP/1.1',
        'POST /login?_action=auth.login HTTP/1.1',
        'GET /search?q=%ZZ HTTP/1.1',
        'GARBAGE',
        'GET  / HTTP/1.1',
        'GET /\u0001 HTTP/1.1',
        `GET /${'a'.repeat(20_000)} HTTP/1.1`,
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    );
    const header = fc.oneof(
      fc.constantFrom(
        'Host: localhost',
        'Host: localhost\r\nHost: evil.example',
        'Content-Length: 5\r\nTransfer-Encoding: chunked',
        'Content-Length: -1',
        'Content-Length: 1\r\nContent-Length: 2',
        'Transfer-Encoding: gzip, chunked',
        'Connection: upgrade\r\nUpgrade: websocket',
        'Expect: 100-continue',
        'Accept-Encoding: br;q=NaN',
        'If-None-Match: "' + '*'.repeat(100),
        'X: \u0000',
        'No colon here',
        ': empty name',
        `X-Long: ${'a'.repeat(17_000)}`,
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    );
    const head = fc.tuple(line, fc.array(header, { maxLength: 4 }), fc.constantFrom('', 'email=x', '0\r\n\r\n'));
    const cases = sample(head, 5000, 60);
    const problems: string[] = [];
    for (const [requestLine, headers, body] of cases) {
      const text = [requestLine, ...headers].join('\r\n') + '\r\n\r\n' + body;
      const status = await rawStatus(Buffer.from(text, 'latin1'));
      sent += 1;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // 505 is Node's own answer to an HTTP version it does not speak: right, and not a crash.
      if (status >= 500 && status !== 505) problems.push(`${JSON.stringify(text.slice(0, 200))} → ${status}`);
    }
    expect(problems, seedNote(5000)).toEqual([]);
    expect((await new Browser(base).get('/healthz')).status).toBe(200);
  }, 60_000);
});

describe('B’s data', () => {
  it('B’s ids are refused to A on every action and page that takes them', async () => {
    const refused = [403, 404];
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const at = (path: string, name: string, fields: Record<string, string>): Probe => ({
      label: `${name} with B's ids`,
      who: 'member',
      method: 'POST',
      path: `${path}?_action=${name}`,
      headers: form,
      body: () => new URLSearchParams(fields).toString(),
      describe: JSON.stringify(fields),
      expect: refused,
    });
    const b = ids.b;
    const entry = `/tracker/o/${b.entry}`;
    const round = { happenedOn: yesterday(), happenedAt: '10:00' };
    const probes: Probe[] = [
      at(`${entry}/edit`, 'tracker.update', {
        id: b.entry,
        kind: 'interview',
        company: 'B Corp hacked',
        roleTitle: 'Designer',
        contactName: 'Priya Shah',
      }),
      at(entry, 'tracker.addRound', { opportunityId: b.entry, ...round }),
      at(entry, 'tracker.markSent', { opportunityId: b.entry, step: 'first-check-in', subject: 's', body: 'b' }),
      at(entry, 'tracker.logReply', { opportunityId: b.entry, note: 'x' }),
      at(entry, 'tracker.undoTouch', { touchId: b.touch, opportunityId: b.entry }),
      at(entry, 'tracker.undoTouch', { touchId: b.touch, opportunityId: ids.a.entry }),
      at(entry, 'tracker.setStage', { id: b.entry, stage: 'offer' }),
      at(entry, 'tracker.archive', { id: b.entry, archived: 'true' }),
      at(entry, 'tracker.remove', { id: b.entry, confirm: 'on' }),
      at(entry, 'reviews.request', { opportunityId: b.entry, step: 'thank-you', subject: 's', body: 'b' }),
      at(entry, 'reviews.withdraw', { id: b.review }),
      at(`/coach/reviews/${b.review}`, 'reviews.answer', {
        id: b.review,
        version: '0',
        subject: 's',
        body: 'b',
        comment: 'c',
      }),
      at(`/articles/${SLUG}/comments`, 'comments.edit', { id: b.comment, body: 'A wrote this.' }),
      at(`/articles/${SLUG}/comments`, 'comments.remove', { id: b.comment }),
      at('/coach/comments', 'comments.moderate', { id: b.comment, action: 'delete' }),
      at('/coach/comments', 'comments.block', { userId: b.id, blocked: 'true', hidePast: 'on' }),
      at(`/coach/members/${b.id}`, 'coach.setRole', { userId: b.id, role: 'coach' }),
      at('/account', 'account.revokeSession', { sessionId: b.session }),
      ...['/tracker/o/B', '/tracker/o/B/edit', '/coach/members/B_ID', '/coach/reviews/REVIEW'].map(
        (pattern): Probe => ({
          label: `${pattern} with B's ids`,
          who: 'member',
          method: 'GET',
          path: pattern.replace('B_ID', b.id).replace('REVIEW', b.review).replace('/B', `/${b.entry}`),
          expect: refused,
        }),
      ),
      ...(['tracker.remove', 'tracker.setStage', 'comments.remove', 'reviews.withdraw'] as const).map(
        (name): Probe => ({
          label: `/_actions/${name} with B's ids`,
          who: 'member',
          method: 'POST',
          path: `/_actions/${name}`,
          headers: form,
          body: () =>
            new URLSearchParams({
              id: name.startsWith('comments') ? b.comment : name.startsWith('reviews') ? b.review : b.entry,
              confirm: 'on',
              stage: 'offer',
            }).toString(),
          expect: refused,
        }),
      ),
    ];
    expect(await sendAll(probes, 1)).toEqual([]);
    // A's entry with B's review to "use" shows nothing of B's draft.
    const used = await (await browserFor('member')).get(`/tracker/o/${ids.a.entry}?use=${b.review}`);
    expect(used.status).toBe(200);
    expect(await used.text()).not.toContain(B_DRAFT);
  });

  it('after everything, every row of B is as it was', async () => {
    const after = await snapshotOf(ids.b.id, ids.b.email);
    expect(after).toBe(before);
    // Links anyone may ask for B's address replace each other: never more than one of each.
    const links = await rows('SELECT purpose, count(*) AS n FROM email_tokens WHERE user_id = ? GROUP BY purpose', [
      ids.b.id,
    ]);
    for (const link of links) expect(Number(link['n']), String(link['purpose'])).toBeLessThanOrEqual(1);
  });

  it('the server is up, and logged no error', async () => {
    expect((await new Browser(base).get('/healthz')).status).toBe(200);
    expect(server.process.exitCode).toBeNull();
    // The counts first: they are worth seeing when the errors below fail the test too.
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b);
    const seconds = Math.round((Date.now() - startedAt) / 1000);
    console.log(
      `fuzz: ${sent} requests in ${seconds} s, seed ${SEED}; statuses ${byStatus.map(([s, n]) => `${s}×${n}`).join(', ')}`,
    );
    expect(errorLines(server.output()).slice(0, 40)).toEqual([]);
  });
});

/**
 * Fills a migrated database with a realistic tracker load for the benchmark: verified members in
 * a few time zones (reminder emails off, so nothing is queued), 300 opportunities each with 1–3
 * conversations over the last ~120 days and 0–5 touches, and the stored plan columns computed by
 * the real playbook, so the tracker home shows overdue, today and upcoming lists as it would.
 *
 * The playbook reads time zones through Intl and costs ~0.1 ms a call, too slow to run for
 * 300,000 histories several times each. So each time zone gets a pool of histories ("templates"),
 * each simulated step by step with the playbook (what is due next, when the member sends it, the
 * odd reply, the odd dropped ball) and planned with `nextStep`; every opportunity takes one at
 * random, and one of a pool of text variants (company, contact, notes, message bodies), with its
 * own random ids. Deterministic for a given seed and `now`.
 *
 * Loading: every row sent through the libSQL driver costs 15–20 µs (binding or parsing), which
 * would make 1.6 million rows take half a minute. So only the small pools go in as rows (into
 * TEMP tables); the opportunities are one packed string of fixed-width fields (id, template,
 * text variant) that SQLite unpacks itself, and conversations and touches are INSERT … SELECT
 * joins of the opportunities with their template's rows. Secondary indexes are dropped first and
 * rebuilt once at the end (same definitions, read from sqlite_master).
 *
 *   node bench/seed-tracker.ts <database file> [members]   (the file must be migrated already)
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type InValue } from '@libsql/client';
import type { Plan } from '../src/lib/tracker/playbook.ts';
import type { ConversationRecord, OpportunityKind, Stage, StepId, TouchRecord } from '../src/lib/tracker/model.ts';
import { loadPlaybook, type Playbook } from './playbook.ts';
import { createRandom, type Random } from './random.ts';
import { inserts } from './sql.ts';

export interface SeedOptions {
  members?: number;
  perMember?: number;
  /** Sessions (and cookies) for the first this many members. */
  sessionsFor?: number;
  now?: Date;
  /** Different histories simulated per time zone. */
  templatesPerZone?: number;
  seed?: number;
}

export interface OpenOpportunity {
  id: string;
  /** The step the stored plan has due, or '' when none is (paused, waiting). */
  step: StepId | '';
}

export interface TrackerSeed {
  members: number;
  opportunities: number;
  conversations: number;
  touches: number;
  /** `session=<id>.<secret>` for each of the first `sessionsFor` members. */
  cookies: string[];
  /** Per member with a cookie (same order): their open, unarchived opportunities. */
  openOpportunities: OpenOpportunity[][];
  /** Per member with a cookie: how many entries the tracker home lists in each section at `now`. */
  home: { overdue: number; today: number; upcoming: number; board: number }[];
  ms: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Rows a statement for the small tables. */
const SMALL_TABLE_ROWS = 200;
const SESSION_LIFETIME_MS = 30 * DAY_MS;

const TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
];
const COMPANIES = [
  'Acme Analytics',
  'Brightline Health',
  'Cobalt Robotics',
  'Driftwood Labs',
  'Evergreen Energy',
  'Foxglove Media',
  'Granite Logistics',
  'Harbor Bank',
  'Ironclad Security',
  'Juniper Retail',
  'Keystone Insurance',
  'Lumen Education',
  'Meridian Travel',
  'Northwind Foods',
  'Orbit Payments',
  'Pinecone Software',
  'Quarry Games',
  'Riverbend Consulting',
  'Summit Biotech',
  'Tidewater Shipping',
];
const SUFFIXES = ['', ' Group', ' Inc.', ' Partners', ' Europe', ' Labs'];
const ROLES = [
  'Product Manager',
  'Senior Software Engineer',
  'Data Analyst',
  'UX Designer',
  'Marketing Lead',
  'Operations Manager',
  'Account Executive',
  'Engineering Manager',
  'Customer Success Lead',
  'Financial Analyst',
];
const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloe',
  'David',
  'Elif',
  'Farah',
  'George',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Marco',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tomás',
];
const LAST_NAMES = [
  'Okafor',
  'Schmidt',
  'Nguyen',
  'García',
  'Kowalski',
  'Patel',
  'Haddad',
  'Jensen',
  'Rossi',
  'Tanaka',
  'Murphy',
  'Silva',
  'Novak',
  'Cohen',
  'Andersson',
];
const CONTACT_ROLES = ['Recruiter', 'Hiring manager', 'Team lead', 'Director', 'Former colleague', 'Alumni contact'];
const DETAILS = [
  'We talked about the migration to the new data platform.',
  'They are hiring two more people for the team this quarter.',
  'She mentioned the onboarding process is being redesigned.',
  'He asked how I would prioritise a backlog with three stakeholders.',
  'We both worked with the same open-source library.',
  'They want someone who can mentor junior colleagues.',
];
const VALUE_IDEAS = [
  'Send the article on onboarding metrics.',
  'Share the case study on reducing churn.',
  'Introduce them to a former colleague in logistics.',
  'Send the conference talk on pricing experiments.',
];
const TIMING_NOTES = ['Decision in about two weeks.', 'Second round next week.', 'Budget approval pending.', ''];
const NOTES = ['', '', 'Referred by a friend.', 'Applied through the careers page.', 'Met at a meetup.', ''];
const SUBJECTS: Record<StepId, string> = {
  'thank-you': 'Thank you for your time today',
  'first-check-in': 'Checking in on the role',
  'persistent-check-in': 'Following up',
  'close-the-loop': 'Closing the loop',
  'networking-summary': 'Great talking with you',
  'offer-value': 'Thought you might find this useful',
};

const ID_LENGTH = 39;

interface Template {
  kind: OpportunityKind;
  stage: Stage;
  archivedAt: number | null;
  conversations: ConversationRecord[];
  touches: (TouchRecord & { body: string })[];
  plan: Plan;
  reason: string;
  bucket: 'overdue' | 'today' | 'upcoming' | 'none';
  lastActivityAt: number;
}

/** Older processes are more often over; a few entries are archived. */
function stageFor(random: Random, ageDays: number): { stage: Stage; archived: boolean } {
  const ended = ageDays < 21 ? 0.05 : ageDays < 60 ? 0.25 : 0.5;
  if (random.next() >= ended) return { stage: 'open', archived: random.next() < 0.02 };
  const roll = random.next();
  const stage: Stage = roll < 0.45 ? 'rejected' : roll < 0.75 ? 'closed' : roll < 0.85 ? 'offer' : 'withdrawn';
  return { stage, archived: random.next() < 0.4 };
}

/** One opportunity's history, lived through with the playbook up to `now`. */
function simulate(playbook: Playbook, random: Random, timeZone: string, now: Date): Template {
  const nowMs = now.getTime();
  const kind: OpportunityKind = random.next() < 0.6 ? 'interview' : 'networking';
  const conversations: ConversationRecord[] = [];
  const today = playbook.localDate(now, timeZone);
  let dayOffset = -random.int(0, 120);
  const rounds = random.int(1, 3);
  for (let round = 0; round < rounds; round++) {
    if (round > 0) dayOffset += random.int(4, 21);
    if (dayOffset > 0) break;
    const date = playbook.addDays(today, dayOffset);
    const time = `${String(random.int(8, 17)).padStart(2, '0')}:${random.pick(['00', '15', '30', '45'])}`;
    const at = playbook.zonedInstant(date, time, timeZone);
    if (at.getTime() > nowMs - HOUR_MS) break;
    const decisionBy = kind === 'interview' && random.next() < 0.45 ? playbook.addDays(date, random.int(3, 12)) : null;
    conversations.push({ at, decisionBy });
  }
  if (conversations.length === 0) {
    conversations.push({ at: new Date(nowMs - random.int(2, 48) * HOUR_MS), decisionBy: null });
  }
  const latest = conversations.at(-1)!;
  const { stage, archived } = stageFor(random, (nowMs - latest.at.getTime()) / DAY_MS);

  // The member works through the playbook from the latest conversation: sends each step between
  // the day it opens and a little after it is due, now and then gets a reply, or drops the ball.
  const touches: Template['touches'] = [];
  while (touches.length < 5) {
    const plan = playbook.planNextStep({ kind, stage: 'open', conversations, touches, timeZone });
    if (plan.state !== 'step' || random.next() < 0.08) break;
    if (touches.length > 0 && random.next() < 0.12) {
      const at = new Date(touches.at(-1)!.at.getTime() + random.int(6, 6 * 24) * HOUR_MS);
      if (at.getTime() > nowMs) break;
      const decisionBy =
        kind === 'interview' && random.next() < 0.4
          ? playbook.addDays(playbook.localDate(at, timeZone), random.int(3, 10))
          : null;
      const body = random.next() < 0.5 ? 'Thanks for the note, we will be in touch soon.' : '';
      touches.push({ type: 'reply', step: null, at, decisionBy, body });
      continue;
    }
    const window = plan.dueAt.getTime() - plan.earliestAt.getTime();
    const sentAt =
      plan.step === 'thank-you'
        ? plan.basedOn.getTime() + random.int(1, 26) * HOUR_MS
        : plan.earliestAt.getTime() + random.next() * window * 1.15 + random.int(8, 18) * HOUR_MS;
    if (sentAt > nowMs) break;
    touches.push({ type: 'sent', step: plan.step, at: new Date(sentAt), decisionBy: null, body: '' });
  }

  const { plan, reason, bucket } = playbook.nextStep({ kind, stage, conversations, touches, timeZone }, now);
  const lastActivityAt = Math.max(...[...conversations, ...touches].map((item) => item.at.getTime()));
  const archivedAt = archived ? Math.min(nowMs, lastActivityAt + random.int(1, 20) * DAY_MS) : null;
  return {
    kind,
    stage,
    archivedAt,
    conversations,
    touches,
    plan,
    reason,
    bucket: archivedAt === null ? bucket : 'none',
    lastActivityAt,
  };
}

/** Who and what an opportunity is about; opportunities share these, each with its own history and ids. */
function textVariant(random: Random) {
  const company = random.pick(COMPANIES) + random.pick(SUFFIXES);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const detail = random.pick(DETAILS);
  return {
    company,
    role_title: random.pick(ROLES),
    contact_name: `${first} ${last}`,
    contact_role: random.pick(CONTACT_ROLES),
    contact_email:
      random.next() < 0.7 ? `${first.toLowerCase()}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example` : '',
    notes: random.pick(NOTES),
    timing_note: random.pick(TIMING_NOTES),
    specific_detail: detail,
    value_idea: random.pick(VALUE_IDEAS),
    sent_body: `Hi ${first},\n\nThank you again. ${detail} I remain very interested and happy to share anything that helps.\n\nBest regards,\n${random.pick(FIRST_NAMES)}`,
  };
}

/** Fixed-width fields of the packed opportunity list: id, template index, text variant index, member index. */
const TEMPLATE_WIDTH = 6;
const TEXT_WIDTH = 5;
const MEMBER_WIDTH = 7;
const RECORD_WIDTH = ID_LENGTH + TEMPLATE_WIDTH + TEXT_WIDTH + MEMBER_WIDTH;
const TEXT_VARIANTS = 2000;
/** SQL for the number at `start` (0-based) of the n-th packed record, bound as blob ?2. */
const field = (start: number, width: number) =>
  `CAST(CAST(substr(?2, n * ${RECORD_WIDTH} + ${start + 1}, ${width}) AS TEXT) AS INTEGER)`;

export async function seedTracker(databaseUrl: string, options: SeedOptions = {}): Promise<TrackerSeed> {
  const started = performance.now();
  const { members = 1000, perMember = 300, sessionsFor = 50, now = new Date(), seed = 20_261_126 } = options;
  const templatesPerZone = options.templatesPerZone ?? Math.min(1000, Math.max(50, perMember * 3));
  const nowMs = now.getTime();
  const random = createRandom(seed);
  const playbook = await loadPlaybook();

  // The pools: histories per time zone (through the playbook) and text variants.
  const zones = Array.from({ length: members }, () => random.pick(TIME_ZONES));
  const templates: Template[] = [];
  const zoneTemplates = new Map<string, number[]>();
  for (const [index, zone] of TIME_ZONES.entries()) {
    if (!zones.includes(zone)) continue;
    const zoneRandom = createRandom(seed + 7919 * (index + 1));
    const indices: number[] = [];
    for (let n = 0; n < templatesPerZone; n++) {
      indices.push(templates.length);
      templates.push(simulate(playbook, zoneRandom, zone, now));
    }
    zoneTemplates.set(zone, indices);
  }
  const texts = Array.from({ length: TEXT_VARIANTS }, () => textVariant(random));
  const simulatedMs = performance.now() - started;

  // Members, their sessions, and the packed list of their opportunities.
  const result: TrackerSeed = {
    members,
    opportunities: members * perMember,
    conversations: 0,
    touches: 0,
    cookies: [],
    openOpportunities: [],
    home: [],
    ms: 0,
  };
  const users: Record<string, InValue>[] = [];
  const sessions: Record<string, InValue>[] = [];
  const records: string[] = [];
  for (let member = 0; member < members; member++) {
    const userId = random.id();
    const timeZone = zones[member]!;
    const joined = nowMs - random.int(120, 200) * DAY_MS;
    users.push({
      id: userId,
      email: `member${member}@bench.example`,
      email_verified_at: joined + HOUR_MS,
      // Not a hash of anything: the bench signs in with sessions, never with a password.
      password_hash: '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaA$bm8tcGFzc3dvcmQtZm9yLWJlbmNoLW1lbWJlcnM',
      name: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`,
      time_zone: timeZone,
      role: 'member',
      email_reminders: 0,
      email_replies: 0,
      email_coach: 0,
      created_at: joined,
      updated_at: joined,
    });
    const pool = zoneTemplates.get(timeZone)!;
    const open: OpenOpportunity[] = [];
    const home = { overdue: 0, today: 0, upcoming: 0, board: 0 };
    for (let n = 0; n < perMember; n++) {
      const id = random.id();
      const templateIndex = random.pick(pool);
      const template = templates[templateIndex]!;
      records.push(
        id +
          String(templateIndex).padStart(TEMPLATE_WIDTH, '0') +
          String(random.int(0, TEXT_VARIANTS - 1)).padStart(TEXT_WIDTH, '0') +
          String(member).padStart(MEMBER_WIDTH, '0'),
      );
      result.conversations += template.conversations.length;
      result.touches += template.touches.length;
      if (member < sessionsFor && template.archivedAt === null) {
        home.board++;
        if (template.bucket !== 'none') home[template.bucket]++;
        if (template.stage === 'open')
          open.push({ id, step: template.plan.state === 'step' ? template.plan.step : '' });
      }
    }
    if (member < sessionsFor) {
      const sessionId = random.id();
      const secret = random.id();
      sessions.push({
        id: sessionId,
        secret_hash: createHash('sha256').update(secret).digest('hex'),
        user_id: userId,
        expires_at: nowMs + SESSION_LIFETIME_MS,
        user_agent: 'wrk (bench)',
        created_at: nowMs,
        last_seen_at: nowMs,
      });
      result.cookies.push(`session=${sessionId}.${secret}`);
      result.openOpportunities.push(open);
      result.home.push(home);
    }
  }

  const templateRows = templates.map((template, i) => {
    const step = template.plan.state === 'step' ? template.plan : undefined;
    return {
      i,
      kind: template.kind,
      stage: template.stage,
      archived_at: template.archivedAt,
      plan_state: template.plan.state,
      plan_step: step?.step ?? null,
      plan_precision: step?.precision ?? null,
      plan_earliest_at: step?.earliestAt.getTime() ?? null,
      plan_due_at: step?.dueAt.getTime() ?? null,
      plan_reason: template.reason,
      last_activity_at: template.lastActivityAt,
      created_at: template.conversations[0]!.at.getTime(),
      updated_at: Math.max(template.lastActivityAt, template.archivedAt ?? 0),
    };
  });
  const templateConversations = templates.flatMap((template, i) =>
    template.conversations.map((conversation, k) => ({
      template: i,
      k,
      at: conversation.at.getTime(),
      decision_by: conversation.decisionBy,
    })),
  );
  const templateTouches = templates.flatMap((template, i) =>
    template.touches.map((touch, k) => ({
      template: i,
      k,
      type: touch.type,
      step: touch.step,
      at: touch.at.getTime(),
      decision_by: touch.decisionBy,
      subject: touch.step ? SUBJECTS[touch.step] : '',
      body: touch.body,
    })),
  );
  const textRows = texts.map((text, i) => ({ i, ...text }));
  // In id order: the primary-key indexes are then built by appending, and each member's rows end
  // up scattered over the table as they would after months of members adding entries.
  records.sort();
  const packed = Buffer.from(records.join(''), 'latin1');

  const client = createClient({ url: databaseUrl });
  // A bench database: durability during the seed is not needed, speed is. The generated rows are
  // consistent by construction, so foreign keys are not checked row by row either.
  await client.execute('PRAGMA synchronous = OFF');
  await client.execute('PRAGMA foreign_keys = OFF');
  await client.execute('PRAGMA temp_store = MEMORY');
  await client.execute('PRAGMA cache_size = -262144');
  const tables = ['users', 'sessions', 'opportunities', 'conversations', 'touches'];
  const indexes = (
    await client.execute({
      sql: `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(',')})`,
      args: tables,
    })
  ).rows.map((row) => ({ name: String(row['name']), sql: String(row['sql']) }));

  const loadStarted = performance.now();
  await client.batch(
    [
      ...indexes.map((index) => `DROP INDEX "${index.name}"`),
      `CREATE TEMP TABLE seed_templates (i INTEGER PRIMARY KEY, kind, stage, archived_at, plan_state, plan_step,
        plan_precision, plan_earliest_at, plan_due_at, plan_reason, last_activity_at, created_at, updated_at)`,
      'CREATE TEMP TABLE seed_template_conversations (template, k, at, decision_by)',
      'CREATE TEMP TABLE seed_template_touches (template, k, type, step, at, decision_by, subject, body)',
      `CREATE TEMP TABLE seed_texts (i INTEGER PRIMARY KEY, company, role_title, contact_name, contact_role,
        contact_email, notes, timing_note, specific_detail, value_idea, sent_body)`,
      'CREATE TEMP TABLE seed_users (member INTEGER PRIMARY KEY, id)',
      'CREATE TEMP TABLE seed_opportunities (n INTEGER PRIMARY KEY, id, user_id, template, text)',
      ...inserts('seed_templates', templateRows, SMALL_TABLE_ROWS),
      ...inserts('seed_template_conversations', templateConversations, SMALL_TABLE_ROWS),
      ...inserts('seed_template_touches', templateTouches, SMALL_TABLE_ROWS),
      'CREATE INDEX temp.seed_template_conversations_template ON seed_template_conversations (template)',
      'CREATE INDEX temp.seed_template_touches_template ON seed_template_touches (template)',
      ...inserts('seed_texts', textRows, SMALL_TABLE_ROWS),
      ...inserts('users', users, SMALL_TABLE_ROWS),
      ...inserts(
        'seed_users',
        users.map((user, member) => ({ member, id: user['id'] ?? null })),
        SMALL_TABLE_ROWS,
      ),
      ...inserts('sessions', sessions, SMALL_TABLE_ROWS),
      {
        sql: `WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
          INSERT INTO seed_opportunities (n, id, user_id, template, text)
          SELECT n, CAST(substr(?2, n * ${RECORD_WIDTH} + 1, ${ID_LENGTH}) AS TEXT),
            (SELECT id FROM seed_users WHERE seed_users.member = ${field(ID_LENGTH + TEMPLATE_WIDTH + TEXT_WIDTH, MEMBER_WIDTH)}),
            ${field(ID_LENGTH, TEMPLATE_WIDTH)}, ${field(ID_LENGTH + TEMPLATE_WIDTH, TEXT_WIDTH)}
          FROM seq`,
        args: [members * perMember, new Uint8Array(packed.buffer, packed.byteOffset, packed.length)],
      },
      `INSERT INTO opportunities (id, user_id, kind, company, role_title, contact_name, contact_role, contact_email,
          stage, notes, archived_at, plan_state, plan_step, plan_precision, plan_earliest_at, plan_due_at, plan_reason,
          last_activity_at, created_at, updated_at)
        SELECT o.id, o.user_id, t.kind, x.company, CASE t.kind WHEN 'interview' THEN x.role_title ELSE '' END,
          x.contact_name, x.contact_role, x.contact_email, t.stage, x.notes, t.archived_at, t.plan_state, t.plan_step,
          t.plan_precision, t.plan_earliest_at, t.plan_due_at, t.plan_reason, t.last_activity_at, t.created_at,
          t.updated_at
        FROM seed_opportunities o JOIN seed_templates t ON t.i = o.template JOIN seed_texts x ON x.i = o.text
        ORDER BY o.n`,
      // Ids of the rows below: the opportunity's own random id with its last two characters replaced.
      `INSERT INTO conversations (id, opportunity_id, user_id, at, decision_by, timing_note, specific_detail, value_idea,
          created_at)
        SELECT substr(o.id, 1, ${ID_LENGTH - 2}) || 'c' || char(97 + c.k), o.id, o.user_id, c.at, c.decision_by,
          x.timing_note, x.specific_detail, CASE t.kind WHEN 'networking' THEN x.value_idea ELSE '' END, c.at
        FROM seed_opportunities o JOIN seed_templates t ON t.i = o.template JOIN seed_texts x ON x.i = o.text
          JOIN seed_template_conversations c ON c.template = o.template
        ORDER BY o.n, c.k`,
      `INSERT INTO touches (id, opportunity_id, user_id, type, step, at, decision_by, subject, body, created_at)
        SELECT substr(o.id, 1, ${ID_LENGTH - 2}) || 't' || char(97 + h.k), o.id, o.user_id, h.type, h.step, h.at,
          h.decision_by, CASE WHEN h.subject = '' THEN '' ELSE h.subject || ' (' || x.company || ')' END,
          CASE h.type WHEN 'sent' THEN x.sent_body ELSE h.body END, h.at
        FROM seed_opportunities o JOIN seed_texts x ON x.i = o.text JOIN seed_template_touches h ON h.template = o.template
        ORDER BY o.n, h.k`,
      'DROP TABLE seed_opportunities',
      'DROP TABLE seed_users',
      'DROP TABLE seed_texts',
      'DROP TABLE seed_template_touches',
      'DROP TABLE seed_template_conversations',
      'DROP TABLE seed_templates',
    ],
    'write',
  );
  const loadMs = performance.now() - loadStarted;
  const indexStarted = performance.now();
  await client.batch(
    indexes.map((index) => index.sql),
    'write',
  );
  const indexMs = performance.now() - indexStarted;
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  client.close();

  result.ms = performance.now() - started;
  console.log(
    `Seeded ${result.members} members, ${result.opportunities} opportunities, ${result.conversations} conversations, ` +
      `${result.touches} touches in ${(result.ms / 1000).toFixed(1)} s (playbook over ${templates.length} ` +
      `simulated histories ${(simulatedMs / 1000).toFixed(1)} s, rows ${(loadMs / 1000).toFixed(1)} s, ` +
      `indexes ${(indexMs / 1000).toFixed(1)} s)`,
  );
  return result;
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/seed-tracker.ts <migrated database file> [members]');
    process.exit(1);
  }
  const seeded = await seedTracker(pathToFileURL(resolve(file)).href, { members: Number(process.argv[3] ?? 1000) });
  console.log(`first cookie: ${seeded.cookies[0] ?? '(none)'}`);
  console.log('home of the first members:', seeded.home.slice(0, 5));
}

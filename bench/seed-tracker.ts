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
 * random and gets its own ids, company, contact and texts. Deterministic for a given seed and `now`.
 *
 *   node bench/seed-tracker.ts <database file> [members]   (the file must be migrated already)
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type Client, type InStatement, type InValue } from '@libsql/client';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Plan } from '../src/lib/playbook.ts';
import type { ConversationRecord, OpportunityKind, Stage, StepId, TouchRecord } from '../src/lib/tracker-model.ts';
import { loadPlaybook, type Playbook } from './playbook.ts';

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

/** sfc32: small, fast, and the same sequence for the same seed on every run. */
function createRandom(seed: number) {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const bytes = new Uint8Array(24);
  /** Like the app's ids: 24 random bytes, base32. */
  const id = () => {
    for (let i = 0; i < bytes.length; i += 4) {
      const word = Math.floor(next() * 4294967296);
      bytes[i] = word & 0xff;
      bytes[i + 1] = (word >>> 8) & 0xff;
      bytes[i + 2] = (word >>> 16) & 0xff;
      bytes[i + 3] = word >>> 24;
    }
    return encodeBase32LowerCaseNoPadding(bytes);
  };
  return { next, int, pick, id };
}
type Random = ReturnType<typeof createRandom>;

interface Template {
  kind: OpportunityKind;
  stage: Stage;
  archivedAt: number | null;
  conversations: ConversationRecord[];
  touches: TouchRecord[];
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
  const first = conversations[0]!;
  const latest = conversations.at(-1)!;
  const ageDays = (nowMs - latest.at.getTime()) / DAY_MS;
  const { stage, archived } = stageFor(random, ageDays);

  // The member works through the playbook from the latest conversation: sends each step between
  // the day it opens and a little after it is due, now and then gets a reply, or drops the ball.
  const touches: TouchRecord[] = [];
  while (touches.length < 5) {
    const plan = playbook.planNextStep({ kind, stage: 'open', conversations, touches, timeZone });
    if (plan.state !== 'step' || random.next() < 0.08) break;
    const last = Math.max(plan.basedOn.getTime(), touches.at(-1)?.at.getTime() ?? 0);
    if (touches.length > 0 && random.next() < 0.12) {
      const at = new Date(last + random.int(6, 6 * 24) * HOUR_MS);
      if (at.getTime() > nowMs) break;
      const decisionBy =
        kind === 'interview' && random.next() < 0.4
          ? playbook.addDays(playbook.localDate(at, timeZone), random.int(3, 10))
          : null;
      touches.push({ type: 'reply', step: null, at, decisionBy });
      continue;
    }
    const window = plan.dueAt.getTime() - plan.earliestAt.getTime();
    const sentAt =
      plan.step === 'thank-you'
        ? plan.basedOn.getTime() + random.int(1, 26) * HOUR_MS
        : plan.earliestAt.getTime() + random.next() * window * 1.15 + random.int(8, 18) * HOUR_MS;
    if (sentAt > nowMs) break;
    touches.push({ type: 'sent', step: plan.step, at: new Date(sentAt), decisionBy: null });
  }

  const { plan, reason, bucket } = playbook.nextStep({ kind, stage, conversations, touches, timeZone }, now);
  const times = [...conversations.map((item) => item.at.getTime()), ...touches.map((item) => item.at.getTime())];
  const lastActivityAt = Math.max(...times);
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
    lastActivityAt: Math.max(lastActivityAt, archivedAt ?? 0, first.at.getTime()),
  };
}

/** Multi-row INSERTs, each under SQLite's 32,766 bound parameters. */
function inserts(table: string, columns: readonly string[], rows: InValue[][]): InStatement[] {
  const perStatement = Math.floor(32_000 / columns.length);
  const statements: InStatement[] = [];
  const tuple = `(${columns.map(() => '?').join(',')})`;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    statements.push({
      sql: `INSERT INTO ${table} (${columns.join(',')}) VALUES ${chunk.map(() => tuple).join(',')}`,
      args: chunk.flat(),
    });
  }
  return statements;
}

const USER_COLUMNS = [
  'id',
  'email',
  'email_verified_at',
  'password_hash',
  'name',
  'time_zone',
  'role',
  'email_reminders',
  'email_replies',
  'email_coach',
  'created_at',
  'updated_at',
] as const;
const OPPORTUNITY_COLUMNS = [
  'id',
  'user_id',
  'kind',
  'company',
  'role_title',
  'contact_name',
  'contact_role',
  'contact_email',
  'stage',
  'notes',
  'archived_at',
  'plan_state',
  'plan_step',
  'plan_precision',
  'plan_earliest_at',
  'plan_due_at',
  'plan_reason',
  'last_activity_at',
  'created_at',
  'updated_at',
] as const;
const CONVERSATION_COLUMNS = [
  'id',
  'opportunity_id',
  'user_id',
  'at',
  'decision_by',
  'timing_note',
  'specific_detail',
  'value_idea',
  'created_at',
] as const;
const TOUCH_COLUMNS = [
  'id',
  'opportunity_id',
  'user_id',
  'type',
  'step',
  'at',
  'decision_by',
  'subject',
  'body',
  'created_at',
] as const;
const SESSION_COLUMNS = ['id', 'secret_hash', 'user_id', 'expires_at', 'user_agent', 'created_at', 'last_seen_at'];

export async function seedTracker(databaseUrl: string, options: SeedOptions = {}): Promise<TrackerSeed> {
  const started = performance.now();
  const { members = 1000, perMember = 300, sessionsFor = 50, now = new Date(), seed = 20_261_126 } = options;
  const templatesPerZone = options.templatesPerZone ?? Math.min(1000, Math.max(50, Math.ceil(perMember * 3)));
  const nowMs = now.getTime();
  const random = createRandom(seed);
  const playbook = await loadPlaybook();

  const zones = Array.from({ length: members }, () => random.pick(TIME_ZONES));
  const templates = new Map<string, Template[]>();
  for (const zone of TIME_ZONES) {
    if (!zones.includes(zone)) continue;
    const zoneRandom = createRandom(seed ^ (zone.length * 7919 + zone.charCodeAt(zone.length - 1)));
    templates.set(
      zone,
      Array.from({ length: templatesPerZone }, () => simulate(playbook, zoneRandom, zone, now)),
    );
  }
  const simulatedMs = performance.now() - started;

  const client: Client = createClient({ url: databaseUrl });
  // A bench database: durability during the seed is not needed, speed is.
  await client.execute('PRAGMA synchronous = OFF');
  await client.execute('PRAGMA cache_size = -262144');

  const result: TrackerSeed = {
    members,
    opportunities: 0,
    conversations: 0,
    touches: 0,
    cookies: [],
    openOpportunities: [],
    home: [],
    ms: 0,
  };
  const GROUP = 20;
  for (let from = 0; from < members; from += GROUP) {
    const users: InValue[][] = [];
    const sessions: InValue[][] = [];
    const opportunityRows: InValue[][] = [];
    const conversationRows: InValue[][] = [];
    const touchRows: InValue[][] = [];
    for (let member = from; member < Math.min(members, from + GROUP); member++) {
      const userId = random.id();
      const timeZone = zones[member]!;
      const joined = nowMs - random.int(120, 200) * DAY_MS;
      const first = random.pick(FIRST_NAMES);
      users.push([
        userId,
        `member${member}@bench.example`,
        joined + HOUR_MS,
        '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaA$bm8tbG9naW4tZm9yLWJlbmNoLW1lbWJlcnM',
        `${first} ${random.pick(LAST_NAMES)}`,
        timeZone,
        'member',
        0,
        0,
        0,
        joined,
        joined,
      ]);
      const open: OpenOpportunity[] = [];
      const home = { overdue: 0, today: 0, upcoming: 0, board: 0 };
      const pool = templates.get(timeZone)!;
      for (let n = 0; n < perMember; n++) {
        const template = random.pick(pool);
        const id = random.id();
        const company = random.pick(COMPANIES) + random.pick(SUFFIXES);
        const contactFirst = random.pick(FIRST_NAMES);
        const contactLast = random.pick(LAST_NAMES);
        const domain = company.toLowerCase().replace(/[^a-z]+/g, '');
        const { plan } = template;
        const step = plan.state === 'step' ? plan : undefined;
        const createdAt = template.conversations[0]!.at.getTime();
        opportunityRows.push([
          id,
          userId,
          template.kind,
          company,
          template.kind === 'interview' ? random.pick(ROLES) : '',
          `${contactFirst} ${contactLast}`,
          random.pick(CONTACT_ROLES),
          random.next() < 0.7 ? `${contactFirst.toLowerCase()}@${domain}.example` : '',
          template.stage,
          random.pick(NOTES),
          template.archivedAt,
          plan.state,
          step?.step ?? null,
          step?.precision ?? null,
          step?.earliestAt.getTime() ?? null,
          step?.dueAt.getTime() ?? null,
          template.reason,
          template.lastActivityAt,
          createdAt,
          template.lastActivityAt,
        ]);
        for (const conversation of template.conversations) {
          conversationRows.push([
            random.id(),
            id,
            userId,
            conversation.at.getTime(),
            conversation.decisionBy,
            random.pick(TIMING_NOTES),
            random.pick(DETAILS),
            template.kind === 'networking' ? random.pick(VALUE_IDEAS) : '',
            conversation.at.getTime(),
          ]);
        }
        for (const touch of template.touches) {
          const subject = touch.step ? `${SUBJECTS[touch.step]} (${company})` : '';
          const body =
            touch.type === 'sent'
              ? `Hi ${contactFirst},\n\n${random.pick(DETAILS)} I remain very interested and happy to share anything that helps.\n\nBest regards,\n${first}`
              : random.next() < 0.5
                ? 'Thanks for the note, we will be in touch soon.'
                : '';
          touchRows.push([
            random.id(),
            id,
            userId,
            touch.type,
            touch.step,
            touch.at.getTime(),
            touch.decisionBy,
            subject,
            body,
            touch.at.getTime(),
          ]);
        }
        result.conversations += template.conversations.length;
        result.touches += template.touches.length;
        if (template.archivedAt === null) {
          home.board++;
          if (template.bucket !== 'none') home[template.bucket]++;
          if (template.stage === 'open') open.push({ id, step: step?.step ?? '' });
        }
      }
      result.opportunities += perMember;
      if (member < sessionsFor) {
        const sessionId = random.id();
        const secret = random.id();
        sessions.push([
          sessionId,
          createHash('sha256').update(secret).digest('hex'),
          userId,
          nowMs + SESSION_LIFETIME_MS,
          'wrk (bench)',
          nowMs,
          nowMs,
        ]);
        result.cookies.push(`session=${sessionId}.${secret}`);
        result.openOpportunities.push(open);
        result.home.push(home);
      }
    }
    await client.batch(
      [
        ...inserts('users', USER_COLUMNS, users),
        ...inserts('sessions', SESSION_COLUMNS, sessions),
        ...inserts('opportunities', OPPORTUNITY_COLUMNS, opportunityRows),
        ...inserts('conversations', CONVERSATION_COLUMNS, conversationRows),
        ...inserts('touches', TOUCH_COLUMNS, touchRows),
      ],
      'write',
    );
  }
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  client.close();
  result.ms = performance.now() - started;
  console.log(
    `Seeded ${result.members} members, ${result.opportunities} opportunities, ${result.conversations} conversations, ` +
      `${result.touches} touches in ${(result.ms / 1000).toFixed(1)} s ` +
      `(playbook over ${templates.size * templatesPerZone} simulated histories: ${(simulatedMs / 1000).toFixed(1)} s)`,
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
}

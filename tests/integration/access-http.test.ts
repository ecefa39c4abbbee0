/**
 * Who may call what, for every Action at once, through HTTP on the built server: each Action
 * posted from another site is refused before it runs, whoever sends it; each Action for members is
 * refused to visitors and to forged or ended sessions; each Action for the coach is refused to
 * members. Nothing in the database changes. The table must name every Action in src/actions, so
 * a new one cannot be added without saying who may call it.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, interviewForm, PASSWORD, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { actionsInSource } from '../setup/source-inventory.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

type Who = 'anyone' | 'member' | 'coach';

/** Who may call each Action. */
const ACCESS: Record<string, Who> = {
  'account.updateProfile': 'member',
  'account.changePassword': 'member',
  'account.revokeSession': 'member',
  'account.revokeOtherSessions': 'member',
  'account.deleteAccount': 'member',
  'auth.signup': 'anyone',
  'auth.login': 'anyone',
  'auth.logout': 'anyone',
  'auth.forgotPassword': 'anyone',
  'auth.loginLink': 'anyone',
  'auth.resetPassword': 'anyone',
  'billing.checkout': 'member',
  'billing.portal': 'member',
  'billing.setLimits': 'coach',
  'coach.setRole': 'coach',
  'coach.deleteLead': 'coach',
  'comments.post': 'member',
  'comments.edit': 'member',
  'comments.remove': 'member',
  'comments.like': 'member',
  'comments.report': 'member',
  'comments.moderate': 'coach',
  'comments.block': 'coach',
  'comments.holdFirst': 'coach',
  'comments.importJson': 'coach',
  'leads.capture': 'anyone',
  'newsletter.save': 'coach',
  'newsletter.preview': 'coach',
  'newsletter.sendTest': 'coach',
  'newsletter.schedule': 'coach',
  'newsletter.sendNow': 'coach',
  'newsletter.unschedule': 'coach',
  'newsletter.draftAnnouncement': 'coach',
  'newsletter.setSender': 'coach',
  'reviews.request': 'member',
  'reviews.withdraw': 'member',
  'reviews.answer': 'coach',
  'sequence.save': 'coach',
  'sequence.add': 'coach',
  'sequence.move': 'coach',
  'sequence.pause': 'coach',
  'tracker.create': 'member',
  'tracker.update': 'member',
  'tracker.addRound': 'member',
  'tracker.markSent': 'member',
  'tracker.logReply': 'member',
  'tracker.undoTouch': 'member',
  'tracker.setStage': 'member',
  'tracker.archive': 'member',
  'tracker.remove': 'member',
  'tracker.importFile': 'member',
  'tracker.calendarFeed': 'member',
};

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
let member: Browser;
let coach: Browser;
let entryId = '';
let commentId = '';

beforeAll(async () => {
  server = await startMemberServer(database.url);
  member = await signedUpMember(base, sql, 'access-member@example.com');
  coach = await signedUpCoach(base, sql, 'access-coach@example.com');
  const created = await member.post('/tracker/new?_action=tracker.create', interviewForm());
  expect(created.status).toBe(303);
  entryId = /\/tracker\/o\/([^?]+)/.exec(created.headers.get('location')!)![1]!;
  const posted = await member.post('/articles/thank-you-note-within-24-hours/comments?_action=comments.post', {
    slug: 'thank-you-note-within-24-hours',
    body: 'I sent mine the same evening.',
    back: 'comments',
  });
  expect(posted.status).toBe(303);
  commentId = String((await sql.execute('SELECT id FROM comments LIMIT 1')).rows[0]!['id']);
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

/** Fields that would pass validation, so a refusal comes from who is asking, not from the input. */
function fieldsFor(action: string): Record<string, string> {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return {
    id: action.startsWith('comments.') ? commentId : entryId,
    opportunityId: entryId,
    touchId: 'a-touch',
    sessionId: 'abcdefgh234567',
    token: 'a-token-from-a-link',
    userId: 'someone',
    leadId: 'a-lead-id',
    slug: 'thank-you-note-within-24-hours',
    body: 'A plausible body for this form.',
    subject: 'Following up',
    comment: 'Shorter is better.',
    version: '1',
    email: 'someone@example.com',
    password: 'a phrase long enough',
    current: 'a phrase long enough',
    // The password's confirmation, or the tick that confirms a deletion.
    confirm: action === 'tracker.remove' ? 'on' : 'a phrase long enough',
    confirmText: 'DELETE',
    name: 'Sam',
    timeZone: 'Europe/Paris',
    interval: 'month',
    role: 'coach',
    kind: 'interview',
    company: 'Northwind',
    roleTitle: 'Designer',
    contactName: 'Priya Shah',
    happenedOn: yesterday,
    happenedAt: '14:00',
    step: 'thank-you',
    stage: 'offer',
    archived: 'true',
    enable: 'on',
    reason: 'spam',
    action: 'approve',
    blocked: 'true',
    hold: 'true',
    consent: 'on',
    article: 'thank-you-note-within-24-hours',
    postalAddress: '12 Harbour Street, Leith',
    audienceKind: 'leads',
    delayDays: '2',
    bodyMarkdown: 'A plausible email.',
    forMembers: 'on',
    direction: 'down',
    paused: 'true',
  };
}

/** The two Actions that take a file get one; the rest a plain form. */
async function call(action: string, who: Browser, headers: Record<string, string> = {}) {
  const fields = fieldsFor(action);
  if (action !== 'tracker.importFile' && action !== 'comments.importJson')
    return who.post(`/_actions/${action}`, fields, headers);
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set(
    'file',
    action === 'tracker.importFile'
      ? new File(['company,role\nNorthwind,Designer\n'], 'entries.csv', { type: 'text/csv' })
      : new File(['{"comments":[]}'], 'comments.json', { type: 'application/json' }),
  );
  return who.postMultipart(`/_actions/${action}`, form, headers);
}

/** Every row of every table, hashed: what "nothing changed" means here. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = (
    await sql.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
  ).rows.map((row) => String(row['name']));
  const result: Record<string, string> = {};
  for (const table of tables) {
    // Rate-limit counters move with every refused attempt, by design.
    if (table === 'rate_limits') continue;
    const rows = (await sql.execute(`SELECT * FROM "${table}" ORDER BY rowid`)).rows;
    result[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  return result;
}

describe('who may call each Action', () => {
  it('the table names every Action in the source', () => {
    expect(Object.keys(ACCESS).sort(), 'say who may call each new Action').toEqual(actionsInSource().sort());
  });

  it('another site cannot make anyone call any Action, signed in or not', async () => {
    const before = await snapshot();
    for (const action of Object.keys(ACCESS)) {
      for (const [label, browser] of [
        ['visitor', new Browser(base)],
        ['member', member],
        ['coach', coach],
      ] as const) {
        const response = await call(action, browser, { origin: 'https://evil.example' });
        expect(response.status, `${action} as ${label} from another site`).toBe(403);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('visitors and forged or ended sessions cannot call members’ or the coach’s Actions', async () => {
    const memberSession = member.cookie.split('=')[1]!;
    // A real session of the member's, signed in and then signed out.
    const ended = new Browser(base);
    const signIn = await ended.post('/login?_action=auth.login', {
      email: 'access-member@example.com',
      password: PASSWORD,
    });
    expect(signIn.status).toBe(303);
    const endedCookie = ended.cookie;
    expect(endedCookie).toMatch(/^session=/);
    expect((await ended.post('/logout?_action=auth.logout', {})).status).toBe(303);
    const before = await snapshot();
    const forged = [
      '',
      `session=${memberSession.split('.')[0]}.${'a'.repeat(39)}`,
      'session=not-a-session',
      endedCookie,
    ];
    for (const action of Object.keys(ACCESS).filter((name) => ACCESS[name] !== 'anyone')) {
      for (const cookie of forged) {
        const visitor = new Browser(base);
        visitor.cookie = cookie;
        const response = await call(action, visitor);
        expect(response.status, `${action} with cookie "${cookie}"`).toBe(401);
        expect((await response.json()) as { code: string }, action).toMatchObject({ code: 'UNAUTHORIZED' });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('members cannot call the coach’s Actions', async () => {
    const before = await snapshot();
    for (const action of Object.keys(ACCESS).filter((name) => ACCESS[name] === 'coach')) {
      const response = await call(action, member);
      expect([403, 404], `${action} as a member`).toContain(response.status);
    }
    expect(await snapshot()).toEqual(before);
  });
});

/**
 * A tracker moved whole: any tracker a member could have, exported as JSON and imported into
 * another account, exports the same again (ids aside), next steps included. Against a real
 * database; the tracker is written straight into its tables, not through the importer under test.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { conversations, opportunities, touches, users } from '../../db/schema.ts';
import { isPlainText, isSingleLine } from '../../src/lib/forms/fields.ts';
import { readTrackerFile } from '../../src/lib/tracker/import-file.ts';
import { OPPORTUNITY_KINDS, STAGES, STEP_IDS, TOUCH_TYPES } from '../../src/lib/tracker/model.ts';
import { replanAll, type Member } from '../../src/lib/tracker/entries.server.ts';
import { importOpportunities, trackerData } from '../../src/lib/tracker/transfer.server.ts';
import { trackerJson } from '../../src/lib/tracker/tracker-json.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const now = new Date('2026-12-07T12:00:00.000Z');
const zone = 'Europe/Berlin';
let test: TestDatabase;
let members = 0;

beforeAll(() => {
  test = openTestDatabase();
});

async function addMember(): Promise<Member> {
  const id = `member-${++members}`;
  await test.db.insert(users).values({ id, email: `${id}@example.com`, passwordHash: 'x', name: id, timeZone: zone });
  return { id, timeZone: zone };
}

/** Characters that break files and parsers: quotes, separators, accents, emoji, right-to-left. */
const awkward = fc.constantFrom(...'aZ 09"\',;\\{}[]<>&=+-@éüßŠř€😀你مx'.split(''), 'Ä', '\u00a0');

/** Text as the forms store it: trimmed, within the limit, one line or several. */
const text = (max: number, { required = false, lines = false } = {}) =>
  fc
    .string({ unit: lines ? fc.oneof(awkward, fc.constantFrom('\n', '\t')) : awkward, maxLength: Math.min(max, 40) })
    .map((value) => value.trim())
    .filter(
      (value) =>
        (!required || value !== '') && value.length <= max && (lines ? isPlainText(value) : isSingleLine(value)),
    );

const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: now, noInvalidDate: true });
const day = instant.map((at) => at.toISOString().slice(0, 10));

const conversation = fc.record({
  at: instant,
  decisionBy: fc.option(day, { nil: null }),
  timingNote: text(200),
  specificDetail: text(300),
  valueIdea: text(300),
});

const touch = fc.record({
  type: fc.constantFrom(...TOUCH_TYPES),
  step: fc.option(fc.constantFrom(...STEP_IDS), { nil: null }),
  at: instant,
  decisionBy: fc.option(day, { nil: null }),
  subject: text(300),
  body: text(20_000, { lines: true }),
});

const entry = fc
  .record({
    kind: fc.constantFrom(...OPPORTUNITY_KINDS),
    company: text(120, { required: true }),
    roleTitle: text(120, { required: true }),
    contactName: text(120, { required: true }),
    contactRole: text(120),
    contactEmail: fc.constantFrom('', 'ana@example.com', 'o.reilly+jobs@example.co.uk'),
    stage: fc.constantFrom(...STAGES),
    notes: text(2000, { lines: true }),
    archivedAt: fc.option(instant, { nil: null }),
    conversations: fc.array(conversation, { maxLength: 3 }),
    touches: fc.array(touch, { maxLength: 4 }),
  })
  .chain((value) =>
    // A networking contact may have no role; an interview always names one.
    value.kind === 'networking'
      ? fc.constantFrom('', value.roleTitle).map((roleTitle) => ({ ...value, roleTitle }))
      : fc.constant(value),
  );

/** Entries with distinct creation times, as a member adds them one after another. */
const tracker = fc.uniqueArray(fc.tuple(entry, instant), {
  maxLength: 6,
  selector: ([, createdAt]) => createdAt.getTime(),
});

type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;

/** Writes a tracker straight into the tables, then lets the playbook plan it, as the app would have. */
async function writeTracker(member: Member, entries: readonly (readonly [Entry, Date])[]) {
  let rows = 0;
  for (const [value, createdAt] of entries) {
    const id = `${member.id}-o${++rows}`;
    const { conversations: rounds, touches: messages, ...fields } = value;
    await test.db
      .insert(opportunities)
      .values({ id, userId: member.id, ...fields, createdAt, lastActivityAt: createdAt });
    for (const round of rounds)
      await test.db
        .insert(conversations)
        .values({ id: `${id}-c${++rows}`, opportunityId: id, userId: member.id, ...round, createdAt });
    for (const message of messages)
      await test.db
        .insert(touches)
        .values({ id: `${id}-t${++rows}`, opportunityId: id, userId: member.id, ...message, createdAt });
  }
  await replanAll(test.db, member, now);
}

async function exportOf(member: Member) {
  const data = await trackerData(test.db, member);
  return JSON.stringify(
    trackerJson({
      exportedAt: now,
      timeZone: zone,
      opportunities: data.raw,
      conversations: data.conversations,
      touches: data.touches,
    }),
  );
}

/** The export with every id taken out: what must survive a move. */
function withoutIds(json: string) {
  return JSON.parse(json, (key, value: unknown) => (key === 'id' ? undefined : value)) as unknown;
}

describe('the JSON export, imported into another account', () => {
  it('gives back exactly the tracker that was exported: entries, rounds, messages, replies, notes, archive, next steps', async () => {
    await fc.assert(
      fc.asyncProperty(tracker, async (entries) => {
        const original = await addMember();
        await writeTracker(original, entries);
        const exported = await exportOf(original);

        const report = readTrackerFile(new TextEncoder().encode(exported), { timeZone: zone, now });
        expect(report.problems).toEqual([]);
        const copy = await addMember();
        const result = await importOpportunities(test.db, copy, report.opportunities, now);
        expect(result).toEqual({ added: entries.length, alreadyThere: 0 });

        expect(withoutIds(await exportOf(copy))).toEqual(withoutIds(exported));

        // The same file again adds nothing: each entry is recognised as already there.
        const again = await importOpportunities(test.db, copy, report.opportunities, now);
        expect(again).toEqual({ added: 0, alreadyThere: entries.length });
        expect(withoutIds(await exportOf(copy))).toEqual(withoutIds(exported));
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('keeps the follow-up history that decides the next step (a thank-you sent is not due again)', async () => {
    const original = await addMember();
    const talkedAt = new Date('2026-12-01T09:00:00Z');
    await writeTracker(original, [
      [
        {
          kind: 'interview',
          company: 'Müller GmbH',
          roleTitle: 'Analyst',
          contactName: 'Renée Šťastná',
          contactRole: '',
          contactEmail: '',
          stage: 'open',
          notes: '',
          archivedAt: null,
          conversations: [{ at: talkedAt, decisionBy: null, timingNote: '', specificDetail: '', valueIdea: '' }],
          touches: [
            {
              type: 'sent',
              step: 'thank-you',
              at: new Date('2026-12-01T15:00:00Z'),
              decisionBy: null,
              subject: 'Thank you',
              body: 'Hello',
            },
          ],
        },
        talkedAt,
      ],
    ]);
    const exported = JSON.parse(await exportOf(original)) as { opportunities: { next: { step: string } }[] };
    expect(exported.opportunities[0]!.next.step).toBe('first-check-in');

    const copy = await addMember();
    const report = readTrackerFile(new TextEncoder().encode(JSON.stringify(exported)), { timeZone: zone, now });
    await importOpportunities(test.db, copy, report.opportunities, now);
    const moved = JSON.parse(await exportOf(copy)) as {
      opportunities: { next: { step: string }; touches: unknown[] }[];
    };
    expect(moved.opportunities[0]!.next.step).toBe('first-check-in');
    expect(moved.opportunities[0]!.touches).toHaveLength(1);
  });
});

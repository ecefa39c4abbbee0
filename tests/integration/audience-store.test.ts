/**
 * Broadcast audiences straight from a database: each kind's exact people (consent to newsletters,
 * confirmation, unsubscribes, suppressed addresses, members' switch, Coaching now), narrowed by
 * article, tag and signup dates; a lead who became a member counted once; the count of leads left
 * out for their older consent; and the query plans (indexes, not scans, but for "all members").
 */
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { emailSuppressions, entitlements, leads, users } from '../../db/schema.ts';
import type { Audience } from '../../src/lib/marketing/audience.ts';
import { audienceFromFields, describeAudience, readAudience } from '../../src/lib/marketing/audience.ts';
import { audienceQuery, countAudience, leftOutQuery, recipientsPage } from '../../src/lib/marketing/audience.server.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

let test: TestDatabase;
const now = new Date('2026-12-01T12:00:00Z');
const at = (iso: string) => new Date(iso);

async function lead(
  name: string,
  options: {
    status?: 'pending' | 'confirmed' | 'unsubscribed';
    consent?: boolean;
    article?: string | null;
    created?: string;
    userId?: string;
  } = {},
) {
  await test.db.insert(leads).values({
    id: `lead-${name}`,
    email: `${name}@example.com`,
    status: options.status ?? 'confirmed',
    newsletterConsent: options.consent ?? true,
    sourceArticle: options.article === undefined ? 'article-x' : options.article,
    consentText: 'Send me the cheat sheet, tips and occasional newsletters.',
    consentAt: at(options.created ?? '2026-11-10T10:00:00Z'),
    createdAt: at(options.created ?? '2026-11-10T10:00:00Z'),
    confirmedAt: options.status === 'pending' ? null : at(options.created ?? '2026-11-10T10:00:00Z'),
    userId: options.userId ?? null,
  });
}

async function member(
  name: string,
  options: {
    verified?: boolean;
    newsletter?: boolean;
    created?: string;
    coaching?: 'active' | 'grace' | 'ended' | 'lapsed';
  } = {},
) {
  await test.db.insert(users).values({
    id: `user-${name}`,
    email: `${name}@example.com`,
    passwordHash: 'x',
    emailVerifiedAt: options.verified === false ? null : at('2026-11-01T00:00:00Z'),
    emailCoach: options.newsletter ?? true,
    createdAt: at(options.created ?? '2026-11-15T10:00:00Z'),
  });
  if (options.coaching) {
    const lapsed = options.coaching === 'lapsed';
    await test.db.insert(entitlements).values({
      userId: `user-${name}`,
      status: options.coaching === 'lapsed' ? 'active' : options.coaching,
      accessUntil:
        options.coaching === 'grace' ? at('2026-12-05T00:00:00Z') : lapsed ? at('2026-11-30T00:00:00Z') : null,
    });
  }
}

const emails = async (audience: Audience, tagArticles?: string[]) =>
  (await recipientsPage(test.db, audience, { now, tagArticles }, '', 1000)).map((r) =>
    r.email.replace('@example.com', ''),
  );

beforeEach(async () => {
  test = openTestDatabase();
  await lead('reader'); // confirmed, agreed to newsletters, from article-x
  await lead('old-consent', { consent: false }); // agreed before the consent covered newsletters
  await lead('pending', { status: 'pending' });
  await lead('unsubscribed', { status: 'unsubscribed' });
  await lead('bounced');
  await test.db.insert(emailSuppressions).values({ email: 'bounced@example.com', reason: 'bounce' });
  await lead('early', { created: '2026-10-01T10:00:00Z', article: 'article-y' });
  await lead('no-article', { article: null });

  await member('plain'); // a member with no cheat-sheet request
  await member('switched-off', { newsletter: false });
  await lead('switched-off', { userId: 'user-switched-off' }); // also a lead: still off
  await member('unverified', { verified: false });
  await member('both'); // a lead who became a member: one recipient
  await lead('both', { article: 'article-y', userId: 'user-both' });
  await member('old-member', { created: '2026-09-01T10:00:00Z' });
  await lead('old-member', { consent: false, article: 'article-x', userId: 'user-old-member' });
  await member('paying', { coaching: 'active' });
  await member('grace', { coaching: 'grace' });
  await member('ended', { coaching: 'ended' });
  await member('lapsed', { coaching: 'lapsed' });
});

describe('audiences', () => {
  it('everyone: consenting confirmed leads and members with the newsletter on, each address once', async () => {
    expect(await emails({ kind: 'everyone' })).toEqual([
      'both',
      'early',
      'ended',
      'grace',
      'lapsed',
      'no-article',
      'old-member',
      'paying',
      'plain',
      'reader',
    ]);
    expect(await countAudience(test.db, { kind: 'everyone' }, { now })).toEqual({
      recipients: 10,
      leftOutForConsent: 1, // old-consent; old-member is reached as a member
    });
  });

  it('the readers: consenting confirmed leads only, members among them through their own request', async () => {
    // Not 'plain' or the Coaching members (no cheat-sheet request), not 'old-member' (old consent).
    expect(await emails({ kind: 'leads' })).toEqual(['both', 'early', 'no-article', 'reader']);
    expect(await countAudience(test.db, { kind: 'leads' }, { now })).toEqual({
      recipients: 4,
      leftOutForConsent: 2, // old-consent, and old-member, whom only the member arm would reach
    });
  });

  it('a lead who became a member is one recipient, unsubscribed through the lead', async () => {
    const page = await recipientsPage(test.db, { kind: 'everyone' }, { now }, '', 1000);
    const both = page.filter((r) => r.email === 'both@example.com');
    expect(both).toEqual([{ email: 'both@example.com', leadId: 'lead-both', userId: 'user-both' }]);
    expect(page.find((r) => r.email === 'plain@example.com')).toEqual({
      email: 'plain@example.com',
      leadId: null,
      userId: 'user-plain',
    });
  });

  it('members: verified, newsletter on, not suppressed or unsubscribed as a lead', async () => {
    expect(await emails({ kind: 'members' })).toEqual([
      'both',
      'ended',
      'grace',
      'lapsed',
      'old-member',
      'paying',
      'plain',
    ]);
    expect((await countAudience(test.db, { kind: 'members' }, { now })).leftOutForConsent).toBe(0);
    // Unsubscribing as a lead, or a bounce, takes the member out too.
    await test.db
      .update(leads)
      .set({ status: 'unsubscribed' })
      .where(sql`email = 'both@example.com'`);
    await test.db.insert(emailSuppressions).values({ email: 'plain@example.com', reason: 'complaint' });
    expect(await emails({ kind: 'members' })).toEqual(['ended', 'grace', 'lapsed', 'old-member', 'paying']);
  });

  it('Coaching members: active now, or in a grace period that has not ended', async () => {
    expect(await emails({ kind: 'coaching' })).toEqual(['grace', 'paying']);
  });

  it('came from an article: leads by their source, members through their cheat-sheet request', async () => {
    expect(await emails({ kind: 'everyone', article: 'article-x' })).toEqual(['old-member', 'reader']);
    expect(await emails({ kind: 'everyone', article: 'article-y' })).toEqual(['both', 'early']);
    expect(await emails({ kind: 'members', article: 'article-y' })).toEqual(['both']);
    expect((await countAudience(test.db, { kind: 'everyone', article: 'article-x' }, { now })).leftOutForConsent).toBe(
      1,
    );
  });

  it('came from a tag: the articles with that tag, none when it has none', async () => {
    expect(await emails({ kind: 'everyone', tag: 'thank-you' }, ['article-y', 'article-z'])).toEqual(['both', 'early']);
    expect(await emails({ kind: 'everyone', tag: 'nothing' }, [])).toEqual([]);
  });

  it('signed up between two days (UTC, both included)', async () => {
    expect(await emails({ kind: 'everyone', from: '2026-10-01', to: '2026-10-01' })).toEqual(['early']);
    expect(await emails({ kind: 'members', from: '2026-09-01', to: '2026-09-30' })).toEqual(['old-member']);
    expect(await emails({ kind: 'everyone', from: '2026-11-16' })).toEqual([]);
  });

  it('pages by address without repeating or skipping anyone', async () => {
    const seen: string[] = [];
    let after = '';
    for (;;) {
      const page = await recipientsPage(test.db, { kind: 'everyone' }, { now }, after, 3);
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.email));
      after = page.at(-1)!.email;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
  });

  it('reads the picker and describes the audience', () => {
    expect(audienceFromFields({ audienceKind: 'members', audienceArticle: 'article-x' })).toEqual({
      ok: true,
      audience: { kind: 'members', article: 'article-x' },
    });
    expect(audienceFromFields({ audienceKind: 'nobody' })).toEqual({
      ok: false,
      problems: { audienceKind: 'Choose who gets this email.' },
    });
    expect(audienceFromFields({ audienceFrom: '2026-12-02', audienceTo: '2026-12-01' })).toMatchObject({
      ok: false,
      problems: { audienceTo: expect.stringMatching(/before the first/) },
    });
    expect(audienceFromFields({ audienceArticle: 'a', audienceTag: 't' })).toMatchObject({ ok: false });
    expect(readAudience({ kind: 'nobody' })).toEqual({ kind: 'everyone' });
    expect(describeAudience({ kind: 'leads', article: 'a' }, () => 'Title')).toBe(
      'Readers who asked for the cheat sheet, who came from “Title”',
    );
    expect(describeAudience({ kind: 'coaching', article: 'a', from: '2026-01-01' }, () => 'Title')).toBe(
      'Coaching members, who came from “Title”, signed up on or after 2026-01-01',
    );
  });
});

describe('query plans', () => {
  const planOf = async (query: ReturnType<typeof audienceQuery>) =>
    ((await test.db.all(sql`EXPLAIN QUERY PLAN ${query}`)) as { detail: string }[]).map((row) => row.detail).join('\n');

  it('uses the audience index, the address indexes and the primary keys', async () => {
    const context = { now, tagArticles: ['article-x', 'article-y'] };
    const everyone = await planOf(audienceQuery({ kind: 'everyone', article: 'article-x' }, context));
    expect(everyone).toMatch(/SEARCH l USING (COVERING )?INDEX leads_audience/);
    expect(everyone).toMatch(
      /SEARCH s USING (COVERING )?INDEX sqlite_autoindex_email_suppressions_1|SEARCH s USING PRIMARY KEY/,
    );
    expect(everyone).toMatch(/SEARCH x USING INDEX leads_email_unique/);
    expect(everyone).toMatch(/SEARCH y USING INDEX users_email_unique/);

    const tagged = await planOf(audienceQuery({ kind: 'everyone', tag: 't', from: '2026-11-01' }, context));
    expect(tagged).toMatch(/SEARCH l USING (COVERING )?INDEX leads_audience/);

    const coaching = await planOf(audienceQuery({ kind: 'coaching' }, context));
    // Coaching members: the entitlements (one row per paying member), then each account by its key.
    expect(coaching).toMatch(/SCAN e\b/);
    expect(coaching).toMatch(/SEARCH u USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);
    expect(coaching).not.toMatch(/SCAN u\b/);

    // Only "all members" reads every account: that is what it asks for.
    const members = await planOf(audienceQuery({ kind: 'members' }, context));
    expect(members).toMatch(/SCAN u\b/);
    expect(members).toMatch(/SEARCH l USING INDEX leads_user/);

    for (const plan of [everyone, tagged, coaching, members]) {
      expect(plan).not.toMatch(/SCAN (l|x|y|s|leads|users|email_suppressions)\b/);
    }
    const leftOut = leftOutQuery({ kind: 'everyone', article: 'article-x' }, context)!;
    expect(await planOf(leftOut)).toMatch(/SEARCH l USING (COVERING )?INDEX leads_audience/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PREMIUM_MARKER, splitPremium } from '../../src/lib/articles/rules';
import {
  GRACE_DAYS,
  NO_ENTITLEMENT,
  PERIOD_LEEWAY_DAYS,
  billingSummary,
  entitlementFrom,
  formatPrice,
  yearlySaving,
  hasAccess,
  isLiveStatus,
  pastDueSince,
  subscriptionLines,
  subscriptionEntitlement,
  type SubscriptionState,
} from '../../src/lib/coaching/billing-rules';

const DAY = 86_400_000;
const now = new Date('2026-11-26T12:00:00Z');
const later = (days: number) => new Date(now.getTime() + days * DAY);
const sub = (overrides: Partial<SubscriptionState> = {}): SubscriptionState => ({
  id: 'sub_1',
  status: 'active',
  interval: 'month',
  currentPeriodEnd: later(30),
  cancelAtPeriodEnd: false,
  pastDueSince: null,
  ...overrides,
});
const day = (date: Date) => date.toISOString().slice(0, 10);

describe('subscriptionEntitlement: what one subscription in each Stripe state gives', () => {
  it.each([
    ['active', 'active'],
    ['trialing', 'active'],
    ['canceled', 'ended'],
    ['unpaid', 'ended'],
    ['incomplete', 'ended'],
    ['incomplete_expired', 'ended'],
    ['paused', 'ended'],
  ])('%s → %s', (status, expected) => {
    expect(subscriptionEntitlement(sub({ status })).status).toBe(expected);
  });

  it('a paid subscription lasts to the end of its period plus the leeway, and renews then', () => {
    const entitlement = subscriptionEntitlement(sub());
    expect(entitlement.accessUntil).toEqual(later(30 + PERIOD_LEEWAY_DAYS));
    expect(entitlement.renewsAt).toEqual(later(30));
  });

  it('cancelled at the period end: access to the end, no renewal', () => {
    const entitlement = subscriptionEntitlement(sub({ cancelAtPeriodEnd: true }));
    expect(entitlement).toMatchObject({ status: 'active', renewsAt: null, cancelAtPeriodEnd: true });
    expect(entitlement.accessUntil).toEqual(later(30 + PERIOD_LEEWAY_DAYS));
  });

  it('past due: a grace period of GRACE_DAYS from the first failed payment', () => {
    const entitlement = subscriptionEntitlement(sub({ status: 'past_due', pastDueSince: later(-2) }));
    expect(entitlement.status).toBe('grace');
    expect(entitlement.accessUntil).toEqual(later(GRACE_DAYS - 2));
    expect(entitlement.renewsAt).toBeNull();
  });

  it('past due with no failure recorded gives nothing (it cannot be dated)', () => {
    expect(subscriptionEntitlement(sub({ status: 'past_due', pastDueSince: null })).status).toBe('ended');
  });
});

describe('pastDueSince', () => {
  it.each([
    ['past_due', null, now],
    ['past_due', later(-3), later(-3)],
    ['active', later(-3), null],
    ['canceled', later(-3), null],
    ['active', null, null],
  ] as const)('%s with previous %s → %s', (status, previous, expected) => {
    expect(pastDueSince(status, previous, now)).toEqual(expected);
  });
});

describe('entitlementFrom: the best of a member’s subscriptions counts', () => {
  it('no subscriptions: nothing', () => {
    expect(entitlementFrom([])).toEqual(NO_ENTITLEMENT);
  });

  it('paid beats grace beats ended, in any order', () => {
    const paid = sub({ id: 'sub_paid' });
    const grace = sub({ id: 'sub_grace', status: 'past_due', pastDueSince: now });
    const ended = sub({ id: 'sub_ended', status: 'canceled' });
    for (const order of [
      [paid, grace, ended],
      [ended, grace, paid],
      [grace, ended, paid],
    ]) {
      expect(entitlementFrom(order).subscriptionId).toBe('sub_paid');
    }
    expect(entitlementFrom([ended, grace]).subscriptionId).toBe('sub_grace');
  });

  it('between two paid ones, the one that lasts longer', () => {
    const month = sub({ id: 'sub_month', currentPeriodEnd: later(30) });
    const year = sub({ id: 'sub_year', interval: 'year', currentPeriodEnd: later(365) });
    expect(entitlementFrom([month, year]).subscriptionId).toBe('sub_year');
    expect(entitlementFrom([year, month]).subscriptionId).toBe('sub_year');
  });
});

describe('hasAccess', () => {
  it.each([
    ['no entitlement', undefined, now, false],
    ['ended', { status: 'ended', accessUntil: null }, now, false],
    ['active, open-ended', { status: 'active', accessUntil: null }, now, true],
    ['active, before its end', { status: 'active', accessUntil: later(1) }, now, true],
    ['active, at its end', { status: 'active', accessUntil: now }, now, false],
    ['grace, inside it', { status: 'grace', accessUntil: later(3) }, now, true],
    ['grace, after it', { status: 'grace', accessUntil: later(-1) }, now, false],
  ] as const)('%s → %s', (_name, entitlement, at, expected) => {
    expect(hasAccess(entitlement, at)).toBe(expected);
  });
});

describe('billingSummary: what the account page says', () => {
  it.each([
    ['never subscribed', undefined, 'Free', /free plan/],
    ['monthly, renewing', subscriptionEntitlement(sub()), 'Coaching', /billed monthly\. Renews on 2026-12-26\./],
    [
      'yearly, cancelled',
      subscriptionEntitlement(sub({ interval: 'year', cancelAtPeriodEnd: true, currentPeriodEnd: later(100) })),
      'Coaching',
      /billed yearly\. Cancelled: Coaching stays open until 2027-03-06\./,
    ],
    [
      'payment failed',
      subscriptionEntitlement(sub({ status: 'past_due', pastDueSince: later(-1) })),
      'Coaching',
      /did not go through\. Update your card by 2026-12-02/,
    ],
    ['ended', subscriptionEntitlement(sub({ status: 'canceled' })), 'Free', /has ended/],
    [
      'grace run out',
      subscriptionEntitlement(sub({ status: 'past_due', pastDueSince: later(-30) })),
      'Free',
      /has ended/,
    ],
  ] as const)('%s', (_name, entitlement, plan, detail) => {
    const summary = billingSummary(entitlement, now, day);
    expect(summary.plan).toBe(plan);
    expect(summary.detail).toMatch(detail);
  });

  it('asks the member to act only when a payment failed', () => {
    expect(billingSummary(subscriptionEntitlement(sub()), now, day).attention).toBe(false);
    const failing = subscriptionEntitlement(sub({ status: 'past_due', pastDueSince: now }));
    expect(billingSummary(failing, now, day).attention).toBe(true);
  });
});

describe('formatPrice', () => {
  it.each([
    [1900, 'usd', 'month', '$19 a month'],
    [19000, 'usd', 'year', '$190 a year'],
    [1950, 'eur', 'month', '€19.50 a month'],
    [999, 'gbp', 'month', '£9.99 a month'],
  ])('%i %s per %s → %s', (amount, currency, interval, expected) => {
    expect(formatPrice(amount, currency, interval)).toBe(expected);
  });
});

describe('yearlySaving', () => {
  const usd = (unitAmount: number) => ({ unitAmount, currency: 'usd' });
  it.each([
    ['$19 a month, $190 a year', usd(1900), usd(19000), 'save $38 against paying monthly'],
    ['cents left over', usd(1950), usd(19900), 'save $35 against paying monthly'],
    ['a saving with cents', usd(999), usd(10000), 'save $19.88 against paying monthly'],
    [
      'currency case differs',
      { unitAmount: 1900, currency: 'EUR' },
      { unitAmount: 19000, currency: 'eur' },
      'save €38 against paying monthly',
    ],
    ['yearly costs exactly twelve months', usd(1900), usd(22800), undefined],
    ['yearly costs more', usd(1900), usd(25000), undefined],
    ['two currencies', usd(1900), { unitAmount: 19000, currency: 'eur' }, undefined],
    ['no monthly price', undefined, usd(19000), undefined],
    ['no yearly price', usd(1900), undefined, undefined],
  ] as const)('%s', (_name, monthly, yearly, expected) => {
    expect(yearlySaving(monthly, yearly)).toBe(expected);
  });
});

describe('splitPremium', () => {
  it('splits at the marker, Markdown or HTML alike', () => {
    expect(splitPremium(`Free part.\n\n${PREMIUM_MARKER}\n\nPaid part.`)).toEqual({
      preview: 'Free part.',
      rest: 'Paid part.',
    });
    expect(splitPremium(`<p>Free</p>\n${PREMIUM_MARKER}\n<h2>Paid</h2>`)).toEqual({
      preview: '<p>Free</p>',
      rest: '<h2>Paid</h2>',
    });
  });

  it('without a marker nothing is free', () => {
    expect(splitPremium('All of it.')).toEqual({ preview: '', rest: 'All of it.' });
  });

  it('every premium article marks where its preview ends, with paid text after it', () => {
    const folder = join(process.cwd(), 'src/content/articles');
    const premium = readdirSync(folder)
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .filter((text) => /^premium:\s*true\s*$/m.test(text.split('\n---')[0]!));
    expect(premium.length).toBeGreaterThan(0);
    for (const text of premium) {
      const body = text.split(/^---$/m).slice(2).join('---');
      const { preview, rest } = splitPremium(body);
      expect(preview.length).toBeGreaterThan(200);
      expect(rest.length).toBeGreaterThan(preview.length);
    }
  });
});

describe('isLiveStatus: which Stripe states make a second subscription a duplicate', () => {
  it.each([
    ['active', true],
    ['trialing', true],
    ['past_due', true],
    ['unpaid', true],
    ['paused', true],
    ['canceled', false],
    ['incomplete', false],
    ['incomplete_expired', false],
  ])('%s → %s', (status, live) => {
    expect(isLiveStatus(status)).toBe(live);
  });
});

describe('subscriptionLines: every live subscription on the account page, oldest first', () => {
  const at = (days: number) => ({ createdAt: later(days) });
  it('lists live ones only, oldest first, each with its plan and what happens next', () => {
    const lines = subscriptionLines(
      [
        { ...sub({ id: 'sub_year', interval: 'year', currentPeriodEnd: later(365) }), ...at(-1) },
        { ...sub({ id: 'sub_month' }), ...at(-2) },
        { ...sub({ id: 'sub_old', status: 'canceled' }), ...at(-90) },
      ],
      day,
    );
    expect(lines).toEqual([
      { id: 'sub_month', plan: 'Coaching, billed monthly', detail: `Renews on ${day(later(30))}` },
      { id: 'sub_year', plan: 'Coaching, billed yearly', detail: `Renews on ${day(later(365))}` },
    ]);
  });

  it.each([
    [{ cancelAtPeriodEnd: true }, `Ends on ${day(later(30))}`],
    [{ status: 'past_due' }, 'Payment failed'],
    [{ status: 'unpaid' }, 'Payment failed'],
    [{ status: 'paused' }, 'Paused'],
    [{ currentPeriodEnd: null }, 'Active'],
  ] as const)('says %o as “%s”', (overrides, detail) => {
    const [line] = subscriptionLines([{ ...sub(overrides), ...at(0) }], day);
    expect(line?.detail).toBe(detail);
  });

  it('names a plan with no known interval plainly', () => {
    expect(subscriptionLines([{ ...sub({ interval: null }), ...at(0) }], day)[0]?.plan).toBe('Coaching');
  });
});

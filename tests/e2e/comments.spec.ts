import {
  expect,
  expectAccessible,
  linkFromMail,
  readMail,
  projectNetwork,
  signedUpCoach,
  signedUpPerson,
  test,
} from './fixtures';

const PASSWORD = 'comments journey phrase';
const ARTICLE = '/articles/follow-up-after-networking-calls';

test('one member comments, another replies and reports it, and the coach moderates', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000);
  const net = projectNetwork(testInfo);
  const coach = await signedUpCoach(browser, {
    name: 'Morgan',
    address: `${net}.201`,
    password: PASSWORD,
    baseURL: baseURL!,
  });
  const alex = await signedUpPerson(browser, {
    name: 'Alex',
    address: `${net}.202`,
    password: PASSWORD,
    baseURL: baseURL!,
  });
  const bea = await signedUpPerson(browser, {
    name: 'Bea',
    address: `${net}.203`,
    password: PASSWORD,
    baseURL: baseURL!,
  });

  // Alex's first comment waits for the coach; only Alex sees it, marked as waiting.
  await alex.page.goto(ARTICLE);
  const comments = alex.page.getByRole('region', { name: /Comments|comment/ });
  await comments
    .getByLabel('Your comment')
    .fill(
      `My summary email after a call with a **design lead** got me an introduction (${net}). [${net}](https://example.com/story)`,
    );
  await comments.getByLabel('Email me when someone replies to my comments').check();
  await comments.getByRole('button', { name: 'Post comment' }).click();
  await expect(alex.page.getByText('Waiting for the coach to approve it')).toBeVisible();
  await expectAccessible(alex.page);
  await bea.page.goto(`${ARTICLE}/comments`);
  await expect(bea.page.getByText(`got me an introduction (${net})`)).toHaveCount(0);

  // The coach approves it from the queue.
  await coach.page.goto('/coach');
  await coach.page.getByRole('link', { name: 'Comments' }).click();
  await coach.page.getByRole('link', { name: /Waiting for approval/ }).click();
  const held = coach.page.getByRole('listitem').filter({ hasText: alex.email });
  await held.getByRole('button', { name: 'Approve' }).click();
  await expect(coach.page.getByText('Done.')).toBeVisible();

  // Bea sees it, likes it, replies, and reports it.
  await bea.page.goto(ARTICLE);
  const thread = bea.page
    .locator('.comment')
    .filter({ hasText: `got me an introduction (${net})` })
    .first();
  await expect(thread.getByRole('link', { name: net })).toHaveAttribute('rel', 'nofollow ugc noopener noreferrer');
  await thread.getByRole('button', { name: 'Like (0)' }).click();
  await expect(
    bea.page
      .locator('.comment')
      .filter({ hasText: `got me an introduction (${net})` })
      .first()
      .getByRole('button', { name: 'Liked (1)' }),
  ).toBeVisible();
  const again = bea.page
    .locator('.comment')
    .filter({ hasText: `got me an introduction (${net})` })
    .first();
  await again.getByRole('link', { name: 'Reply', exact: true }).click();
  const opened = bea.page
    .locator('.comment')
    .filter({ hasText: `got me an introduction (${net})` })
    .first();
  await again
    .getByLabel('Your reply to Alex')
    .fill('Same here: a two-line summary _the same day_ made all the difference.');
  await opened.getByRole('button', { name: 'Reply' }).click();
  await expect(bea.page.getByText('Thank you for sharing. Your comment is below.')).toBeVisible();
  // Bea's first comment is held too: she sees it waiting.
  await expect(bea.page.getByText('Waiting for the coach to approve it')).toBeVisible();
  const parent = bea.page
    .locator('.comment')
    .filter({ hasText: `got me an introduction (${net})` })
    .first();
  await parent.getByRole('link', { name: 'Report', exact: true }).click();
  const reporting = bea.page
    .locator('.comment')
    .filter({ hasText: `got me an introduction (${net})` })
    .first();
  await reporting.getByLabel('Why should the coach look at it?').selectOption('off-topic');
  await reporting.getByRole('button', { name: 'Report to the coach' }).click();
  await expect(bea.page.getByText('Thank you: the coach will look at it.')).toBeVisible();

  // The coach approves the reply, sees the report, dismisses it; both actions are logged.
  await coach.page.goto('/coach/comments?queue=held');
  await coach.page
    .getByRole('listitem')
    .filter({ hasText: bea.email })
    .getByRole('button', { name: 'Approve' })
    .click();
  await coach.page.getByRole('link', { name: /Reported \(\d+\)/ }).click();
  const reported = coach.page.getByRole('listitem').filter({ hasText: alex.email });
  await expect(reported.getByText('Off topic')).toBeVisible();
  await expectAccessible(coach.page);
  await reported.getByRole('button', { name: 'Dismiss reports' }).click();
  await coach.page.getByRole('link', { name: 'Log' }).click();
  await expect(coach.page.getByRole('cell', { name: 'dismiss-reports' }).first()).toBeVisible();
  await expect(coach.page.getByRole('cell', { name: 'approve' }).first()).toBeVisible();

  // Alex is told of the reply by email, in the local mail viewer, and follows it to the thread.
  const replyLink = await linkFromMail(alex.page, alex.email, 'Bea replied to your comment', '/email/off');
  expect(replyLink).toMatch(/^\/email\/off\?token=/);
  expect(await readMail(alex.page.context().browser()!, alex.email, 'Bea replied to your comment')).toContain(
    'a two-line summary',
  );
  await alex.page.goto(`${ARTICLE}/comments`);
  await expect(alex.page.getByText('a two-line summary the same day made all the difference').first()).toBeVisible();
  await expectAccessible(alex.page);

  // The community page lists the discussion; the article card counts it.
  await alex.page.goto('/community');
  await expect(alex.page.getByRole('link', { name: 'How to Follow Up After a Networking Call' }).first()).toBeVisible();
  await expectAccessible(alex.page);
  await alex.page.goto('/articles');
  await expect(alex.page.getByRole('link', { name: /\d+ comments?/ }).first()).toBeVisible();
});

import {
  expect,
  expectAccessible,
  localPath,
  projectNetwork,
  readMail,
  signedUpCoach,
  signedUpPerson,
  test,
} from './fixtures';

const PASSWORD = 'coaching journey phrase';
const PREMIUM = '/articles/final-round-follow-up-playbook';

test('a member upgrades through Checkout, reads a premium guide and gets a draft reviewed', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000);
  const net = projectNetwork(testInfo);
  const coach = await signedUpCoach(browser, {
    name: 'Morgan',
    address: `${net}.211`,
    password: PASSWORD,
    baseURL: baseURL!,
  });
  // Both projects run at once against one server and one coach queue: each has its own company.
  const company = `Contoso ${testInfo.project.name}`;
  const { page, email } = await signedUpPerson(browser, {
    name: 'Jo',
    address: `${net}.212`,
    password: PASSWORD,
    baseURL: baseURL!,
  });

  // Before paying: the guide stops after its preview with an invitation.
  await page.goto(PREMIUM);
  await expect(page.getByRole('heading', { name: 'The rest of this guide is for Coaching members' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Thanking a panel/ })).toHaveCount(0);
  await expectAccessible(page);

  // The pricing page, then Stripe's (fake) Checkout, then back to the site.
  await page.getByRole('link', { name: 'See Coaching' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Plans' })).toBeVisible();
  await expect(page.getByText('$19 a month')).toBeVisible();
  await expect(page.getByText('save $38 against paying monthly')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Upgrade, billed monthly' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/checkout\/cs_/);
  await expect(page.getByText('$19.00 per month')).toBeVisible();
  await page.getByRole('button', { name: 'Pay and subscribe' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Coaching' })).toBeVisible();
  await expect(page.getByText('Invoices and receipts are in the billing portal')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the billing portal' })).toBeVisible();
  await expectAccessible(page);
  await page.goto('/account');
  await expect(page.getByText(/Coaching, billed monthly\. Renews on/)).toBeVisible();
  await expect(page.getByText('Deleting your account ends your Coaching subscription at once.')).toBeVisible();

  // The whole guide now.
  await page.goto(PREMIUM);
  await expect(page.getByRole('heading', { name: /Thanking a panel/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The rest of this guide is for Coaching members' })).toHaveCount(0);
  await expectAccessible(page);

  // A thank-you drafted from the tracker goes to the coach for review.
  await page.goto('/tracker/new?kind=interview');
  await page.getByLabel('Company').fill(company);
  await page.getByLabel('Role', { exact: true }).fill('Support Lead');
  await page.getByLabel('Who you spoke with').fill('Dana Ruiz');
  await page.getByLabel('Their email').fill('dana@contoso.example');
  await page.getByLabel('One specific thing you discussed').fill('the escalation playbook');
  await page.getByRole('button', { name: 'Add and plan my follow-ups' }).click();
  await expect(page.getByRole('heading', { name: 'Next: Thank-you note' })).toBeVisible();
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
  // A placeholder left in: the editor warns while typing, and the draft does not go without a yes.
  await page.getByLabel('Message').fill('Hi Dana,\n\nAt Fabrikam I {one result that relates to it}.\n\nJo');
  await expect(page.getByText(/Still to fill in before it goes: \{one result that relates to it\}/)).toBeVisible();
  await page.getByText('Ask the coach to review it first').click();
  await page.getByRole('button', { name: 'Send to the coach for review' }).click();
  await expect(page.getByText(/Your message still has \{one result that relates to it\} to fill in/)).toBeVisible();
  await expect(page.getByLabel('Message')).toHaveValue(/At Fabrikam I \{one result/);
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
  // The review part is still open after the refusal.
  await page.getByLabel('Message').fill('Hi Dana,\n\nThanks for the chat about the escalation playbook.\n\nJo');
  await page.getByLabel('A note for the coach (optional)').fill('Too short?');
  await page.getByRole('button', { name: 'Send to the coach for review' }).click();
  await expect(page.getByText('Sent to the coach. You will get an email when it is reviewed.')).toBeVisible();
  await expect(page.getByText('Waiting for the coach.')).toBeVisible();
  await expectAccessible(page);

  // The coach answers from the queue.
  await coach.page.goto('/coach');
  await coach.page.getByRole('link', { name: 'Drafts to review' }).click();
  await coach.page
    .getByRole('row')
    .filter({ hasText: `Dana Ruiz, ${company}` })
    .getByRole('link', { name: 'Thank you: Support Lead interview' })
    .first()
    .click();
  await expect(coach.page.getByText('Too short?')).toBeVisible();
  await expect(coach.page.getByText(/asks you to review a draft of their thank-you note, not yet sent/)).toBeVisible();
  await expectAccessible(coach.page);
  await coach.page
    .getByLabel('Message')
    .fill(
      'Hi Dana,\n\nThank you for walking me through your escalation playbook: the tiering idea stayed with me.\n\nJo',
    );
  await coach.page.getByLabel('Your comment to them').fill('Say what stayed with you, not only what you discussed.');
  await coach.page.getByRole('button', { name: 'Send the review' }).click();
  await expect(coach.page.getByText('Answered. The member has been emailed.')).toBeVisible();

  // The member is emailed, and sees both versions side by side.
  const text = await readMail(browser, email, `Your follow-up to ${company} is reviewed`);
  expect(text).toContain('Say what stayed with you');
  await page.goto(localPath(/https?:\/\/\S+\/tracker\/o\/\S+#review/.exec(text)![0]));
  const review = page.getByRole('region', { name: 'Coach review' });
  await expect(review.getByRole('heading', { name: 'Your draft' })).toBeVisible();
  await expect(review.getByText('the tiering idea stayed with me')).toBeVisible();
  await expect(review.getByText('Thanks for the chat about the escalation playbook.')).toBeVisible();
  await expectAccessible(page);
  await review.getByRole('link', { name: "Put the coach's version in my draft" }).click();
  await expect(page.getByLabel('Message')).toHaveValue(/the tiering idea stayed with me/);
});

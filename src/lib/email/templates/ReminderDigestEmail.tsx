/** The morning reminder: the follow-ups due today (and overdue), each with why and a link to draft it. */
import { Link, Section, Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface ReminderItem {
  step: string;
  who: string;
  due: string;
  reason: string;
  url: string;
  overdue: boolean;
}

export interface ReminderDigestEmailProps {
  siteUrl: string;
  trackerUrl: string;
  offUrl: string;
  items: ReminderItem[];
}

export function ReminderDigestEmail({ siteUrl, trackerUrl, offUrl, items }: ReminderDigestEmailProps) {
  const overdue = items.filter((item) => item.overdue).length;
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview={items.map((item) => `${item.step} to ${item.who}`).join(' · ')}
      reason="You're getting this because reminder emails are on for your Own the Follow-Up tracker. Each follow-up is in one reminder only."
      unsubscribeUrl={offUrl}
    >
      <EmailHeading>
        {items.length === 1 ? 'One follow-up is due' : `${items.length} follow-ups are due`}
        {overdue > 0 ? ` (${overdue} overdue)` : ''}
      </EmailHeading>
      <Text style={emailStyles.paragraph}>Each one is drafted and waiting: open it, check the details, send it.</Text>
      {items.map((item) => (
        <Section key={item.url} style={{ margin: '0 0 18px' }}>
          <Text style={{ ...emailStyles.paragraph, margin: '0 0 4px' }}>
            <strong>
              {item.step} to {item.who}
            </strong>
            {item.overdue ? ' (overdue)' : ''}
          </Text>
          <Text style={{ ...emailStyles.small, margin: '0 0 4px' }}>{item.reason}</Text>
          <Link href={item.url} style={emailStyles.link}>
            Open the draft
          </Link>
        </Section>
      ))}
      <EmailButton href={trackerUrl}>See everything that is due</EmailButton>
      <Text style={emailStyles.small}>
        Not useful?{' '}
        <Link href={offUrl} style={emailStyles.link}>
          Turn reminder emails off
        </Link>{' '}
        in one click.
      </Text>
    </EmailLayout>
  );
}

export default ReminderDigestEmail;

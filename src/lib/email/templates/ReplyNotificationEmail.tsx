/** A reply to the member's comment: who replied, what they said, and the way back to the thread. */
import { Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface ReplyNotificationEmailProps {
  siteUrl: string;
  replierName: string;
  replyText: string;
  url: string;
  offUrl: string;
}

export function ReplyNotificationEmail({ siteUrl, replierName, replyText, url, offUrl }: ReplyNotificationEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview={`${replierName} replied: ${replyText.slice(0, 90)}`}
      reason="You're getting this because someone replied to your comment on Own the Follow-Up and reply emails are on for your account."
      unsubscribeUrl={offUrl}
    >
      <EmailHeading>{replierName} replied to your comment</EmailHeading>
      {replyText.split(/\n{2,}/).map((paragraph, index) => (
        <Text key={index} style={{ ...emailStyles.paragraph, borderLeft: '3px solid #d6d3cc', paddingLeft: '12px' }}>
          {paragraph}
        </Text>
      ))}
      <EmailButton href={url}>Read the conversation</EmailButton>
    </EmailLayout>
  );
}

export default ReplyNotificationEmail;

/** A notice about the member's Coaching membership (a failed payment, a duplicate refunded): what happened and what to do. */
import { Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface BillingNoticeEmailProps {
  siteUrl: string;
  heading: string;
  paragraphs: string[];
  buttonLabel: string;
  url: string;
}

export function BillingNoticeEmail({ siteUrl, heading, paragraphs, buttonLabel, url }: BillingNoticeEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview={paragraphs[0] ?? heading}
      reason="You're getting this email because it concerns the billing of your Own the Follow-Up membership. It is not marketing email."
    >
      <EmailHeading>{heading}</EmailHeading>
      {paragraphs.map((paragraph, index) => (
        <Text key={index} style={emailStyles.paragraph}>
          {paragraph}
        </Text>
      ))}
      <EmailButton href={url} showFallback>
        {buttonLabel}
      </EmailButton>
    </EmailLayout>
  );
}

export default BillingNoticeEmail;

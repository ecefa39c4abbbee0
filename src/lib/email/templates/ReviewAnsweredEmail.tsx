/** The coach answered a draft the member sent for review: the comment, and the way to both versions. */
import { Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface ReviewAnsweredEmailProps {
  siteUrl: string;
  coachName: string;
  company: string;
  comment: string;
  url: string;
}

export function ReviewAnsweredEmail({ siteUrl, coachName, company, comment, url }: ReviewAnsweredEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview={`${coachName} reviewed your follow-up to ${company}`}
      reason="You're getting this because you sent a draft for review with your Coaching membership. It is not marketing email."
    >
      <EmailHeading>Your draft to {company} is reviewed</EmailHeading>
      <Text style={emailStyles.paragraph}>
        {coachName} edited your follow-up and left a note. Your version and the reviewed one are side by side in your
        tracker.
      </Text>
      {comment.split(/\n{2,}/).map((paragraph, index) => (
        <Text key={index} style={{ ...emailStyles.paragraph, borderLeft: '3px solid #d6d3cc', paddingLeft: '12px' }}>
          {paragraph}
        </Text>
      ))}
      <EmailButton href={url}>See the reviewed draft</EmailButton>
    </EmailLayout>
  );
}

export default ReviewAnsweredEmail;

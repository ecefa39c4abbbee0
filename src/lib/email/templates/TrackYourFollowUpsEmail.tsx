/** Nurture step 3, a week after confirming: an invitation to let the tracker keep the schedule. */
import { Text } from '@react-email/components';
import { SITE } from '../../app/site';
import { CoachSignature, EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface TrackYourFollowUpsEmailProps {
  siteUrl: string;
  signupUrl: string;
  unsubscribeUrl: string;
}

export function TrackYourFollowUpsEmail({ siteUrl, signupUrl, unsubscribeUrl }: TrackYourFollowUpsEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview="The sheet tells you what to send. The tracker tells you when, for every conversation at once."
      reason="You're getting this because you asked for the Interview Success Cheat Sheet on Own the Follow-Up and confirmed your address. It's the third of three short emails on putting the sheet to work."
      unsubscribeUrl={unsubscribeUrl}
    >
      <EmailHeading>Know which follow-up is due today</EmailHeading>
      <Text style={emailStyles.paragraph}>
        You&apos;ve had the cheat sheet for about a week. If your search is moving, you probably have several
        conversations going by now, each with its own timeline and its own detail to mention. Holding all of those dates
        in your head is exactly where follow-ups slip.
      </Text>
      <Text style={emailStyles.paragraph}>
        The {SITE.name} tracker keeps that schedule for you. Log an interview or networking call in a minute, and it:
      </Text>
      <ul style={emailStyles.list}>
        <li style={emailStyles.listItem}>
          tells you which follow-ups are due today, and warns you before you send one too soon or too late;
        </li>
        <li style={emailStyles.listItem}>
          drafts each message from the cheat-sheet templates, filled in with the details of that conversation;
        </li>
        <li style={emailStyles.listItem}>reminds you by email when the next one is due.</li>
      </ul>
      <EmailButton href={signupUrl}>Start tracking your follow-ups</EmailButton>
      <Text style={emailStyles.paragraph}>
        It runs on the same playbook as the sheet: the thank-you note within 24 hours, a check-in once their timeline
        has passed, later check-ins spaced further apart, and a graceful close when it&apos;s time to move on.
      </Text>
      <Text style={emailStyles.paragraph}>
        Whatever you use, a notebook or the tracker, keep owning the follow-up. It&apos;s the part of the search that is
        entirely up to you.
      </Text>
      <CoachSignature />
    </EmailLayout>
  );
}

export default TrackYourFollowUpsEmail;

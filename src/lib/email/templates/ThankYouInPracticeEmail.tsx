/** Nurture step 2, two days after confirming: the 24-hour thank-you note, worked through one example. */
import { Section, Text } from '@react-email/components';
import { CoachSignature, EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface ThankYouInPracticeEmailProps {
  siteUrl: string;
  /** The thank-you note article. */
  articleUrl: string;
  unsubscribeUrl: string;
}

export function ThankYouInPracticeEmail({ siteUrl, articleUrl, unsubscribeUrl }: ThankYouInPracticeEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview="The same thank-you note twice: once forgettable, once with the detail that makes it stick."
      reason="You're getting this because you asked for the Interview Success Cheat Sheet on Own the Follow-Up and confirmed your address. It's the second of three short emails on putting the sheet to work."
      unsubscribeUrl={unsubscribeUrl}
    >
      <EmailHeading>One detail turns a polite note into a memorable one</EmailHeading>
      <Text style={emailStyles.paragraph}>
        The first message on your cheat sheet is the thank-you note, and it has the firmest deadline: send it within 24
        hours of the interview. Almost every candidate sends one. Very few send one the interviewer still remembers when
        the team sits down to compare notes. Here&apos;s the same note written both ways.
      </Text>

      <Text style={emailStyles.label}>Before: could be from anyone</Text>
      <Section style={emailStyles.sample}>
        <Text style={emailStyles.sampleText}>Hi Dana,</Text>
        <Text style={emailStyles.sampleText}>
          Thanks so much for meeting with me today. I really enjoyed learning more about the role and the team, and I
          think I would be a strong addition. Please let me know if you need anything else from me.
        </Text>
        <Text style={{ ...emailStyles.sampleText, margin: 0 }}>
          Best,
          <br />
          Alex
        </Text>
      </Section>
      <Text style={{ ...emailStyles.small, marginTop: '10px' }}>
        Nothing is wrong with it, and nothing in it is yours. Swap the names and any candidate could have sent it after
        any interview.
      </Text>

      <Text style={emailStyles.label}>After: only you could have sent it</Text>
      <Section style={emailStyles.sampleGood}>
        <Text style={emailStyles.sampleText}>Hi Dana,</Text>
        <Text style={emailStyles.sampleText}>
          Thank you for this afternoon&apos;s conversation about the customer support lead role. What you said about
          reply times slipping every time a new feature ships has stayed with me. At my last company I set up a
          launch-week rota and a shared library of saved replies, and our first-reply time stayed under two hours
          through three launches.
        </Text>
        <Text style={emailStyles.sampleText}>
          I&apos;d love to bring that to your team, and I&apos;m keen on the role. Thanks again for your time.
        </Text>
        <Text style={{ ...emailStyles.sampleText, margin: 0 }}>
          Best,
          <br />
          Alex
        </Text>
      </Section>

      <EmailHeading level={2}>What changed</EmailHeading>
      <ul style={emailStyles.list}>
        <li style={emailStyles.listItem}>It names one thing the interviewer actually said.</li>
        <li style={emailStyles.listItem}>It ties that one thing to one result of yours, with a number.</li>
        <li style={emailStyles.listItem}>It says plainly that you want the job.</li>
      </ul>
      <Text style={emailStyles.paragraph}>
        It leaves out everything else: no recap of your CV, no questions about salary or timing. Those belong in later
        messages.
      </Text>
      <Text style={emailStyles.paragraph}>
        Try this after your next interview: before you open your inbox, write down three things the interviewer cared
        about. Pick the one closest to your own experience. That&apos;s your detail.
      </Text>

      <Text style={emailStyles.paragraph}>
        The full guide covers panel interviews, second and third rounds, and the mistakes that undo a good note.
      </Text>
      <EmailButton href={articleUrl}>Read the thank-you note guide</EmailButton>
      <CoachSignature />
    </EmailLayout>
  );
}

export default ThankYouInPracticeEmail;

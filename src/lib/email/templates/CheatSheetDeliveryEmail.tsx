/** Nurture step 1, sent the moment a lead confirms: the download itself and how to use it. */
import { Link, Text } from '@react-email/components';
import { pagesInWords } from '../../leads/cheat-sheet';
import { CoachSignature, EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface CheatSheetDeliveryEmailProps {
  siteUrl: string;
  downloadUrl: string;
  expiresInDays: number;
  /** The cheat sheet's landing page, where a fresh download link can be requested. */
  cheatSheetUrl: string;
  unsubscribeUrl: string;
  /** How many pages the PDF has, counted in the rendered file. */
  sheetPages: number;
}

export function CheatSheetDeliveryEmail({
  siteUrl,
  downloadUrl,
  expiresInDays,
  cheatSheetUrl,
  unsubscribeUrl,
  sheetPages,
}: CheatSheetDeliveryEmailProps) {
  const days = expiresInDays === 1 ? '1 day' : `${expiresInDays} days`;
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview="Your download link is inside, plus the two-minute routine that makes the sheet pay off."
      reason="You're getting this because you asked for the Interview Success Cheat Sheet on Own the Follow-Up and confirmed your address. It's the first of three short emails on putting the sheet to work."
      unsubscribeUrl={unsubscribeUrl}
    >
      <EmailHeading>Your cheat sheet is ready</EmailHeading>
      <Text style={emailStyles.paragraph}>
        You&apos;re confirmed. Here is the Interview Success Cheat Sheet: every follow-up on {pagesInWords(sheetPages)},
        from the thank-you note to the last polite check-in, with wording you can adapt in a minute.
      </Text>
      <EmailButton href={downloadUrl} showFallback>
        Download the cheat sheet (PDF)
      </EmailButton>
      <Text style={emailStyles.small}>
        This download link expires in {days}, so save the PDF somewhere you&apos;ll find it again. If the link has run
        out, you can get a fresh one from the cheat sheet page:{' '}
        <Link href={cheatSheetUrl} style={emailStyles.link}>
          {cheatSheetUrl}
        </Link>
      </Text>

      <EmailHeading level={2}>How to use it</EmailHeading>
      <Text style={emailStyles.paragraph}>
        Open the sheet straight after each interview or networking call, while the conversation is still fresh, and find
        the message that&apos;s due next: the thank-you note within 24 hours, the check-in once their timeline has
        passed. Then fill in the template with one specific thing you talked about, because that single detail is what
        makes a follow-up read as yours rather than a form letter.
      </Text>
      <Text style={emailStyles.paragraph}>
        In two days I&apos;ll send you a thank-you note before and after that detail goes in, so you can see the
        difference it makes.
      </Text>
      <CoachSignature />
    </EmailLayout>
  );
}

export default CheatSheetDeliveryEmail;

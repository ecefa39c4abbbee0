/** Double opt-in: the only email a lead gets before confirming. Transactional, so no unsubscribe link. */
import { Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface ConfirmCheatSheetEmailProps {
  siteUrl: string;
  confirmUrl: string;
  expiresInHours: number;
}

export function ConfirmCheatSheetEmail({ siteUrl, confirmUrl, expiresInHours }: ConfirmCheatSheetEmailProps) {
  const hours = expiresInHours === 1 ? '1 hour' : `${expiresInHours} hours`;
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview="One click to confirm your address, and the Interview Success Cheat Sheet is yours."
      reason="You're getting this one-time email because this address was entered on the cheat sheet page of Own the Follow-Up. Nobody is added to our list without confirming."
    >
      <EmailHeading>Confirm your email to get the cheat sheet</EmailHeading>
      <Text style={emailStyles.paragraph}>
        Thanks for asking for the Interview Success Cheat Sheet. Before we send it, we need to be sure this inbox is
        yours. One click does it:
      </Text>
      <EmailButton href={confirmUrl} showFallback>
        Confirm and get the cheat sheet
      </EmailButton>
      <Text style={emailStyles.paragraph}>
        The link expires in {hours}. If it runs out before you get to it, ask for the sheet again and we&apos;ll send
        you a new one.
      </Text>
      <Text style={emailStyles.paragraph}>
        If you did not ask for this, ignore this email — you will not hear from us again.
      </Text>
    </EmailLayout>
  );
}

export default ConfirmCheatSheetEmail;

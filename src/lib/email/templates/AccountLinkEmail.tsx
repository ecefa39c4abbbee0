/** The account emails (verify the address, reset the password, sign in by link): one button that works once. */
import { Text } from '@react-email/components';
import { EmailButton, EmailHeading, EmailLayout, emailStyles } from './EmailLayout';

export interface AccountLinkEmailProps {
  siteUrl: string;
  heading: string;
  intro: string;
  buttonLabel: string;
  url: string;
  expiresIn: string;
  /** What to do if the reader did not ask for this. */
  notYou: string;
}

export function AccountLinkEmail({
  siteUrl,
  heading,
  intro,
  buttonLabel,
  url,
  expiresIn,
  notYou,
}: AccountLinkEmailProps) {
  return (
    <EmailLayout
      siteUrl={siteUrl}
      preview={intro}
      reason="You're getting this email because of an action on your Own the Follow-Up account. It is not marketing email."
    >
      <EmailHeading>{heading}</EmailHeading>
      <Text style={emailStyles.paragraph}>{intro}</Text>
      <EmailButton href={url} showFallback>
        {buttonLabel}
      </EmailButton>
      <Text style={emailStyles.paragraph}>The link works once and expires in {expiresIn}.</Text>
      <Text style={emailStyles.paragraph}>{notYou}</Text>
    </EmailLayout>
  );
}

export default AccountLinkEmail;

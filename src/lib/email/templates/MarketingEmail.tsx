/**
 * A broadcast or a step of the nurture sequence: the coach's Markdown, rendered to styled HTML by
 * src/lib/marketing/markdown-email.ts (which lets no raw HTML through), inside the site's layout
 * with the one-click unsubscribe link and the sender's postal address. The delivery step adds the
 * cheat sheet's download button, which the coach cannot edit away.
 */
import { Section, Text } from '@react-email/components';
import { CoachSignature, EmailButton, EmailLayout, emailStyles } from './EmailLayout';

export interface MarketingEmailProps {
  siteUrl: string;
  preview: string;
  reason: string;
  unsubscribeUrl: string;
  sender: { postalAddress: string; footerNote: string };
  /** Safe HTML from renderEmailMarkdown. */
  bodyHtml: string;
  /** `note`: a fixed line under the button (how long the link works, where to get a fresh one). */
  button?: { href: string; label: string; note?: string | undefined } | undefined;
}

export function MarketingEmail({
  siteUrl,
  preview,
  reason,
  unsubscribeUrl,
  sender,
  bodyHtml,
  button,
}: MarketingEmailProps) {
  return (
    <EmailLayout siteUrl={siteUrl} preview={preview} reason={reason} unsubscribeUrl={unsubscribeUrl} sender={sender}>
      {button ? (
        <EmailButton href={button.href} showFallback>
          {button.label}
        </EmailButton>
      ) : null}
      {button?.note ? <Text style={emailStyles.small}>{button.note}</Text> : null}
      <Section>
        <div dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      </Section>
      <CoachSignature />
    </EmailLayout>
  );
}

/**
 * A broadcast or a step of the nurture sequence: the coach's Markdown, rendered to styled HTML by
 * src/lib/marketing/markdown-email.ts (which lets no raw HTML through), inside the site's layout
 * with the one-click unsubscribe link and the sender's postal address. The delivery step adds the
 * cheat sheet's download button, which the coach cannot edit away.
 */
import { Section } from '@react-email/components';
import { CoachSignature, EmailButton, EmailLayout } from './EmailLayout';

export interface MarketingEmailProps {
  siteUrl: string;
  preview: string;
  reason: string;
  unsubscribeUrl: string;
  sender: { postalAddress: string; footerNote: string };
  /** Safe HTML from renderEmailMarkdown. */
  bodyHtml: string;
  button?: { href: string; label: string } | undefined;
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
      <Section>
        <div dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      </Section>
      <CoachSignature />
    </EmailLayout>
  );
}

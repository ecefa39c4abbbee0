/**
 * The frame every email shares: site name at the top, the message, and a footer that always says
 * why the reader is getting it (plus a one-click unsubscribe link on marketing email).
 *
 * Email clients ignore stylesheets and most modern CSS, so everything here is an inline style on
 * table-based React Email components, with system fonts and colours that pass WCAG AA on white.
 */
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from '@react-email/components';
import type { ReactNode } from 'react';
import { SITE } from '../../app/site';
import { BORDER, BRAND, FONT_BODY, FONT_DISPLAY, PAGE_BG, TEXT, emailStyles } from './email-styles';

export { emailStyles };

export interface EmailButtonProps {
  href: string;
  children: string;
  /**
   * Also print the address under the button, for readers whose client blocks buttons or links.
   * Worth it for the links that matter (confirming, downloading); noise elsewhere.
   */
  showFallback?: boolean;
}

/**
 * The one call to action of a message. `data-email-button` lets the plain-text conversion put the
 * label and the full address on lines of their own; the fallback line is left out of the text
 * part, which already shows the address in full.
 */
export function EmailButton({ href, children, showFallback = false }: EmailButtonProps) {
  return (
    <Section style={{ margin: '8px 0 24px' }}>
      <Button
        href={href}
        data-email-button="true"
        style={{
          backgroundColor: BRAND,
          borderRadius: '8px',
          color: '#ffffff',
          fontFamily: FONT_BODY,
          fontSize: '16px',
          fontWeight: 700,
          lineHeight: '1.25',
          padding: '14px 22px',
          textDecoration: 'none',
        }}
      >
        {children}
      </Button>
      {showFallback ? (
        <Text data-skip-in-text="true" style={{ ...emailStyles.small, margin: '14px 0 0' }}>
          Button not working? Copy this link into your browser:{' '}
          <Link href={href} style={{ ...emailStyles.link, wordBreak: 'break-all' }}>
            {href}
          </Link>
        </Text>
      ) : null}
    </Section>
  );
}

export interface EmailLayoutProps {
  /** The site's public origin; the header links to it. */
  siteUrl: string;
  /** The line inboxes show after the subject. */
  preview: string;
  /** Why this address gets this email. Always shown in the footer. */
  reason: string;
  /** Marketing email only: shows a visible one-click "Unsubscribe" link. */
  unsubscribeUrl?: string | undefined;
  /** Marketing email only: the sender's postal address and the coach's footer line (sender.server.ts). */
  sender?: { postalAddress: string; footerNote: string } | undefined;
  children: ReactNode;
}

export function EmailLayout({ siteUrl, preview, reason, unsubscribeUrl, sender, children }: EmailLayoutProps) {
  return (
    <Html lang="en" dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Preview>{preview}</Preview>
      <Body
        style={{
          backgroundColor: PAGE_BG,
          color: TEXT,
          fontFamily: FONT_BODY,
          margin: 0,
          padding: '24px 12px',
        }}
      >
        <Container
          style={{
            backgroundColor: '#ffffff',
            border: `1px solid ${BORDER}`,
            borderRadius: '12px',
            margin: '0 auto',
            maxWidth: '560px',
          }}
        >
          <Section style={{ borderBottom: `4px solid ${BRAND}`, padding: '20px 28px 16px' }}>
            <Link
              href={siteUrl}
              style={{
                color: BRAND,
                fontFamily: FONT_DISPLAY,
                fontSize: '20px',
                fontWeight: 700,
                textDecoration: 'none',
              }}
            >
              {SITE.name}
            </Link>
          </Section>
          <Section style={{ padding: '28px 28px 8px' }}>{children}</Section>
          <Section style={{ padding: '0 28px 24px' }}>
            <Hr style={{ borderColor: BORDER, borderTopWidth: '1px', margin: '8px 0 16px' }} />
            <Text style={{ ...emailStyles.small, fontSize: '13px', margin: '0 0 8px' }}>{reason}</Text>
            {unsubscribeUrl ? (
              <Text style={{ ...emailStyles.small, fontSize: '13px', margin: '0 0 8px' }}>
                Don&apos;t want these emails? One click stops them:{' '}
                <Link href={unsubscribeUrl} style={{ ...emailStyles.link, fontWeight: 700 }}>
                  Unsubscribe
                </Link>
              </Text>
            ) : null}
            {sender?.footerNote ? (
              <Text style={{ ...emailStyles.small, fontSize: '13px', margin: '0 0 8px' }}>{sender.footerNote}</Text>
            ) : null}
            <Text style={{ ...emailStyles.small, fontSize: '13px', margin: 0 }}>
              {SITE.name} · {SITE.tagline}
            </Text>
            {sender?.postalAddress ? (
              <Text style={{ ...emailStyles.small, fontSize: '13px', margin: '8px 0 0', whiteSpace: 'pre-line' }}>
                {sender.postalAddress}
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** Headings used inside templates, styled once here. */
export function EmailHeading({ children, level = 1 }: { children: ReactNode; level?: 1 | 2 }) {
  return level === 1 ? (
    <Heading as="h1" style={emailStyles.h1}>
      {children}
    </Heading>
  ) : (
    <Heading as="h2" style={emailStyles.h2}>
      {children}
    </Heading>
  );
}

/** The coach's sign-off under the nurture emails. */
export function CoachSignature() {
  return (
    <Text style={emailStyles.paragraph}>
      {SITE.coach.name}
      <br />
      {SITE.coach.role}, {SITE.name}
    </Text>
  );
}

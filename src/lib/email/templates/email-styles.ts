/**
 * The inline styles every email shares, apart from the React components that use them, so the
 * Markdown renderer of the coach's emails (src/lib/marketing/markdown-email.ts) styles its HTML the
 * same way without loading React Email. Colours pass WCAG AA on white.
 */
import type { CSSProperties } from 'react';

export const BRAND = '#0e5e5a';
export const TEXT = '#1d2327';
export const MUTED = '#4f5a61';
export const BORDER = '#dcd6ca';
export const PAGE_BG = '#f1eee7';
export const SOFT_BG = '#f6f4ef';

export const FONT_BODY = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const FONT_DISPLAY = "Georgia, Cambria, 'Times New Roman', serif";

/** Inline styles the templates share, so every message looks like it came from the same place. */
export const emailStyles = {
  h1: {
    color: TEXT,
    fontFamily: FONT_DISPLAY,
    fontSize: '26px',
    fontWeight: 700,
    lineHeight: '1.25',
    margin: '0 0 16px',
  },
  h2: {
    color: TEXT,
    fontFamily: FONT_DISPLAY,
    fontSize: '20px',
    fontWeight: 700,
    lineHeight: '1.3',
    margin: '28px 0 8px',
  },
  paragraph: {
    color: TEXT,
    fontSize: '16px',
    lineHeight: '1.6',
    margin: '0 0 16px',
  },
  small: {
    color: MUTED,
    fontSize: '14px',
    lineHeight: '1.5',
    margin: '0 0 16px',
  },
  link: {
    color: BRAND,
    textDecoration: 'underline',
  },
  label: {
    color: MUTED,
    fontSize: '13px',
    fontWeight: 700,
    letterSpacing: '0.06em',
    lineHeight: '1.4',
    margin: '24px 0 6px',
    textTransform: 'uppercase',
  },
  /** A sample message, set apart from the surrounding prose. */
  sample: {
    backgroundColor: SOFT_BG,
    borderLeft: `4px solid ${BORDER}`,
    borderRadius: '4px',
    padding: '12px 16px',
  },
  sampleGood: {
    backgroundColor: '#eaf4f3',
    borderLeft: `4px solid ${BRAND}`,
    borderRadius: '4px',
    padding: '12px 16px',
  },
  sampleText: {
    color: TEXT,
    fontSize: '15px',
    lineHeight: '1.55',
    margin: '0 0 10px',
  },
  list: {
    color: TEXT,
    fontSize: '16px',
    lineHeight: '1.6',
    margin: '0 0 16px',
    paddingLeft: '22px',
  },
  listItem: {
    margin: '0 0 8px',
  },
} satisfies Record<string, CSSProperties>;

/**
 * The consent shown beside the capture form and stored with every lead, word for word. It covers
 * the coach's newsletters (leads.newsletter_consent); leads who agreed to the earlier wording, which
 * named only the sheet and a week of tips, are left out of broadcasts.
 */
export const CONSENT_TEXT =
  "Send me the Interview Success Cheat Sheet, a few follow-up tips over the next week, and the coach's occasional newsletter. One click unsubscribes me, any time.";

/** The consent shown beside the capture form and stored with every lead, word for word. */
export const CONSENT_TEXT =
  'Send me the Interview Success Cheat Sheet and a few follow-up tips over the next week. One click unsubscribes me, any time.';

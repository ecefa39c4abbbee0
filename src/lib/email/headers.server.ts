/**
 * Every header of an email passes through here on its way out: when its message is built
 * (messages.ts), queued (outbox.ts) and handed to the provider (transport.ts). A header is one
 * line; a line break in a value would start a header of the attacker's choosing (`Bcc:`). The
 * forms refuse such values, but rows stored before they did, imported files and values from other
 * services reach email too, so nothing here trusts them. No astro: imports (the worker uses it).
 */

/** What may not be in a header line: C0 controls (CR, LF, TAB, NUL…), DEL, C1 controls, U+2028/9. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_RUNS = new RegExp(`${CONTROL.source}+`, 'g');
/** A header's name (RFC 5322 §2.2): printable ASCII but the colon. */
const HEADER_NAME = /^[!-9;-~]+$/;
/** Headers that carry addresses: a value changed here would go to someone else, so it is refused. */
const ADDRESS_HEADERS = new Set(['to', 'from', 'cc', 'bcc', 'reply-to', 'sender']);

export class EmailHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmailHeaderError';
  }
}

/**
 * A header value made safe to send, or an EmailHeaderError. In an address (To, From, Reply-To…) a
 * line break or control character is refused; in any other value (Subject, List-Unsubscribe…) each
 * run of them becomes one space, so a legacy subject still goes out, on one line.
 */
export function headerValue(name: string, value: string): string {
  if (!HEADER_NAME.test(name)) throw new EmailHeaderError(`Not a header name: ${JSON.stringify(name.slice(0, 80))}`);
  if (ADDRESS_HEADERS.has(name.toLowerCase())) {
    if (CONTROL.test(value))
      throw new EmailHeaderError(`The ${name} address has a line break or control character in it.`);
    return value.trim();
  }
  return value.replace(CONTROL_RUNS, ' ').trim();
}

/** Extra headers (List-Unsubscribe and the like), each name and value through `headerValue`. */
export function headerValues(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, headerValue(name, String(value))]));
}

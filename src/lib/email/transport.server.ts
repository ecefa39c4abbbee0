/**
 * Where email goes. With RESEND_API_KEY set it goes through Resend's SDK (RESEND_BASE_URL points
 * the SDK elsewhere, which is how tests reach a local fake). Without it, the embedded default,
 * nothing leaves the machine: messages stay in the outbox and /dev/mail shows them.
 * No astro: imports, so the standalone worker (server/worker.ts) can use it too.
 */
import type { Resend } from 'resend';
import { EmailHeaderError, headerValue, headerValues } from './headers.server.ts';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface EmailTransport {
  readonly name: 'resend' | 'local';
  /** Resolves with the provider's message id; rejects when the provider did not accept it. */
  send(email: OutgoingEmail, idempotencyKey: string): Promise<string>;
}

export class EmailDeliveryError extends Error {
  /** False when retrying cannot help (the provider refused the message itself). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = 'EmailDeliveryError';
    this.retryable = retryable;
  }
}

/**
 * The email with every header value through `headerValue`: what leaves the machine. A message whose
 * address cannot be sent as it is fails for good, as the provider would refuse it.
 */
export function outgoing(email: OutgoingEmail): OutgoingEmail {
  try {
    return {
      ...email,
      from: headerValue('From', email.from),
      to: headerValue('To', email.to),
      subject: headerValue('Subject', email.subject),
      headers: headerValues(email.headers),
    };
  } catch (error) {
    if (error instanceof EmailHeaderError) throw new EmailDeliveryError(error.message, false);
    throw error;
  }
}

export function createResendTransport(apiKey: string, baseUrl?: string): EmailTransport {
  // The SDK is loaded with the first send, not at start (decision 0016).
  let client: Promise<Resend> | undefined;
  const resendClient = () =>
    (client ??= import('resend').then(({ Resend }) => new Resend(apiKey, baseUrl ? { baseUrl } : undefined)));
  return {
    name: 'resend',
    async send(message, idempotencyKey) {
      const email = outgoing(message);
      const resend = await resendClient();
      let result: Awaited<ReturnType<Resend['emails']['send']>>;
      try {
        result = await resend.emails.send(
          {
            from: email.from,
            to: email.to,
            subject: email.subject,
            html: email.html,
            text: email.text,
            headers: email.headers,
          },
          { idempotencyKey },
        );
      } catch (error) {
        throw new EmailDeliveryError(
          `Resend unreachable: ${error instanceof Error ? error.message : String(error)}`,
          true,
        );
      }
      if (result.error || !result.data) {
        const status = (result.error as { statusCode?: number | null } | null)?.statusCode ?? 0;
        // 4xx other than rate limiting means the message itself is wrong: do not hammer the provider.
        const retryable = status === 0 || status === 429 || status >= 500;
        throw new EmailDeliveryError(
          `Resend refused the message (${status}): ${result.error?.message ?? 'no data'}`,
          retryable,
        );
      }
      return result.data.id;
    },
  };
}

/** The embedded default: delivery is "kept in the outbox for /dev/mail". */
export const localTransport: EmailTransport = {
  name: 'local',
  async send(email, idempotencyKey) {
    // Refused here as Resend would refuse it, so the outbox shows the same outcome with either.
    outgoing(email);
    return `local:${idempotencyKey}`;
  },
};

/** Resend when an API key is configured, else the embedded default: the one rule, for the app and the worker. */
export function configuredTransport(apiKey: string | undefined, baseUrl: string | undefined): EmailTransport {
  return apiKey ? createResendTransport(apiKey, baseUrl) : localTransport;
}

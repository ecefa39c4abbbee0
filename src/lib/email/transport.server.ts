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
  /**
   * The campaign it belongs to (`b-<id>`, `s-<id>`), sent as the provider's `campaign` tag, so the
   * provider's webhook events name it back.
   */
  campaign?: string | null | undefined;
}

/** The most messages one batch call carries (Resend's limit). */
export const MAX_BATCH_SIZE = 100;

export interface EmailTransport {
  readonly name: 'resend' | 'local';
  /** Resolves with the provider's message id; rejects when the provider did not accept it. */
  send(email: OutgoingEmail, idempotencyKey: string): Promise<string>;
  /**
   * Sends up to MAX_BATCH_SIZE messages in one call under one idempotency key, all or none (strict
   * validation: a refused message refuses the batch, with a non-retryable error). Resolves with the
   * provider's ids, in the order of `emails`.
   */
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<string[]>;
}

export class EmailDeliveryError extends Error {
  /** False when retrying cannot help (the provider refused the message itself). */
  readonly retryable: boolean;
  /** The provider's HTTP status, when it answered with a refusal (422: a message it will not take). */
  readonly status: number | undefined;

  constructor(message: string, retryable: boolean, status?: number) {
    super(message);
    this.name = 'EmailDeliveryError';
    this.retryable = retryable;
    this.status = status;
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

/** The provider's tags of a message: its campaign, when it has one. */
const tagsOf = (email: OutgoingEmail) => (email.campaign ? [{ name: 'campaign', value: email.campaign }] : undefined);

/** Resend's refusal as an EmailDeliveryError: retryable for no answer, rate limiting and its own failures. */
function refusal(error: { message?: string; statusCode?: number | null } | null, what: string): EmailDeliveryError {
  const status = error?.statusCode ?? 0;
  // 4xx other than rate limiting means the message itself is wrong: do not hammer the provider.
  const retryable = status === 0 || status === 429 || status >= 500;
  return new EmailDeliveryError(
    `Resend refused ${what} (${status}): ${error?.message ?? 'no data'}`,
    retryable,
    status,
  );
}

const unreachable = (error: unknown) =>
  new EmailDeliveryError(`Resend unreachable: ${error instanceof Error ? error.message : String(error)}`, true);

/** One message as Resend's API takes it, alone or in a batch. */
function resendPayload(email: OutgoingEmail) {
  const tags = tagsOf(email);
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: email.headers,
    ...(tags ? { tags } : {}),
  };
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
        result = await resend.emails.send(resendPayload(email), { idempotencyKey });
      } catch (error) {
        throw unreachable(error);
      }
      if (result.error || !result.data) throw refusal(result.error, 'the message');
      return result.data.id;
    },
    async sendBatch(messages, idempotencyKey) {
      if (messages.length === 0) return [];
      if (messages.length > MAX_BATCH_SIZE)
        throw new EmailDeliveryError(`A batch holds at most ${MAX_BATCH_SIZE} messages`, false);
      // A message that cannot be sent as it is refuses the whole batch, as strict validation would.
      const emails = messages.map(outgoing);
      const resend = await resendClient();
      let result: Awaited<ReturnType<Resend['batch']['send']>>;
      try {
        result = await resend.batch.send(emails.map(resendPayload), { idempotencyKey, batchValidation: 'strict' });
      } catch (error) {
        throw unreachable(error);
      }
      const ids = result.data?.data?.map((each: { id: string }) => each.id);
      if (result.error || !ids) throw refusal(result.error, 'the batch');
      if (ids.length !== emails.length)
        throw new EmailDeliveryError(`Resend answered ${ids.length} ids for a batch of ${emails.length}`, true);
      return ids;
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
  async sendBatch(emails, idempotencyKey) {
    if (emails.length > MAX_BATCH_SIZE)
      throw new EmailDeliveryError(`A batch holds at most ${MAX_BATCH_SIZE} messages`, false);
    emails.forEach((email) => outgoing(email));
    return emails.map((_, index) => `local:${idempotencyKey}:${index}`);
  },
};

/** Resend when an API key is configured, else the embedded default: the one rule, for the app and the worker. */
export function configuredTransport(apiKey: string | undefined, baseUrl: string | undefined): EmailTransport {
  return apiKey ? createResendTransport(apiKey, baseUrl) : localTransport;
}

/**
 * A local stand-in for the part of Resend's HTTP API the app uses (POST /emails and POST
 * /emails/batch), for the real Resend SDK to talk to in tests (RESEND_BASE_URL). Like Resend it
 * honours Idempotency-Key: the same key returns the same ids and delivers nothing twice, and a
 * batch key reused with another payload is refused (409). It can be told to fail. `signedWebhook`
 * signs an event as Resend's webhook does (Svix's scheme, through the standardwebhooks package).
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The most emails one batch call takes (Resend's limit). */
export const FAKE_BATCH_LIMIT = 100;

export interface FakeDelivery {
  id: string;
  idempotencyKey: string | undefined;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  /** The batch it came in, when it came in one. */
  batchKey?: string | undefined;
  tags?: { name: string; value: string }[] | undefined;
}

/** One batch call the fake accepted (first delivery or repeat). */
export interface FakeBatch {
  key: string | undefined;
  size: number;
  /** When it was answered (ms), for rate checks. */
  at: number;
  repeat: boolean;
}

export interface FakeResend {
  url: string;
  apiKey: string;
  deliveries: FakeDelivery[];
  /** Requests seen, including refused and repeated ones. */
  requests: number;
  /** Messages sent again with an idempotency key already delivered (answered, not delivered again). */
  repeated: number;
  /** How many times each idempotency key was accepted, the first delivery and every repeat. */
  sendsByKey: Map<string, number>;
  /** Batch calls accepted, in order, repeats included. */
  batches: FakeBatch[];
  /** The next n requests answer with this status (500: outage, 422: message refused, 429: rate). */
  failNext(n: number, status?: number): void;
  /**
   * Accepted messages are delivered at once but answered this many milliseconds later: a sender
   * that dies meanwhile never learns that its message went out.
   */
  answerDelayMs: number;
  /** Idempotency keys of messages delivered whose answer is being held back (answerDelayMs). */
  held: Set<string>;
  close(): Promise<void>;
}

/** One email as Resend's API receives it, alone or in a batch. */
interface ResendEmail {
  from: string;
  to: string | string[];
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
}

export async function startFakeResend(apiKey = 're_test_fake_key_for_local_tests'): Promise<FakeResend> {
  const byKey = new Map<string, string>();
  let failures = 0;
  let failureStatus = 500;
  const fake: Omit<FakeResend, 'url' | 'close'> & { failNext: FakeResend['failNext'] } = {
    apiKey,
    deliveries: [],
    requests: 0,
    repeated: 0,
    sendsByKey: new Map(),
    batches: [],
    answerDelayMs: 0,
    held: new Set(),
    failNext(n, status = 500) {
      failures = n;
      failureStatus = status;
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      fake.requests++;
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || (req.url !== '/emails' && req.url !== '/emails/batch'))
        return reply(404, { name: 'not_found', message: 'Unknown endpoint', statusCode: 404 });
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return reply(401, { name: 'missing_api_key', message: 'Invalid API key', statusCode: 401 });
      if (failures > 0) {
        failures--;
        return reply(failureStatus, {
          name: failureStatus === 422 ? 'validation_error' : 'internal_server_error',
          message: 'Simulated failure',
          statusCode: failureStatus,
        });
      }
      const key = req.headers['idempotency-key'] as string | undefined;
      if (req.url === '/emails/batch') return batch(key, body, reply);
      if (key) fake.sendsByKey.set(key, (fake.sendsByKey.get(key) ?? 0) + 1);
      if (key && byKey.has(key)) {
        fake.repeated++;
        return reply(200, { id: byKey.get(key) });
      }
      const payload = JSON.parse(body) as ResendEmail;
      if (!payload.from || !payload.to || !payload.subject)
        return reply(422, { name: 'validation_error', message: 'Missing fields', statusCode: 422 });
      const id = randomUUID();
      if (key) byKey.set(key, id);
      fake.deliveries.push({
        id,
        idempotencyKey: key,
        from: payload.from,
        to: Array.isArray(payload.to) ? payload.to : [payload.to],
        subject: payload.subject,
        html: payload.html,
        text: payload.text,
        headers: payload.headers ?? {},
        tags: payload.tags,
      });
      if (fake.answerDelayMs > 0) {
        if (key) fake.held.add(key);
        setTimeout(() => {
          if (key) fake.held.delete(key);
          reply(200, { id });
        }, fake.answerDelayMs);
      } else reply(200, { id });
    });
  });
  /** A batch's payload by its key: the same key with another payload is refused, as Resend does. */
  const batchByKey = new Map<string, { body: string; ids: string[] }>();
  function batch(key: string | undefined, body: string, reply: (status: number, payload: unknown) => void) {
    let emails: unknown;
    try {
      emails = JSON.parse(body);
    } catch {
      return reply(400, { name: 'invalid_body', message: 'Not JSON', statusCode: 400 });
    }
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > FAKE_BATCH_LIMIT)
      return reply(422, {
        name: 'validation_error',
        message: `A batch holds 1 to ${FAKE_BATCH_LIMIT} emails`,
        statusCode: 422,
      });
    if (key) fake.sendsByKey.set(key, (fake.sendsByKey.get(key) ?? 0) + 1);
    const seen = key ? batchByKey.get(key) : undefined;
    if (seen) {
      if (seen.body !== body)
        return reply(409, {
          name: 'invalid_idempotent_request',
          message: 'Same idempotency key used with a different request payload',
          statusCode: 409,
        });
      fake.repeated++;
      fake.batches.push({ key, size: emails.length, at: Date.now(), repeat: true });
      return reply(200, { data: seen.ids.map((id) => ({ id })) });
    }
    const payloads = emails as ResendEmail[];
    // Strict validation: one email that cannot go refuses the whole batch, and nothing is sent.
    if (payloads.some((email) => !email.from || !email.to || !email.subject))
      return reply(422, { name: 'validation_error', message: 'Missing fields', statusCode: 422 });
    const ids = payloads.map(() => randomUUID());
    if (key) batchByKey.set(key, { body, ids });
    payloads.forEach((email, index) =>
      fake.deliveries.push({
        id: ids[index]!,
        idempotencyKey: undefined,
        batchKey: key,
        from: email.from,
        to: Array.isArray(email.to) ? email.to : [email.to],
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers ?? {},
        tags: email.tags,
      }),
    );
    fake.batches.push({ key, size: payloads.length, at: Date.now(), repeat: false });
    const answer = () => reply(200, { data: ids.map((id) => ({ id })) });
    if (fake.answerDelayMs > 0) {
      if (key) fake.held.add(key);
      setTimeout(() => {
        if (key) fake.held.delete(key);
        answer();
      }, fake.answerDelayMs);
    } else answer();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/**
 * An event as Resend's webhook delivers it: the JSON body and the svix-id, svix-timestamp and
 * svix-signature headers, signed with `secret` (whsec_…) at `at` (default now).
 */
export function signedWebhook(
  secret: string,
  event: { type: string; created_at?: string; data: Record<string, unknown> },
  { at = new Date(), id = `msg_${randomUUID()}` }: { at?: Date; id?: string } = {},
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ created_at: at.toISOString(), ...event });
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': signature,
    },
  };
}

/**
 * A local stand-in for the part of Resend's HTTP API the app uses (POST /emails), for the real
 * Resend SDK to talk to in tests (RESEND_BASE_URL). Like Resend it honours Idempotency-Key: the
 * same key returns the same id and delivers nothing twice. It can be told to fail.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';

export interface FakeDelivery {
  id: string;
  idempotencyKey: string | undefined;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
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
  /** The next n requests answer with this status (500: outage, 422: message refused). */
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
      if (req.method !== 'POST' || req.url !== '/emails')
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
      if (key) fake.sendsByKey.set(key, (fake.sendsByKey.get(key) ?? 0) + 1);
      if (key && byKey.has(key)) {
        fake.repeated++;
        return reply(200, { id: byKey.get(key) });
      }
      const payload = JSON.parse(body) as {
        from: string;
        to: string | string[];
        subject: string;
        html: string;
        text: string;
        headers?: Record<string, string>;
      };
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

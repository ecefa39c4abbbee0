/**
 * Starts the real production server (server/main.ts over the built dist/) on a free port with
 * its own database, for integration tests that go through HTTP like a browser would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FakeResend } from '../fakes/resend.ts';
import type { FakeStripe } from '../fakes/stripe.ts';

/**
 * The lines of a server's output that report an error: Astro's own `[ERROR]`, our structured
 * error and fatal lines (src/lib/app/log.server.ts), and anything unhandled.
 */
export function errorLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\[ERROR\]|"level":"(error|fatal)"|Unhandled|uncaught|^\s+at /i.test(line));
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export interface StartResult {
  code: number | null;
  output: string;
}

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  if (!existsSync('dist/server/entry.mjs')) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests (npm test does).');
  }
  const child = spawn(process.execPath, ['dist/server/main.mjs'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const { child, output } = launch(env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output()}`)), 15_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
  return {
    url,
    process: child,
    output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a start that is expected to fail and returns its exit code and output. */
export function startExpectingFailure(env: Record<string, string>): Promise<StartResult> {
  const { child, output } = launch(env);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output() });
    });
  });
}

/** The signing secret of servers started by `startMemberServer`, to make links as the server does. */
export const TEST_APP_SECRET = 'a-test-secret-that-is-at-least-32-characters';

/**
 * The built server as the member-facing HTTP tests use it: its own database, a fixed signing
 * secret, per-visitor addresses through X-Forwarded-For, and no background jobs (tests read the
 * outbox rather than racing the worker).
 */
export function startMemberServer(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    DATABASE_URL: databaseUrl,
    TRUST_PROXY: 'true',
    BACKGROUND_JOBS: 'false',
    APP_SECRET: TEST_APP_SECRET,
    ...env,
  });
}

/** A member server's settings for payments through the local fake Stripe. */
export function stripeEnv(fake: FakeStripe, webhookSecret: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: fake.secretKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_PRICE_MONTHLY: fake.prices.monthly,
    STRIPE_PRICE_YEARLY: fake.prices.yearly,
    STRIPE_API_URL: fake.url,
  };
}

/** A member server's settings for its own background jobs delivering through the local fake Resend. */
export function deliveringEnv(resend: FakeResend): Record<string, string> {
  return { BACKGROUND_JOBS: 'true', RESEND_API_KEY: resend.apiKey, RESEND_BASE_URL: resend.url };
}

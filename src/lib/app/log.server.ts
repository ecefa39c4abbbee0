/**
 * Structured logs: one JSON line per event on standard output, through pino. The web server logs
 * one line per request (server/main.ts) and the background jobs one per run; errors carry their
 * stack and the request id. LOG_LEVEL (fatal, error, warn, info, debug, trace, silent) sets how
 * much is written; `info` by default.
 *
 * No astro: imports: the production server's own bundle, Astro's bundle and the worker script each
 * load this module. The request store is shared between them through one global, so the route
 * Astro matched and the error it met reach the server's request line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, stdSerializers, type Logger } from 'pino';
import { ENV_DEFAULTS } from './config.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function levelFromEnvironment(): LogLevel {
  const wanted = (process.env.LOG_LEVEL ?? ENV_DEFAULTS.LOG_LEVEL).toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted) ? (wanted as LogLevel) : ENV_DEFAULTS.LOG_LEVEL;
}

/** Which process wrote a line: `web` for the server, `worker` for the background worker. */
export function createLogger(role: string): Logger {
  return pino(
    {
      level: levelFromEnvironment(),
      base: { role, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err },
    },
    // Written off the request's path: a line per request written synchronously was 8 % of the
    // tracker home's CPU (bench profile, docs/benchmarks.md). Lines queued while a write is out
    // go in the next one; pino flushes what is queued when the process exits.
    pino.destination({ dest: 1, sync: false }),
  );
}

const LOGGERS = Symbol.for('own-the-follow-up.loggers');

/** One logger per role in this process, whichever bundle asks. */
export function logger(role = 'web'): Logger {
  const shared = globalThis as { [LOGGERS]?: Map<string, Logger> };
  const all = (shared[LOGGERS] ??= new Map());
  let found = all.get(role);
  if (!found) all.set(role, (found = createLogger(role)));
  return found;
}

/** What the server knows about the request being handled, filled in as it goes. */
export interface RequestRecord {
  id: string;
  route?: string;
  error?: unknown;
}

const STORE = Symbol.for('own-the-follow-up.request-store');

/** The request store, one per process across bundles. */
export function requestStore(): AsyncLocalStorage<RequestRecord> {
  const shared = globalThis as { [STORE]?: AsyncLocalStorage<RequestRecord> };
  return (shared[STORE] ??= new AsyncLocalStorage<RequestRecord>());
}

/** The request being handled in this async context, if any. */
export function currentRequest(): RequestRecord | undefined {
  return requestStore().getStore();
}

/**
 * Where background work (an app instance's jobs, the worker) logs: one small place, so the format
 * can change here alone. Plain lines for now: `[scope] message key=value …`, and the stack of an
 * unexpected error on the lines after.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  /** `error` is an Error (its stack is logged) or a sentence that says it all. */
  error(message: string, error?: unknown, fields?: LogFields): void;
}

function line(scope: string, message: string, fields: LogFields = {}): string {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(
      ([key, value]) => `${key}=${typeof value === 'string' && /[\s"=]/.test(value) ? JSON.stringify(value) : value}`,
    );
  return [`[${scope}]`, message, ...pairs].join(' ');
}

export function createLogger(scope: string): Logger {
  return {
    info: (message, fields) => console.log(line(scope, message, fields)),
    error: (message, error, fields) => {
      const reason = error instanceof Error ? error.message : error === undefined ? '' : String(error);
      const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
      console.error(line(scope, reason ? `${message}: ${reason}` : message, fields) + stack);
    },
  };
}

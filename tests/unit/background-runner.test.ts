import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../src/lib/app/background/jobs.server.ts';
import { startJobs } from '../../src/lib/app/background/runner.server.ts';

/** A pino logger like the processes' (debug included), keeping each line as `level msg {fields}`. */
function recordingLogger() {
  const lines: string[] = [];
  const log = pino(
    { level: 'debug', base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
    {
      write: (line: string) => {
        const { level, msg, err, ...fields } = JSON.parse(line) as Record<string, unknown>;
        const reason = err ? `: ${(err as { message: string }).message}` : '';
        lines.push(`${String(level)} ${String(msg)}${reason} ${JSON.stringify(fields)}`);
      },
    },
  );
  return Object.assign(log, { lines });
}

/** A job whose runs end when the test says so. */
function controlledJob(name: string, everyMs: number) {
  const runs: { signal: AbortSignal; finish: () => void; fail: (error: Error) => void }[] = [];
  const released: number[] = [];
  const job: Job = {
    name,
    everyMs,
    run: (signal) =>
      new Promise((resolve, reject) =>
        runs.push({ signal, finish: () => resolve({ done: runs.length }), fail: reject }),
      ),
    release: async () => {
      released.push(runs.length);
      return { released: 1 };
    },
  };
  return { job, runs, released };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the job runner', () => {
  it('runs each job at once, then every everyMs, but never twice at once', async () => {
    const log = recordingLogger();
    const { job, runs } = controlledJob('deliver', 1000);
    const running = startJobs([job], { log });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    // Three ticks pass while the first run is still going: skipped.
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(2);
    expect(log.lines).toEqual(['info job ran {"job":"deliver","done":1}']);
    runs[1]!.finish();
    await running.stop(0);
  });

  it('logs a failed run and tries again at the next tick', async () => {
    const log = recordingLogger();
    const { job, runs } = controlledJob('nurture', 1000);
    const running = startJobs([job], { log });
    await vi.advanceTimersByTimeAsync(0);
    runs[0]!.fail(new Error('database is locked'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.lines).toEqual(['error job failed: database is locked {"job":"nurture"}']);
    expect(runs).toHaveLength(2);
    runs[1]!.finish();
    await running.stop(0);
  });

  it('on stop takes no new work, tells runs to stop, waits out the grace period, then releases', async () => {
    const log = recordingLogger();
    const { job, runs, released } = controlledJob('deliver', 1000);
    const running = startJobs([job], { log });
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = running.stop(3000).then(() => (stopped = true));
    expect(runs[0]!.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(2999);
    expect(stopped).toBe(false);
    expect(released).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(released).toEqual([1]);
    expect(log.lines).toEqual([
      'info not waiting longer for running jobs {"jobs":["deliver"]}',
      'info job released {"job":"deliver","released":1}',
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(1);
  });

  it('on stop releases at once when the running jobs finish within the grace period', async () => {
    const log = recordingLogger();
    const { job, runs, released } = controlledJob('deliver', 1000);
    const running = startJobs([job], { log });
    await vi.advanceTimersByTimeAsync(0);
    const stopping = running.stop(3000);
    runs[0]!.finish();
    await vi.advanceTimersByTimeAsync(0);
    await stopping;
    expect(released).toEqual([1]);
    expect(log.lines).toEqual([
      'info job ran {"job":"deliver","done":1}',
      'info job released {"job":"deliver","released":1}',
    ]);
  });
});

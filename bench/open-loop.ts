/**
 * An open-loop load: requests leave on a fixed schedule, whether or not earlier ones have been
 * answered, the way many people using the site at once behave. Latency is measured from when
 * each request was due to leave, so a server that falls behind is charged for the wait.
 *
 *   node bench/open-loop.ts <json options>   options: { url, cookies, rate, seconds }
 * Prints one JSON line: { sent, ok, errors, p50, p90, p99, max } (milliseconds).
 */
import { Agent, request } from 'node:http';

interface Options {
  url: string;
  cookies: string[];
  /** Requests per second, spread evenly; the cookies take turns. */
  rate: number;
  seconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(options.url);
const latencies: number[] = [];
let errors = 0;
let firstError = '';

function send(cookie: string, dueAt: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers: { cookie } },
      (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode === 200) latencies.push(performance.now() - dueAt);
          else {
            errors += 1;
            firstError ||= `status ${response.statusCode}`;
          }
          resolve();
        });
      },
    );
    req.on('error', (error) => {
      errors += 1;
      firstError ||= error.message;
      resolve();
    });
    req.end();
  });
}

const total = Math.round(options.rate * options.seconds);
const interval = 1000 / options.rate;
const started = performance.now();
const pending: Promise<void>[] = [];
for (let index = 0; index < total; index++) {
  const dueAt = started + index * interval;
  const wait = dueAt - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(send(options.cookies[index % options.cookies.length]!, dueAt));
}
await Promise.all(pending);
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
console.log(
  JSON.stringify({
    sent: total,
    ok: latencies.length,
    errors,
    firstError,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
  }),
);
agent.destroy();

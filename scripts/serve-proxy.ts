/**
 * `npm run serve:proxy`: the production topology on this machine. Caddy terminates TLS (its own
 * CA, on loopback) in front of two app instances and one worker, all on one database:
 *
 *   https://localhost:8443 ─▶ Caddy ─▶ 127.0.0.1:4331, 127.0.0.1:4332 (BACKGROUND_JOBS=false)
 *                                      worker (email, nurture, reminders, pruning, rollups)
 *
 * It builds the site for the proxy's address when needed (into .proxy/dist, so `npm start`'s own
 * build is left alone), applies migrations once, then starts the worker, the instances and Caddy
 * with deploy/Caddyfile: the same files the systemd units in deploy/systemd use in production.
 * Settings: PROXY_HTTPS_PORT (8443), PROXY_HTTP_PORT (8080, redirects to HTTPS), APP_PORTS
 * ("4331,4332"), PROXY_DIR (.proxy), and the app's own (DATABASE_URL, RESEND_API_KEY, …).
 * Ctrl-C (or SIGTERM) stops everything; if any process stops by itself, the rest are stopped too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

if (existsSync('.env')) process.loadEnvFile('.env');

const httpsPort = Number(process.env.PROXY_HTTPS_PORT ?? 8443);
const httpPort = Number(process.env.PROXY_HTTP_PORT ?? 8080);
const appPorts = (process.env.APP_PORTS ?? '4331,4332').split(',').map((port) => Number(port.trim()));
const proxyDir = resolve(process.env.PROXY_DIR ?? '.proxy');
const buildDir = resolve(proxyDir, 'dist');
const site = `https://localhost:${httpsPort}`;

for (const port of [httpsPort, httpPort, ...appPorts]) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`Ports must be whole numbers from 1 to 65535.`);
}

function fail(message: string): never {
  console.error(`serve:proxy: ${message}`);
  process.exit(1);
}

if (spawnSync('caddy', ['version'], { stdio: 'ignore' }).error) {
  fail('Caddy is not installed. On Debian or Ubuntu: apt-get install -y caddy');
}

/** The origin a build was made for, from the build.json the build writes beside the server. */
function builtFor(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(resolve(dir, 'server/build.json'), 'utf8')) as { site?: string }).site;
  } catch {
    return undefined;
  }
}

const node = process.execPath;
const appEnv = { ...process.env, SITE_URL: site, ASTRO_TELEMETRY_DISABLED: '1' };

mkdirSync(proxyDir, { recursive: true });
const stale = spawnSync(node, ['scripts/ensure-build.ts', '--check', buildDir], { env: appEnv }).status !== 0;
if (builtFor(buildDir) !== site || stale) {
  console.log(`serve:proxy: building the site for ${site} into ${buildDir}…`);
  const build = spawnSync(node, ['scripts/ensure-build.ts', '--out', buildDir], { stdio: 'inherit', env: appEnv });
  if (build.status !== 0) fail('the build failed.');
}

// One release step: migrations once, before anything starts (the instances refuse pending ones).
const migrate = spawnSync(node, ['scripts/db-migrate.ts'], { stdio: 'inherit', env: appEnv });
if (migrate.status !== 0) fail('applying migrations failed.');

const children = new Map<string, ChildProcess>();
let stopping = false;

function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    console.error(`serve:proxy: ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest.`);
    void stopAll(1);
  });
  children.set(name, child);
  return child;
}

async function stopAll(exitCode: number): Promise<void> {
  stopping = true;
  const exits = [...children.values()].map(
    (child) => new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done()))),
  );
  for (const child of children.values()) child.kill('SIGTERM');
  const killer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 20_000);
  await Promise.all(exits);
  clearTimeout(killer);
  process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll(0));

/** Resolves when a child prints a line matching `ready`. */
function readyWhen(child: ChildProcess, name: string, ready: RegExp): Promise<void> {
  return new Promise((done, reject) => {
    let seen = '';
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (ready.test(seen)) {
        child.stdout!.off('data', look);
        child.stderr!.off('data', look);
        done();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', () => reject(new Error(`${name} stopped before it was ready`)));
  });
}

const instanceEnv = { ...appEnv, HOST: '127.0.0.1', TRUST_PROXY: 'true', BACKGROUND_JOBS: 'false' };
const worker = start('worker', node, [resolve(buildDir, 'server/worker.mjs')], appEnv);
const instances = appPorts.map((port, index) =>
  start(`web-${index + 1}`, node, [resolve(buildDir, 'server/main.mjs')], { ...instanceEnv, PORT: String(port) }),
);
const caddyData = resolve(proxyDir, 'caddy');
const caddy = start('caddy', 'caddy', ['run', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
  ...process.env,
  SITE_ADDRESS: site,
  CADDY_TLS: 'internal',
  CADDY_HTTP_PORT: String(httpPort),
  UPSTREAMS: appPorts.map((port) => `127.0.0.1:${port}`).join(' '),
  CADDY_DATA: caddyData,
});

try {
  await Promise.all([
    readyWhen(worker, 'worker', /worker .*(started|delivering)/i),
    ...instances.map((child, index) => readyWhen(child, `web-${index + 1}`, /listening on/)),
    readyWhen(caddy, 'caddy', /serving initial configuration/),
  ]);
} catch (error) {
  console.error(`serve:proxy: ${error instanceof Error ? error.message : error}`);
  await stopAll(1);
}

console.log(
  `serve:proxy: ready at ${site} (Caddy, instances on ${appPorts.map((port) => `127.0.0.1:${port}`).join(' and ')}, one worker). ` +
    `Caddy's root certificate: ${resolve(caddyData, 'pki/authorities/local/root.crt')}`,
);

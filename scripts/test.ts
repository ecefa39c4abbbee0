/**
 * `npm test`: the whole suite, in the order a failure is cheapest to find.
 * 1. astro check + build (types, content schemas, prerendering every page)
 * 2. vitest: units and integration tests against real temporary databases and the built server
 * 3. Playwright: journeys in a real Chromium against the built server
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `No Chromium at ${chromium}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
// The production topology (npm run serve:proxy) runs behind a real Caddy, and the deployment units
// are checked by systemd's own tool; the build draws the cheat sheet's first page with Poppler's pdftoppm.
for (const [command, versionFlag, debianPackage] of [
  ['caddy', 'version', 'caddy'],
  ['systemd-analyze', '--version', 'systemd'],
  ['pdftoppm', '-v', 'poppler-utils'],
] as const) {
  if (spawnSync(command, [versionFlag], { stdio: 'ignore' }).error) {
    console.error(`No ${command} on this machine. Install Debian's package: apt-get install -y ${debianPackage}`);
    process.exit(1);
  }
}

const steps: [string, string[]][] = [
  ['Lint and layering (ESLint, Prettier)', ['npm', 'run', 'lint']],
  ['Type check and build', ['npm', 'run', 'build']],
  // After the build: astro sync (part of it) writes the astro: module types tsc needs.
  ['Types of scripts, server and tests (tsc)', ['npx', 'tsc', '--noEmit']],
  ['Unit and integration tests (vitest)', ['npx', 'vitest', 'run']],
  ['Browser journeys (Playwright, Chromium)', ['npx', 'playwright', 'test']],
];

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
for (const [title, [command, ...args]] of steps) {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(command!, args, { stdio: 'inherit', env });
  console.log(
    `=== ${title}: ${result.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

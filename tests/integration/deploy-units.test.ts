/**
 * The deployment files the README points a coach to: the systemd units pass systemd's own check,
 * and the Caddyfile passes Caddy's, with the settings the units give it. (The topology they
 * describe runs in proxy-topology.test.ts, through `npm run serve:proxy`.)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const UNITS = 'deploy/systemd';

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.error)
    throw new Error(`${command} is not installed (apt-get install -y systemd caddy): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/', () => {
  it('has systemd units that systemd-analyze verify accepts, for every process of the topology', () => {
    const files = readdirSync(UNITS).filter((name) => /\.(service|target)$/.test(name));
    expect(files.sort()).toEqual([
      'own-the-follow-up-caddy.service',
      'own-the-follow-up-migrate.service',
      'own-the-follow-up-web@.service',
      'own-the-follow-up-worker.service',
      'own-the-follow-up.target',
    ]);
    // A template is checked as an instance of it, as systemd would start it.
    const units = files.map((name) => join(UNITS, name.replace('@.service', '@4331.service')));
    const { status, output } = run('systemd-analyze', ['verify', ...units.map((unit) => `./${unit}`)]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('runs the web instances and the worker after the migrations, with the settings the README gives', () => {
    const web = readFileSync(join(UNITS, 'own-the-follow-up-web@.service'), 'utf8');
    const worker = readFileSync(join(UNITS, 'own-the-follow-up-worker.service'), 'utf8');
    for (const unit of [web, worker]) {
      expect(unit).toMatch(/^Requires=own-the-follow-up-migrate\.service$/m);
      expect(unit).toMatch(/^After=own-the-follow-up-migrate\.service$/m);
    }
    expect(web).toMatch(/^Environment=.*\bTRUST_PROXY=true\b.*\bBACKGROUND_JOBS=false\b/m);
    expect(web).toMatch(/^ExecStart=\/usr\/bin\/env npm run serve$/m);
    expect(worker).toMatch(/^ExecStart=\/usr\/bin\/env npm run worker$/m);
  });

  it('has a Caddyfile that Caddy accepts with the example settings', () => {
    const example = Object.fromEntries(
      readFileSync(join(UNITS, 'caddy.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const { status, output } = run('caddy', ['validate', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
      ...process.env,
      ...example,
      CADDY_DATA: join(process.env.TMPDIR ?? '/tmp', 'caddy-validate'),
    });
    expect(output).toContain('Valid configuration');
    expect(status).toBe(0);
  });
});

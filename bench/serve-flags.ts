/**
 * The Node flags the site runs with, read from `npm run serve` in package.json (the one place they
 * are set; `start` and `worker` carry the same, which a unit test checks), so the bench measures
 * the server as it is deployed.
 */
import { readFileSync } from 'node:fs';

export function serveFlags(packageJson = 'package.json'): string[] {
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  const serve = /\bnode((?:\s+--\S+)*)\s+dist\/server\/main\.mjs/.exec(scripts['serve'] ?? '');
  if (!serve) throw new Error('package.json: "serve" must run `node [flags] dist/server/main.mjs`');
  return serve[1]!.trim().split(/\s+/).filter(Boolean);
}

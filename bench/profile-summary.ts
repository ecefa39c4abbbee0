/**
 * `npm run bench:profile -- <dir>`: the newest CPU profile in a directory (as `node
 * --cpu-prof` writes it) summarised: where the server's time went, by function (self time) and by
 * package, so a profile can be read without a browser's devtools.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/profile-summary.ts <directory with .cpuprofile files>');
  process.exit(1);
}
const newest = readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => join(dir, name))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (!newest) {
  console.error(`no .cpuprofile in ${dir}`);
  process.exit(1);
}
const profile = JSON.parse(readFileSync(newest, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const total = profile.samples.length;
const hitsOf = new Map<number, number>();
for (const sample of profile.samples) hitsOf.set(sample, (hitsOf.get(sample) ?? 0) + 1);

/** `astro`, `@libsql/client`, `ours: src/lib/…`, `node:internal`, or `(idle)`-like names. */
function placeOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/dist/server/')) return 'ours (dist/server)';
  return url;
}

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = hitsOf.get(node.id) ?? 0;
  if (!hits) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = placeOf(url, functionName);
  const where = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
  byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
}
const share = (hits: number) => `${((hits / total) * 100).toFixed(1).padStart(5)} %`;
const top = (map: Map<string, number>, count: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);

console.log(`${newest}: ${total} samples\n\nBy place (self time):`);
for (const [place, hits] of top(byPlace, 15)) console.log(`${share(hits)}  ${place}`);
console.log('\nBy function (self time):');
for (const [name, hits] of top(byFunction, 30)) console.log(`${share(hits)}  ${name}`);

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * The project folder: the nearest one above `from` with a package.json. The server and the worker
 * run bundled from a build folder (dist/server, or .proxy/dist/server for npm run serve:proxy) and
 * work from the project folder, where the migrations and .env are.
 */
export function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}
